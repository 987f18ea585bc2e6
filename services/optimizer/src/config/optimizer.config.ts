import { commonEnv, databaseEnv, kafkaEnv, redisEnv, requireSaslCredentials } from '@ballast/platform-config';
import { z } from 'zod';

/** Environment of the optimizer service; validated at boot (see README for each variable). */
export const optimizerConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    ...redisEnv,
    /** Base URL of market-data's HTTP API, whose `GET /history` serves daily bars. */
    MARKET_DATA_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s):// URL' }),
    /** A history request slower than this fails (and the message is retried with backoff). */
    HISTORY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /**
     * How long covariance and expected returns stay cached per (universe, window, as-of). The key
     * already names the as-of date, so the TTL only bounds memory: a day is plenty.
     */
    ESTIMATES_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(2_592_000).default(86_400),
    /** Score weight of the drift a scenario leaves, in basis points of value per unit of one-way drift. */
    SCORE_DRIFT_BPS: z.coerce.number().min(0).max(100_000).default(1_000),
    /** Score weight of a scenario's one-way turnover, in basis points of value per unit of turnover. */
    SCORE_TURNOVER_BPS: z.coerce.number().min(0).max(100_000).default(10),
    /** HiGHS time limit per scenario; a plan found at the limit is used and says it is not proven optimal. */
    PLANNER_TIME_LIMIT_SECONDS: z.coerce.number().min(0.1).max(600).default(10),
  })
  .superRefine(requireSaslCredentials);

export type OptimizerConfig = z.infer<typeof optimizerConfigSchema>;
export const OPTIMIZER_SERVICE = 'optimizer';
/** Consumer group of portfolio.state: the latest snapshot per portfolio, kept in PostgreSQL. */
export const PORTFOLIO_STATE_GROUP = 'optimizer-state';
/**
 * Consumer group of drift.detected and rebalance.requested. Separate from the state group so that a
 * run waiting for its snapshot (retried with backoff) never holds back the snapshot it waits for.
 */
export const RUN_GROUP = 'optimizer';
/** Transport id of the run group's Kafka server, so that its handlers bind to it and not to the state group's. */
export const RUN_KAFKA = Symbol('kafka-optimizer-runs');
