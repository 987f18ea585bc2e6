import { commonEnv, databaseEnv, kafkaEnv, requireSaslCredentials } from '@ballast/platform-config';
import { z } from 'zod';

/** Environment of the monitor service; validated at boot (see README for each variable). */
export const monitorConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    /**
     * Largest gap between the oldest and newest price a valuation may combine. Prices further apart
     * describe different markets (yesterday's close of one fund against today's of another) and would
     * report drift that never existed; the portfolio waits for its prices to line up instead. Six hours
     * keeps intraday quotes of slow symbols usable while never mixing two daily closes.
     */
    MAX_PRICE_SKEW_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 86_400_000)
      .default(6 * 3_600_000),
    /**
     * How often the in-memory symbol index is rebuilt from PostgreSQL, so that a replica also learns
     * the portfolios another replica received (portfolio.state is split between replicas, ticks are not).
     */
    INDEX_REFRESH_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
    /** Daily values kept for the risk snapshot: drawdown and volatility look back this many days. */
    RISK_WINDOW_DAYS: z.coerce.number().int().min(2).max(5_000).default(252),
    /** Daily returns needed before volatility is reported and checked against a limit. */
    RISK_MIN_RETURNS: z.coerce.number().int().min(2).max(5_000).default(20),
  })
  .superRefine(requireSaslCredentials);

export type MonitorConfig = z.infer<typeof monitorConfigSchema>;
export const MONITOR_SERVICE = 'monitor';
/** Consumer group of portfolio.state: replicas split the portfolios between them. */
export const PORTFOLIO_STATE_GROUP = 'monitor';
/**
 * Base of the per-instance group of price.tick: every replica reads every tick, since any
 * replica may hold a portfolio with any symbol.
 */
export const PRICE_TICK_GROUP = 'monitor-ticks';
/** Daily closes read to classify a benchmark's regime (adaptive bands): about four years. */
export const REGIME_HISTORY_DAYS = 1_000;
