import { Controller, Get, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { LatestPrice, MonitoredPortfolio, StaleSymbol } from './monitor.entities';

export interface MonitoredPortfolioView {
  portfolioId: string;
  version: number;
  outOfBand: string[];
  evaluatedAt: string | null;
  /** Keys of the triggers active at the last evaluation (`absolute-band:SPY`, `calendar:2024-04-01`). */
  activeTriggers: string[];
  /** Keys of the risk limits breached at the last evaluation (`max-drawdown`). */
  breachedLimits: string[];
  /** Why the last evaluation decided nothing (`stale-prices: stale price for SPY`), or null. */
  blockedReason: string | null;
  /** Held or targeted symbols reported stale and not yet ticked again. */
  staleSymbols: string[];
  /** The latest price the monitor holds for each held or targeted symbol (absent: none yet). */
  prices: { symbol: string; price: string; asOf: string; source: string }[];
}

/** What the monitor currently holds for a portfolio: which state version, which prices, which symbols are out of band. */
@Controller('portfolios')
export class MonitoredPortfoliosController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get(':portfolioId')
  async get(
    @Param('portfolioId', new ParseUUIDPipe({ version: '4' })) portfolioId: string,
  ): Promise<MonitoredPortfolioView> {
    const portfolio = await this.dataSource.getRepository(MonitoredPortfolio).findOneBy({ portfolioId });
    if (portfolio === null) throw new NotFoundException(`the monitor holds no portfolio ${portfolioId}`);
    const symbols = [
      ...new Set([
        ...portfolio.state.targets.map((target) => target.symbol),
        ...portfolio.state.accounts.flatMap((account) =>
          account.positions.map((position) => position.symbol),
        ),
      ]),
    ];
    const prices = await this.dataSource
      .getRepository(LatestPrice)
      .find({ where: { symbol: In(symbols) }, order: { symbol: 'ASC' } });
    const stale = await this.dataSource
      .getRepository(StaleSymbol)
      .find({ where: { symbol: In(symbols) }, order: { symbol: 'ASC' } });
    return {
      portfolioId,
      version: portfolio.version,
      outOfBand: portfolio.outOfBand,
      evaluatedAt: portfolio.evaluatedAt?.toISOString() ?? null,
      activeTriggers: portfolio.activeTriggers,
      breachedLimits: portfolio.breachedLimits,
      blockedReason: portfolio.blockedReason,
      staleSymbols: stale.map((row) => row.symbol),
      prices: prices.map((row) => ({
        symbol: row.symbol,
        price: row.price,
        asOf: row.asOf.toISOString(),
        source: row.source,
      })),
    };
  }
}
