import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  DRIFT_DETECTED_TOPIC,
  type EnvelopeMetadata,
  type PortfolioStatePayload,
  type PriceTickPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox } from '@ballast/platform-kafka';
import { type MonitorConfig } from '../config/monitor.config';
import { randomUUID } from 'node:crypto';
import { type EntityManager, In } from 'typeorm';
import { evaluateDrift, type MonitorQuote } from './drift-evaluation';
import { LatestPrice, MonitoredPortfolio, PortfolioSymbol } from './monitor.entities';

/**
 * Keeps the monitor's view (portfolios, symbol index, latest prices) and re-evaluates drift for
 * exactly the portfolios a change touches. Everything happens in the consumer's transaction, so
 * the view, the band state and the drift.detected event (on the outbox) commit together.
 */
@Injectable()
export class DriftMonitorService {
  private readonly logger = new Logger(DriftMonitorService.name);

  constructor(
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: MonitorConfig,
  ) {}

  async onPortfolioState(
    manager: EntityManager,
    state: PortfolioStatePayload,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    const stored = await manager.findOne(MonitoredPortfolio, {
      where: { portfolioId: state.portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && stored.version >= state.version) {
      this.logger.log(
        `portfolio ${state.portfolioId} v${state.version} ignored: v${stored.version} is already held`,
      );
      return;
    }
    await manager.upsert(
      MonitoredPortfolio,
      { portfolioId: state.portfolioId, version: state.version, state, outOfBand: stored?.outOfBand ?? [] },
      ['portfolioId'],
    );
    const symbols = new Set([
      ...state.targets.map((target) => target.symbol),
      ...state.accounts.flatMap((account) => account.positions.map((position) => position.symbol)),
    ]);
    await manager.delete(PortfolioSymbol, { portfolioId: state.portfolioId });
    await manager.insert(
      PortfolioSymbol,
      [...symbols].map((symbol) => ({ portfolioId: state.portfolioId, symbol })),
    );
    await this.evaluate(manager, state.portfolioId, cause);
  }

  async onPriceTick(manager: EntityManager, tick: PriceTickPayload, cause: EnvelopeMetadata): Promise<void> {
    const stored = await manager.findOne(LatestPrice, {
      where: { symbol: tick.symbol },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && Number(stored.asOfMillis) >= tick.asOfMillis) {
      return; // an older or repeated tick: the held price is newer
    }
    await manager.upsert(
      LatestPrice,
      {
        symbol: tick.symbol,
        price: tick.price,
        currency: tick.currency,
        asOf: new Date(tick.asOfMillis),
        asOfMillis: String(tick.asOfMillis),
        source: tick.source,
      },
      ['symbol'],
    );
    const affected = await manager.find(PortfolioSymbol, {
      where: { symbol: tick.symbol },
      order: { portfolioId: 'ASC' },
    });
    for (const { portfolioId } of affected) {
      await this.evaluate(manager, portfolioId, cause);
    }
  }

  private async evaluate(
    manager: EntityManager,
    portfolioId: string,
    cause: EnvelopeMetadata,
  ): Promise<void> {
    // Row lock: the tick consumer and the portfolio consumer may evaluate the same portfolio at once.
    const portfolio = await manager.findOne(MonitoredPortfolio, {
      where: { portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (portfolio === null) return;
    const state = portfolio.state;
    const symbols = [...new Set(state.accounts.flatMap((account) => account.positions.map((p) => p.symbol)))];
    const rows =
      symbols.length === 0 ? [] : await manager.find(LatestPrice, { where: { symbol: In(symbols) } });
    const prices = new Map<string, MonitorQuote>(
      rows.map((row) => [
        row.symbol,
        {
          symbol: row.symbol,
          price: normaliseNumeric(row.price),
          currency: row.currency,
          asOf: row.asOf.toISOString(),
          source: row.source,
        },
      ]),
    );
    const evaluation = evaluateDrift(
      state,
      prices,
      new Set(portfolio.outOfBand),
      this.config.MAX_PRICE_SKEW_MS,
    );
    if (evaluation.kind === 'missing-prices') {
      this.logger.debug(
        `portfolio ${portfolioId} not evaluated: no price yet for ${evaluation.symbols.join(', ')}`,
      );
      return;
    }
    if (evaluation.kind === 'prices-not-aligned') {
      const { oldest, newest } = evaluation;
      this.logger.debug(
        `portfolio ${portfolioId} not evaluated: ${oldest.symbol} at ${oldest.asOf} is too far from ${newest.symbol} at ${newest.asOf}`,
      );
      return;
    }
    await manager.update(
      MonitoredPortfolio,
      { portfolioId },
      { outOfBand: evaluation.outOfBand, evaluatedAt: new Date() },
    );
    if (evaluation.driftDetected !== null) {
      // A detected drift starts a rebalancing run: a new correlation id, caused by this message.
      await this.outbox.enqueue(manager, DRIFT_DETECTED_TOPIC, portfolioId, evaluation.driftDetected, {
        correlationId: randomUUID(),
        causationId: cause.id,
      });
      this.logger.log(
        `drift.detected for portfolio ${portfolioId}: ${evaluation.driftDetected.triggers.map((t) => `${t.symbol} ${t.direction}`).join(', ')}`,
      );
    }
  }
}

/** PostgreSQL numeric comes back as text with trailing zeros as stored; keep it a decimal string. */
function normaliseNumeric(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
