import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { REDIS_CLIENT, redisKey } from '@ballast/platform-redis';
import type Redis from 'ioredis';
import { DataSource, type EntityManager } from 'typeorm';
import { type MarketDataConfig } from '../config/market-data.config';
import { historyCache } from '../market-data.metrics';

/** One daily bar as served by `GET /history` and written by providers; prices are decimal strings. */
export interface Bar {
  date: string;
  open: string | null;
  high: string | null;
  low: string | null;
  close: string;
  adjClose: string | null;
  volume: number | null;
}

export interface SymbolBar extends Bar {
  symbol: string;
  source: string;
}

export interface HistoryQuery {
  symbols: readonly string[];
  from: string;
  to: string;
}

export interface HistoryAnswer {
  from: string;
  to: string;
  bars: Record<string, Bar[]>;
}

/** Version of a symbol's bars: bumped on every write, part of every cache key that covers it. */
export const historyVersionKey = (prefix: string, symbol: string): string =>
  redisKey(prefix, 'history', 'version', symbol);
/** A cached answer: sorted symbols with their versions, and the range. */
export const historyAnswerKey = (prefix: string, symbolVersions: string, from: string, to: string): string =>
  redisKey(prefix, 'history', 'answer', symbolVersions, from, to);

/**
 * Daily bars in PostgreSQL (`daily_bar`, the truth) behind a Redis cache of whole answers.
 * Invalidation without scanning keys: every symbol has a version counter in Redis, bumped after bars
 * of it are written, and an answer's key holds the versions of its symbols, so a write makes every
 * answer that covers the symbol unreachable at once (the old entries expire by TTL). A Redis failure
 * degrades to reading PostgreSQL; it never fails a request or a write.
 */
@Injectable()
export class HistoryService {
  private readonly logger = new Logger(HistoryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {}

  /** Upserts bars within the caller's transaction; call `invalidate` after the commit. */
  async upsertBars(manager: EntityManager, bars: readonly SymbolBar[]): Promise<void> {
    for (const bar of bars) {
      await manager.query(
        `INSERT INTO daily_bar (symbol, date, open, high, low, close, adj_close, volume, source, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
         ON CONFLICT (symbol, date) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
           close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume,
           source = EXCLUDED.source, updated_at = now()`,
        [bar.symbol, bar.date, bar.open, bar.high, bar.low, bar.close, bar.adjClose, bar.volume, bar.source],
      );
    }
  }

  /** Writes bars in their own transaction and invalidates the cached answers that cover them. */
  async saveBars(bars: readonly SymbolBar[]): Promise<void> {
    if (bars.length === 0) return;
    await this.dataSource.transaction((manager) => this.upsertBars(manager, bars));
    await this.invalidate(bars.map((bar) => bar.symbol));
  }

  async invalidate(symbols: Iterable<string>): Promise<void> {
    const unique = [...new Set(symbols)];
    if (unique.length === 0) return;
    try {
      const pipeline = this.redis.multi();
      for (const symbol of unique) pipeline.incr(historyVersionKey(this.config.REDIS_KEY_PREFIX, symbol));
      await pipeline.exec();
    } catch (error) {
      // The answers cached for these symbols may now be out of date until their TTL: say so loudly.
      this.logger.error(
        `invalidating cached history of ${unique.join(',')} failed: ${(error as Error).message}; ` +
          `answers may be stale for up to ${this.config.HISTORY_CACHE_TTL_SECONDS} s`,
      );
    }
  }

  /** Bars of each symbol in [from, to], oldest first; `cache` says where the answer came from. */
  async read(query: HistoryQuery): Promise<{ answer: HistoryAnswer; cache: 'hit' | 'miss' | 'bypass' }> {
    const symbols = [...new Set(query.symbols)].sort();
    const prefix = this.config.REDIS_KEY_PREFIX;
    let key: string | undefined;
    try {
      const versions = await this.redis.mget(symbols.map((symbol) => historyVersionKey(prefix, symbol)));
      key = historyAnswerKey(
        prefix,
        symbols.map((symbol, index) => `${symbol}@${versions[index] ?? '0'}`).join(','),
        query.from,
        query.to,
      );
      const cached = await this.redis.get(key);
      if (cached !== null) {
        historyCache.inc({ outcome: 'hit' });
        return { answer: JSON.parse(cached) as HistoryAnswer, cache: 'hit' };
      }
    } catch (error) {
      this.logger.warn(`history cache unavailable, reading PostgreSQL: ${(error as Error).message}`);
      key = undefined;
    }
    const answer = await this.load(symbols, query.from, query.to);
    historyCache.inc({ outcome: key === undefined ? 'bypass' : 'miss' });
    if (key !== undefined) {
      try {
        await this.redis.set(key, JSON.stringify(answer), 'EX', this.config.HISTORY_CACHE_TTL_SECONDS);
      } catch (error) {
        this.logger.warn(`caching a history answer failed: ${(error as Error).message}`);
      }
    }
    return { answer, cache: key === undefined ? 'bypass' : 'miss' };
  }

  private async load(symbols: readonly string[], from: string, to: string): Promise<HistoryAnswer> {
    const rows = await this.dataSource.query<
      {
        symbol: string;
        date: string;
        open: string | null;
        high: string | null;
        low: string | null;
        close: string;
        adj_close: string | null;
        volume: string | null;
      }[]
    >(
      `SELECT symbol, to_char(date, 'YYYY-MM-DD') AS date, open::text, high::text, low::text, close::text,
              adj_close::text, volume::text
         FROM daily_bar WHERE symbol = ANY($1) AND date BETWEEN $2 AND $3 ORDER BY symbol, date`,
      [symbols, from, to],
    );
    const bars: Record<string, Bar[]> = Object.fromEntries(symbols.map((symbol) => [symbol, []]));
    for (const row of rows) {
      bars[row.symbol]?.push({
        date: row.date,
        open: row.open,
        high: row.high,
        low: row.low,
        close: row.close,
        adjClose: row.adj_close,
        volume: row.volume === null ? null : Number(row.volume),
      });
    }
    return { from, to, bars };
  }
}
