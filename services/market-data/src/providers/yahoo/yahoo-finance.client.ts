import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { REDIS_CLIENT, redisKey } from '@ballast/platform-redis';
import type Redis from 'ioredis';
import YahooFinance from 'yahoo-finance2';
import { type MarketDataConfig } from '../../config/market-data.config';
import { providerRequests } from '../../market-data.metrics';
import { withBackoff } from '../backoff';
import { TokenBucket } from '../rate-limiter';
import {
  normaliseChart,
  normaliseQuotes,
  type Rejected,
  type YahooBar,
  type YahooQuote,
} from './yahoo-normalise';

/** The yahoo-finance2 client as this service uses it (two modules). */
type YahooClient = InstanceType<typeof YahooFinance>;

/** An answer from Yahoo that cannot be used: kept apart from transport errors, never retried. */
export class BadYahooResponseError extends Error {
  override readonly name = 'BadYahooResponseError';
}

/** Transient: 429 and 5xx answers, timeouts and dropped connections; anything else is final. */
export function isTransientYahooError(error: unknown): boolean {
  if (error instanceof BadYahooResponseError) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number') return code === 429 || code >= 500;
  const name = (error as Error).name;
  // fetch's network failures are TypeErrors ("fetch failed"); our timeout aborts with TimeoutError.
  return name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError';
}

export const yahooQuoteKey = (prefix: string, symbols: readonly string[]): string =>
  redisKey(prefix, 'yahoo', 'quote', [...symbols].sort().join(','));
export const yahooChartKey = (prefix: string, symbol: string, from: string, to: string): string =>
  redisKey(prefix, 'yahoo', 'chart', symbol, from, to);

/**
 * yahoo-finance2 behind a token bucket (every HTTP request, the cookie/crumb handshake included),
 * exponential backoff on transient errors, and a Redis cache of normalised answers with TTLs, so
 * that replicas and restarts do not ask Yahoo again for what they just asked.
 *
 * yahoo-finance2 v3 ships CommonJS next to ESM; the service build (CommonJS) loads the CommonJS one.
 */
@Injectable()
export class YahooFinanceClient {
  private readonly logger = new Logger(YahooFinanceClient.name);
  private readonly bucket: TokenBucket;
  private readonly yahoo: YahooClient;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {
    this.bucket = new TokenBucket(config.YAHOO_RATE_LIMIT_PER_SECOND, config.YAHOO_RATE_LIMIT_BURST);
    const baseUrl = config.YAHOO_BASE_URL;
    const limitedFetch: typeof fetch = async (input, init) => {
      await this.bucket.take();
      const url = new URL(input instanceof Request ? input.url : String(input));
      const target = baseUrl === undefined ? url : new URL(`${url.pathname}${url.search}`, baseUrl);
      return fetch(target, { ...init, signal: AbortSignal.timeout(config.YAHOO_REQUEST_TIMEOUT_MS) });
    };
    const log =
      (level: 'debug' | 'warn' | 'error') =>
      (...args: unknown[]) =>
        this.logger[level](
          args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' '),
        );
    this.yahoo = new YahooFinance({
      fetch: limitedFetch,
      // The version check asks the npm registry on errors: no such call from a price service.
      versionCheck: false,
      suppressNotices: ['yahooSurvey'],
      validation: { logErrors: false },
      logger: {
        info: log('debug'),
        debug: log('debug'),
        dir: log('debug'),
        warn: log('warn'),
        error: log('error'),
      },
    });
  }

  /** Last quotes of these symbols; symbols Yahoo does not know are simply absent. */
  async quotes(symbols: readonly string[]): Promise<{ quotes: YahooQuote[]; rejected: Rejected[] }> {
    if (symbols.length === 0) return { quotes: [], rejected: [] };
    return this.cached(
      'quote',
      yahooQuoteKey(this.config.REDIS_KEY_PREFIX, symbols),
      this.config.YAHOO_QUOTE_CACHE_TTL_SECONDS,
      async () => {
        const raw = await this.call(`quote ${symbols.join(',')}`, () =>
          this.yahoo.quote([...symbols], { return: 'array' }),
        );
        return normaliseQuotes(raw);
      },
    );
  }

  /** Daily bars of one symbol, `from` and `to` inclusive exchange dates. */
  async dailyBars(
    symbol: string,
    from: string,
    to: string,
  ): Promise<{ bars: YahooBar[]; rejected: Rejected[] }> {
    return this.cached(
      'chart',
      yahooChartKey(this.config.REDIS_KEY_PREFIX, symbol, from, to),
      this.config.YAHOO_HISTORY_CACHE_TTL_SECONDS,
      async () => {
        // period2 is exclusive at Yahoo: the day after `to`.
        const period2 = new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
        const raw = await this.call(`chart ${symbol}`, () =>
          this.yahoo.chart(symbol, { period1: from, period2, interval: '1d' }),
        );
        const { bars, rejected } = normaliseChart(symbol, raw);
        return { bars: bars.filter((bar) => bar.date >= from && bar.date <= to), rejected };
      },
    );
  }

  private call<T>(description: string, operation: () => Promise<T>): Promise<T> {
    return withBackoff(
      `yahoo ${description}`,
      operation,
      isTransientYahooError,
      {
        maxAttempts: this.config.YAHOO_MAX_ATTEMPTS,
        baseDelayMs: this.config.YAHOO_BACKOFF_BASE_MS,
        maxDelayMs: this.config.YAHOO_BACKOFF_MAX_MS,
      },
      undefined,
      (error, attempt, delayMs) =>
        this.logger.warn(
          `yahoo ${description}: attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`,
        ),
    );
  }

  private async cached<T>(call: string, key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    try {
      const hit = await this.redis.get(key);
      if (hit !== null) {
        providerRequests.inc({ provider: 'yahoo', call, outcome: 'cache' });
        return JSON.parse(hit) as T;
      }
    } catch (error) {
      this.logger.warn(`Yahoo cache read failed, asking Yahoo: ${(error as Error).message}`);
    }
    const value = await load();
    providerRequests.inc({ provider: 'yahoo', call, outcome: 'fetched' });
    try {
      await this.redis.set(key, JSON.stringify(value), 'EX', ttlSeconds);
    } catch (error) {
      this.logger.warn(`Yahoo cache write failed: ${(error as Error).message}`);
    }
    return value;
  }
}
