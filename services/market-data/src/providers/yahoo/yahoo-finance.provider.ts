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
import { type Rejected } from './yahoo-normalise';

/**
 * Polls Yahoo quotes of MARKET_DATA_SYMBOLS every YAHOO_POLL_INTERVAL_MS and ingests them as
 * `price.tick` (source `yahoo`); loads YAHOO_HISTORY_DAYS of daily bars at start and refreshes
 * them every YAHOO_HISTORY_REFRESH_MS. A failed or bad answer is logged and counted
 * (`ballast_market_data_provider_errors_total`) and the next poll tries again: nothing here can
 * stop the service. An unchanged quote (same time and price) is a duplicate and makes no tick.
 */
@Injectable()
export class YahooFinanceProvider implements PriceProvider {
  readonly name = 'yahoo' as const;
  private readonly logger = new Logger(YahooFinanceProvider.name);
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private historyLoadedAt = 0;
  private lastMissing = '';

  constructor(
    private readonly client: YahooFinanceClient,
    private readonly ingest: PriceIngestService,
    private readonly history: HistoryService,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {}

  start(): Promise<void> {
    if (this.config.MARKET_DATA_SYMBOLS.length === 0) {
      this.logger.warn('MARKET_DATA_PROVIDER=yahoo with no MARKET_DATA_SYMBOLS: nothing to poll');
    }
    this.stopping = false;
    // Runs in the background: the first poll must not hold up the service's start.
    this.loop = this.run();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** One poll of quotes; returns how many ticks were accepted. */
  async pollQuotes(): Promise<number> {
    const symbols = this.config.MARKET_DATA_SYMBOLS;
    if (symbols.length === 0) return 0;
    const { quotes, rejected } = await this.client.quotes(symbols);
    this.reportRejected('quote', rejected);
    const ticks: PriceTickPayload[] = [];
    for (const quote of quotes) {
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
    const missing = symbols.filter((symbol) => !quotes.some((quote) => quote.symbol === symbol));
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

  /** Loads the last YAHOO_HISTORY_DAYS of daily bars of every symbol into daily_bar. */
  async loadHistory(nowMillis: number = Date.now()): Promise<number> {
    const to = new Date(nowMillis).toISOString().slice(0, 10);
    const from = new Date(nowMillis - this.config.YAHOO_HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
    let written = 0;
    for (const symbol of this.config.MARKET_DATA_SYMBOLS) {
      if (this.stopping) break;
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

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (Date.now() - this.historyLoadedAt >= this.config.YAHOO_HISTORY_REFRESH_MS) {
        this.historyLoadedAt = Date.now();
        const written = await this.loadHistory();
        this.logger.log(
          `yahoo daily history: ${written} bar(s) of ${this.config.MARKET_DATA_SYMBOLS.length} symbol(s)`,
        );
      }
      try {
        await this.pollQuotes();
      } catch (error) {
        this.reportFailure('quotes', error);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.YAHOO_POLL_INTERVAL_MS);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
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
