import { Inject, Injectable, Logger } from '@nestjs/common';
import { type PriceTickPayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { randomUUID } from 'node:crypto';
import { type MarketDataConfig } from '../../config/market-data.config';
import { HistoryService } from '../../history/history.service';
import { providerErrors } from '../../market-data.metrics';
import { PriceIngestService } from '../../prices/price-ingest.service';
import { validateRawPrice } from '../../prices/raw-price.validator';
import { RetriesExhaustedError } from '../backoff';
import { type PriceProvider } from '../price-provider';
import { YahooFinanceClient } from './yahoo-finance.client';
import { WatchlistService } from '../../watchlist/watchlist.service';
import { HistorySchedule, quoteBatches } from './poll-schedule';
import { type Rejected } from './yahoo-normalise';

/**
 * Polls Yahoo quotes of the watch list (MARKET_DATA_SYMBOLS plus every symbol a portfolio holds or
 * targets, see WatchlistService) every YAHOO_POLL_INTERVAL_MS, in requests of at most
 * YAHOO_QUOTE_BATCH_SIZE symbols, and ingests them as `price.tick` (source `yahoo`). Daily history
 * follows the same list: YAHOO_HISTORY_DAYS of bars for each symbol when it joins the list (on the
 * next turn), refreshed every YAHOO_HISTORY_REFRESH_MS. A change of the list wakes the loop, so a
 * symbol a portfolio just bought is polled without waiting for the next interval; a symbol no
 * portfolio references any more is no longer asked for. Every request passes the client's rate
 * limiter. A failed or bad answer is logged and counted (`ballast_market_data_provider_errors_total`)
 * and the next poll tries again: nothing here can stop the service. An unchanged quote (same time and
 * price) is a duplicate and makes no tick.
 */
@Injectable()
export class YahooFinanceProvider implements PriceProvider {
  readonly name = 'yahoo' as const;
  private readonly logger = new Logger(YahooFinanceProvider.name);
  private readonly historySchedule: HistorySchedule;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Set when the watch list changed during a turn, so that the next turn starts at once. */
  private changedMeanwhile = false;
  private unsubscribe: (() => void) | undefined;
  private lastMissing = '';
  private lastEmpty = false;

  constructor(
    private readonly client: YahooFinanceClient,
    private readonly ingest: PriceIngestService,
    private readonly history: HistoryService,
    private readonly watchlist: WatchlistService,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {
    this.historySchedule = new HistorySchedule(config.YAHOO_HISTORY_REFRESH_MS);
  }

  start(): Promise<void> {
    this.stopping = false;
    this.unsubscribe = this.watchlist.onChange(() => {
      this.changedMeanwhile = true;
      this.wake?.();
    });
    // Runs in the background: the first poll must not hold up the service's start.
    this.loop = this.run();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
  }

  /**
   * One poll of the quotes of `symbols` (the watch list by default), one request per batch; a failed
   * batch is reported and the others still count. Returns how many ticks were accepted.
   */
  async pollQuotes(symbols?: readonly string[]): Promise<number> {
    const watched = symbols ?? (await this.watchlist.symbols());
    if (watched.length === 0) return 0;
    const ticks: PriceTickPayload[] = [];
    const answered = new Set<string>();
    for (const batch of quoteBatches(watched, this.config.YAHOO_QUOTE_BATCH_SIZE)) {
      if (this.stopping) break;
      let answer;
      try {
        answer = await this.client.quotes(batch);
      } catch (error) {
        this.reportFailure(`quotes of ${batch.join(',')}`, error);
        for (const symbol of batch) answered.add(symbol); // failed, not missing: said once above
        continue;
      }
      this.reportRejected('quote', answer.rejected);
      for (const quote of answer.quotes) {
        answered.add(quote.symbol);
        const verdict = validateRawPrice(
          {
            symbol: quote.symbol,
            price: quote.price,
            currency: quote.currency,
            asOf: new Date(quote.asOfMillis).toISOString(),
            source: 'yahoo',
          },
          Date.now(),
        );
        if (verdict.ok) ticks.push({ ...verdict.tick, source: 'yahoo' });
        else this.reportRejected('quote', [{ symbol: quote.symbol, reason: verdict.reason }]);
      }
    }
    const missing = watched.filter((symbol) => !answered.has(symbol));
    // Said when the set of missing symbols changes, not on every poll.
    if (missing.join(',') !== this.lastMissing) {
      this.lastMissing = missing.join(',');
      if (missing.length > 0) this.logger.warn(`Yahoo returned no quote for ${missing.join(', ')}`);
    }
    if (ticks.length === 0) return 0;
    const result = await this.ingest.ingestBatch(ticks, { correlationId: randomUUID() });
    for (const outcome of result.outcomes) {
      if (outcome.kind === 'rejected') this.logger.warn(`yahoo quote not used: ${outcome.reason}`);
    }
    return result.accepted;
  }

  /** Loads the last YAHOO_HISTORY_DAYS of daily bars of each of `symbols` into daily_bar. */
  async loadHistory(symbols: readonly string[], nowMillis: number = Date.now()): Promise<number> {
    const to = new Date(nowMillis).toISOString().slice(0, 10);
    const from = new Date(nowMillis - this.config.YAHOO_HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
    let written = 0;
    for (const symbol of symbols) {
      if (this.stopping) break;
      this.historySchedule.loaded(symbol, nowMillis);
      try {
        const { bars, rejected } = await this.client.dailyBars(symbol, from, to);
        this.reportRejected('chart', rejected);
        await this.history.saveBars(bars.map((bar) => ({ ...bar, source: 'yahoo' })));
        written += bars.length;
      } catch (error) {
        this.reportFailure(`daily history of ${symbol}`, error);
      }
    }
    return written;
  }

  /** One turn: the history that is due, then a poll of the whole watch list. */
  async turn(nowMillis: number = Date.now()): Promise<void> {
    const watched = await this.watchlist.symbols();
    if (watched.length === 0 && !this.lastEmpty) {
      this.logger.warn('yahoo: nothing to poll yet (no MARKET_DATA_SYMBOLS, no portfolio holds a symbol)');
    }
    this.lastEmpty = watched.length === 0;
    const due = this.historySchedule.due(watched, nowMillis);
    if (due.length > 0) {
      const written = await this.loadHistory(due, nowMillis);
      this.logger.log(`yahoo daily history: ${written} bar(s) of ${due.length} symbol(s)`);
    }
    await this.pollQuotes(watched);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.changedMeanwhile = false;
      try {
        await this.turn();
      } catch (error) {
        // The watch list could not be read (PostgreSQL down), or the ingest failed: next turn.
        this.reportFailure('poll', error);
      }
      if (this.changedMeanwhile || this.stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.YAHOO_POLL_INTERVAL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private reportRejected(call: string, rejected: readonly Rejected[]): void {
    for (const item of rejected) {
      providerErrors.inc({ provider: 'yahoo', kind: 'bad-response' });
      this.logger.warn(`bad Yahoo ${call} answer for ${item.symbol}: ${item.reason}`);
    }
  }

  private reportFailure(what: string, error: unknown): void {
    const kind =
      error instanceof RetriesExhaustedError
        ? 'retries-exhausted'
        : /validation|schema|not parsable|NotFound|No data found/i.test(
              `${(error as Error).name} ${(error as Error).message}`,
            )
          ? 'bad-response'
          : 'failed';
    providerErrors.inc({ provider: 'yahoo', kind });
    this.logger.error(`Yahoo ${what} failed (${kind}): ${(error as Error).message}`);
  }
}
