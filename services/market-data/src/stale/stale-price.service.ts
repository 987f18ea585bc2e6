import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PRICE_STALE_TOPIC, type PriceStalePayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox, OutboxRelay } from '@ballast/platform-kafka';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { type MarketDataConfig } from '../config/market-data.config';
import { MarketCalendar } from '../market/market-calendar';
import { staleChecks, staleEpisodes } from '../market-data.metrics';
import { WatchlistService } from '../watchlist/watchlist.service';
import { checkStaleness } from './stale-detector';

interface WatchedRow {
  symbol: string;
  price: string | null;
  as_of: Date | null;
  source: string | null;
  updated_at: Date | null;
  /** updated_at as PostgreSQL text: microseconds, which a JS Date would cut to milliseconds. */
  updated_at_exact: string | null;
  episode_open: boolean;
}

/**
 * Checks every watched symbol (MARKET_DATA_SYMBOLS plus every symbol a portfolio holds or targets:
 * the yahoo provider's watch list) every STALE_CHECK_INTERVAL_MS. A symbol nobody holds, targets or
 * configures is not checked, even with a price on record: no portfolio waits on it, so its silence
 * is no reason to stop proposals. A symbol without an accepted price for more than PRICE_MAX_AGE_SECONDS
 * while the market is open starts a stale episode: a `stale_episode` row and a `price.stale` event,
 * written in one transaction through the outbox, so the event is published exactly when the
 * episode is recorded, and a restart never reports the same episode twice. The ingest path deletes
 * the row when it accepts a fresh price of the symbol, which ends the episode.
 */
@Injectable()
export class StalePriceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StalePriceService.name);
  private readonly calendar: MarketCalendar;
  private readonly startedAtMillis = Date.now();
  /**
   * When this process first saw each symbol in the watch list: a symbol that joins it later (a
   * portfolio just bought it) gets PRICE_MAX_AGE_SECONDS from then for its first price, as every
   * symbol does from the start. Symbols that left the list are forgotten.
   */
  private readonly watchedSince = new Map<string, number>();
  private checkedOnce = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly watchlist: WatchlistService,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {
    this.calendar = new MarketCalendar({
      timeZone: config.MARKET_TIME_ZONE,
      ...config.MARKET_SESSION,
      weekdays: config.MARKET_WEEKDAYS,
      holidays: new Set(config.MARKET_HOLIDAYS),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.STALE_CHECK_INTERVAL_MS === 0) {
      this.logger.log('stale-price detection is off (STALE_CHECK_INTERVAL_MS=0)');
      return;
    }
    this.timer = setInterval(() => {
      // One check at a time: a slow database must not pile checks up.
      if (this.running !== undefined) return;
      this.running = this.check()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`stale-price check failed: ${(error as Error).message}`))
        .finally(() => {
          this.running = undefined;
        });
    }, this.config.STALE_CHECK_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every watched symbol; returns the symbols whose episode it opened. */
  async check(nowMillis: number = Date.now()): Promise<string[]> {
    const marketOpen = this.calendar.isOpen(nowMillis);
    const watched = await this.watchlist.symbols();
    const current = new Set(watched);
    for (const symbol of [...this.watchedSince.keys()])
      if (!current.has(symbol)) this.watchedSince.delete(symbol);
    // The first check's symbols have been expected since the service started.
    const since = this.checkedOnce ? nowMillis : Math.min(this.startedAtMillis, nowMillis);
    this.checkedOnce = true;
    for (const symbol of watched) if (!this.watchedSince.has(symbol)) this.watchedSince.set(symbol, since);
    const rows = await this.dataSource.query<WatchedRow[]>(
      // An episode row is open while no price was accepted after the update it was judged on; the
      // ingest path also deletes it, but a tick committing while an episode is being recorded would
      // race with that delete, and this comparison does not.
      `SELECT w.symbol, p.price::text AS price, p.as_of, p.source, p.updated_at, p.updated_at::text AS updated_at_exact,
              (e.symbol IS NOT NULL AND (p.updated_at IS NULL
                OR (e.last_update_at IS NOT NULL AND p.updated_at <= e.last_update_at))) AS episode_open
         FROM unnest($1::text[]) AS w(symbol)
         LEFT JOIN last_price p ON p.symbol = w.symbol
         LEFT JOIN stale_episode e ON e.symbol = w.symbol`,
      [watched],
    );
    const opened: string[] = [];
    for (const row of rows) {
      const verdict = checkStaleness({
        lastUpdateMillis: row.updated_at === null ? null : row.updated_at.getTime(),
        watchedSinceMillis: this.watchedSince.get(row.symbol) ?? since,
        episodeOpen: row.episode_open,
        marketOpen,
        nowMillis,
        maxAgeMillis: this.config.PRICE_MAX_AGE_SECONDS * 1000,
      });
      if (verdict.kind === 'open-episode' && (await this.openEpisode(row, nowMillis)))
        opened.push(row.symbol);
    }
    staleChecks.inc();
    if (opened.length > 0) {
      this.relay.wake();
      this.logger.warn(
        `price.stale: no price of ${opened.join(', ')} for more than ${this.config.PRICE_MAX_AGE_SECONDS} s while the market is open`,
      );
    }
    return opened;
  }

  private async openEpisode(row: WatchedRow, nowMillis: number): Promise<boolean> {
    const detectedAt = new Date(nowMillis);
    return this.dataSource.transaction(async (manager) => {
      // The guard: a price accepted since the SELECT means the symbol is fresh after all. The upsert
      // replaces an ended episode's row, and never reports the same (symbol, last update) twice.
      const inserted = await manager.query<{ symbol: string }[]>(
        `INSERT INTO stale_episode (symbol, detected_at, last_price_at, last_update_at)
         SELECT $1, $2, $3, $4::timestamptz
          WHERE NOT EXISTS (SELECT 1 FROM last_price WHERE symbol = $1 AND updated_at IS DISTINCT FROM $4::timestamptz)
         ON CONFLICT (symbol) DO UPDATE
           SET detected_at = EXCLUDED.detected_at, last_price_at = EXCLUDED.last_price_at,
               last_update_at = EXCLUDED.last_update_at
         WHERE stale_episode.last_update_at IS DISTINCT FROM EXCLUDED.last_update_at
         RETURNING symbol`,
        [row.symbol, detectedAt, row.as_of, row.updated_at_exact],
      );
      if (inserted.length === 0) return false;
      const payload: PriceStalePayload = {
        symbol: row.symbol,
        lastPriceAt: row.as_of === null ? null : row.as_of.toISOString(),
        lastPrice: row.price === null ? null : new Decimal(row.price).toFixed(),
        source: row.source ?? this.config.MARKET_DATA_PROVIDER,
        maxAgeSeconds: this.config.PRICE_MAX_AGE_SECONDS,
        detectedAt: detectedAt.toISOString(),
      };
      await this.outbox.enqueue(manager, PRICE_STALE_TOPIC, row.symbol, payload);
      staleEpisodes.inc();
      return true;
    });
  }
}
