import { commonEnv, databaseEnv, kafkaEnv, redisEnv, requireSaslCredentials } from '@ballast/platform-config';
import path from 'node:path';
import { z } from 'zod';
import { NYSE_HOLIDAYS_2025_2027, parseSession, parseWeekdays } from '../market/market-calendar';

/** services/market-data/assets, from src/config in the source tree and in the built output alike. */
export const BUNDLED_ASSETS_DIR = path.resolve(__dirname, '../../assets');

/** The providers of prices that market-data pulls; `prices.raw` is consumed in every mode. */
export const MARKET_DATA_PROVIDERS = ['replay', 'raw', 'yahoo'] as const;
export type MarketDataProviderName = (typeof MARKET_DATA_PROVIDERS)[number];

const TICKER = /^[A-Z0-9.\-^=]{1,20}$/;
const symbolList = z
  .string()
  .default('')
  .transform((text, context) => {
    const symbols = [
      ...new Set(
        text
          .split(',')
          .map((part) => part.trim().toUpperCase())
          .filter(Boolean),
      ),
    ];
    for (const symbol of symbols) {
      if (!TICKER.test(symbol)) context.addIssue({ code: 'custom', message: `"${symbol}" is not a ticker` });
    }
    return symbols;
  });
const isoDateList = z.string().transform((text, context) => {
  const dates = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const date of dates) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
      context.addIssue({ code: 'custom', message: `"${date}" is not a YYYY-MM-DD date` });
  }
  return dates;
});
/** A setting parsed by a function that throws a readable error; the error becomes the issue. */
const parsedWith = <T>(parse: (text: string) => T) =>
  z.string().transform((text, context): T => {
    try {
      return parse(text);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
const positiveInt = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

/** Environment of the market-data service; validated at boot (see README for each variable). */
export const marketDataConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    ...redisEnv,
    /**
     * Folder the replay provider may read prices CSV files from (requests name a file inside it).
     * Defaults to the service's bundled assets, wherever the service runs from (source or image).
     */
    REPLAY_DIR: z.string().min(1).default(BUNDLED_ASSETS_DIR),
    /** A file in REPLAY_DIR to replay at boot; unset: replays start through `POST /replay`. */
    REPLAY_AUTOSTART_FILE: z.string().min(1).optional(),
    /** Pause between two trading days of a replay; 0 replays as fast as Kafka takes it. */
    REPLAY_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(1_000),
    /** Currency of replayed prices (the CSV carries none). */
    REPLAY_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('USD'),
    /** How long the last price of a symbol stays in Redis after its last update. */
    LAST_PRICE_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .default(7 * 24 * 3600),
    /** Which provider pulls prices: `replay` (CSV), `raw` (only prices.raw), `yahoo` (yahoo-finance2). */
    MARKET_DATA_PROVIDER: z.enum(MARKET_DATA_PROVIDERS).default('replay'),
    /**
     * Symbols always watched: polled by the yahoo provider and checked by the stale detector, on top
     * of every symbol a portfolio holds or targets (from portfolio.state).
     */
    MARKET_DATA_SYMBOLS: symbolList,
    /** Pause between two quote polls of the yahoo provider. */
    YAHOO_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
    /**
     * Most symbols in one Yahoo quote request: the watched symbols are asked in batches of this size
     * (one request each, every one through the rate limiter), which keeps each URL well under the
     * length proxies accept however many symbols the portfolios hold.
     */
    YAHOO_QUOTE_BATCH_SIZE: z.coerce.number().int().min(1).max(200).default(50),
    /** Days of daily history the yahoo provider loads at start and refreshes. */
    YAHOO_HISTORY_DAYS: positiveInt(365),
    /** How often the yahoo provider reloads daily history (the last days' bars). */
    YAHOO_HISTORY_REFRESH_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(6 * 3_600_000),
    /** Token bucket in front of every Yahoo request: refill per second, and burst. */
    YAHOO_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(1),
    YAHOO_RATE_LIMIT_BURST: positiveInt(5),
    /** Attempts of one Yahoo call on transient errors (429, 5xx, network), and the backoff. */
    YAHOO_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    YAHOO_BACKOFF_BASE_MS: z.coerce.number().int().min(1).default(1_000),
    YAHOO_BACKOFF_MAX_MS: z.coerce.number().int().min(1).default(30_000),
    /** A Yahoo request without an answer in this time fails (transient). */
    YAHOO_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    /** How long Yahoo's answers are cached in Redis: quotes, and daily history. */
    YAHOO_QUOTE_CACHE_TTL_SECONDS: positiveInt(15),
    YAHOO_HISTORY_CACHE_TTL_SECONDS: positiveInt(3_600),
    /**
     * Sends every Yahoo request to this origin instead (path and query kept): a recording proxy, or
     * a server of recorded responses in tests. Unset: Yahoo's own hosts.
     */
    YAHOO_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** A symbol without an accepted price for longer than this, while its market is open, is stale. */
    PRICE_MAX_AGE_SECONDS: positiveInt(900),
    /** How often staleness is checked; 0 turns stale-price detection off. */
    STALE_CHECK_INTERVAL_MS: z.coerce
      .number()
      .int()
      .refine((ms) => ms === 0 || ms >= 100, 'must be 0 (off) or at least 100')
      .default(30_000),
    /** The market calendar of stale detection (defaults: the NYSE regular session). */
    MARKET_TIME_ZONE: z.string().min(1).default('America/New_York'),
    MARKET_SESSION: parsedWith(parseSession).default(parseSession('09:30-16:00')),
    MARKET_WEEKDAYS: parsedWith(parseWeekdays).default(parseWeekdays('mon,tue,wed,thu,fri')),
    /** Full-day closures, `YYYY-MM-DD` comma-separated; default: NYSE's 2025-2027 holidays. */
    MARKET_HOLIDAYS: isoDateList.default([...NYSE_HOLIDAYS_2025_2027]),
    /** TTL of cached `GET /history` answers (they are also invalidated when bars are written). */
    HISTORY_CACHE_TTL_SECONDS: positiveInt(3_600),
    /** Most symbols one `GET /history` may ask for. */
    HISTORY_MAX_SYMBOLS: positiveInt(50),
  })
  .superRefine(requireSaslCredentials)
  .superRefine((config, context) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: config.MARKET_TIME_ZONE });
    } catch {
      context.addIssue({
        code: 'custom',
        path: ['MARKET_TIME_ZONE'],
        message: 'is not a known IANA time zone',
      });
    }
  });

export type MarketDataConfig = z.infer<typeof marketDataConfigSchema>;
export const MARKET_DATA_SERVICE = 'market-data';
/** Consumer group of prices.raw. */
export const RAW_PRICES_GROUP = 'market-data';
/** Consumer group of portfolio.state: which symbols the portfolios hold or target (the watch list). */
export const PORTFOLIO_SYMBOLS_GROUP = 'market-data-portfolios';
/** Transport id of the portfolio.state group's Kafka server, so that its handler binds to it alone. */
export const PORTFOLIO_SYMBOLS_KAFKA = Symbol('kafka-market-data-portfolios');
