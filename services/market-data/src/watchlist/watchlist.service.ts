import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type PortfolioStatePayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource, type EntityManager } from 'typeorm';
import { type MarketDataConfig } from '../config/market-data.config';
import { portfolioSymbols, type WatchChange, watchChange } from './portfolio-symbols';

/** One watched symbol: how many portfolios reference it, and whether MARKET_DATA_SYMBOLS names it. */
export interface WatchedSymbol {
  readonly symbol: string;
  readonly portfolios: number;
  readonly configured: boolean;
}

/** What applying one portfolio.state did. */
export type WatchUpdate =
  | ({ readonly kind: 'applied'; readonly version: number } & WatchChange)
  | { readonly kind: 'older'; readonly heldVersion: number };

/**
 * The watch list: MARKET_DATA_SYMBOLS plus every symbol held or targeted by the latest version of
 * any portfolio. It lives in PostgreSQL (`portfolio_symbols`, one row per portfolio) rather than in
 * memory because the portfolio.state group is shared by the replicas: each replica consumes only
 * its partitions, yet every replica polls and checks staleness for the whole list. A symbol's
 * reference count is the number of portfolios whose latest version names it; when the last one drops
 * it, it leaves the list (unless configured), so it is neither polled nor reported stale any more.
 */
@Injectable()
export class WatchlistService {
  private readonly logger = new Logger(WatchlistService.name);
  private readonly listeners = new Set<() => void>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {}

  /**
   * Replaces the portfolio's symbols by those of this version, in the consumer's transaction (with
   * its inbox row); an older or equal version than the one held changes nothing (a replay of the
   * compacted topic, or a redelivery).
   */
  async applyState(manager: EntityManager, state: PortfolioStatePayload): Promise<WatchUpdate> {
    const held = await manager.query<{ version: number; symbols: string[] }[]>(
      `SELECT version, symbols FROM portfolio_symbols WHERE portfolio_id = $1 FOR UPDATE`,
      [state.portfolioId],
    );
    const previous = held[0];
    if (previous !== undefined && previous.version >= state.version) {
      return { kind: 'older', heldVersion: previous.version };
    }
    const symbols = portfolioSymbols(state);
    await manager.query(
      `INSERT INTO portfolio_symbols (portfolio_id, version, symbols) VALUES ($1, $2, $3)
       ON CONFLICT (portfolio_id) DO UPDATE
         SET version = EXCLUDED.version, symbols = EXCLUDED.symbols, updated_at = now()`,
      [state.portfolioId, state.version, symbols],
    );
    return { kind: 'applied', version: state.version, ...watchChange(previous?.symbols ?? [], symbols) };
  }

  /** Every watched symbol with its reference count, sorted by symbol. */
  async watched(): Promise<WatchedSymbol[]> {
    const rows = await this.dataSource.query<{ symbol: string; portfolios: number }[]>(
      `SELECT symbol, count(*)::int AS portfolios
         FROM portfolio_symbols, unnest(symbols) AS symbol
        GROUP BY symbol`,
    );
    const configured = new Set(this.config.MARKET_DATA_SYMBOLS);
    const counts = new Map(rows.map((row) => [row.symbol, row.portfolios]));
    return [...new Set([...configured, ...counts.keys()])].sort().map((symbol) => ({
      symbol,
      portfolios: counts.get(symbol) ?? 0,
      configured: configured.has(symbol),
    }));
  }

  /** The watched symbols alone, sorted. */
  async symbols(): Promise<string[]> {
    return (await this.watched()).map((entry) => entry.symbol);
  }

  /** Called after a committed change that added or removed symbols (the yahoo provider polls at once). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners, after the change committed; a listener's failure is logged, never thrown. */
  changed(portfolioId: string, change: WatchChange): void {
    if (change.added.length === 0 && change.removed.length === 0) return;
    this.logger.log(
      `portfolio ${portfolioId}: watching ${change.added.length > 0 ? `+${change.added.join(',+')}` : ''}` +
        `${change.added.length > 0 && change.removed.length > 0 ? ' ' : ''}` +
        `${change.removed.length > 0 ? `-${change.removed.join(',-')}` : ''}`,
    );
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.logger.warn(`watch-list listener failed: ${(error as Error).message}`);
      }
    }
  }
}
