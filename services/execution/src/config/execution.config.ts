import { positiveDecimalString, tickerSymbol } from '@ballast/contracts';
import {
  booleanString,
  commonEnv,
  databaseEnv,
  kafkaEnv,
  requireSaslCredentials,
} from '@ballast/platform-config';
import { z } from 'zod';

/** A comma-separated list of ticker symbols that may be empty (no symbol halted is the usual case). */
const symbolList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0),
  )
  .pipe(z.array(tickerSymbol));

/** A probability in [0, 1], for the paper broker's simulated outcomes. */
const rate = z.coerce.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const BROKERS = ['paper', 'alpaca'] as const;
export type BrokerName = (typeof BROKERS)[number];

/** Environment of the execution service; validated at boot (see README for each variable). */
export const executionConfigSchema = z
  .object({
    ...commonEnv,
    ...kafkaEnv,
    ...databaseEnv,
    /** Which broker adapter receives the orders. */
    EXECUTION_BROKER: z.enum(BROKERS).default('paper'),
    /**
     * Stops every order at the pre-trade stage while true. A runtime switch
     * (`POST /kill-switch`) does the same and survives restarts; either one is enough.
     */
    EXECUTION_KILL_SWITCH: booleanString.default(false),
    /** Largest order value (quantity × last price) in the base currency. */
    EXECUTION_MAX_ORDER_NOTIONAL: positiveDecimalString.default('250000'),
    /** Largest move of the last price away from the approval's reference price, in basis points. */
    EXECUTION_PRICE_COLLAR_BPS: z.coerce.number().int().min(1).max(10_000).default(200),
    /**
     * A last price received longer ago than this is stale and stops the order. Measured from when
     * the tick arrived, not from its `asOf`, so that a replay of old history is not stale.
     */
    EXECUTION_MAX_PRICE_AGE_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(7 * 86_400_000)
      .default(300_000),
    EXECUTION_HALTED_SYMBOLS: symbolList.default([]),
    EXECUTION_RESTRICTED_SYMBOLS: symbolList.default([]),
    /** Broker commission per order, in the base currency (the cost model of the cash check and the paper broker). */
    EXECUTION_COMMISSION_PER_ORDER: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal such as "1.00"')
      .default('1.00'),
    /** Full bid-ask spread in basis points; a fill crosses half of it. */
    EXECUTION_SPREAD_BPS: z.coerce.number().min(0).max(1_000).default(2),
    /** How long an order may stay working at the broker before it is cancelled (the filled part stays). */
    EXECUTION_ORDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
    /** Pause between two look-ups of a working or unknown order. */
    EXECUTION_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
    /**
     * How long an approval waits for the ledger snapshot (portfolio.state) it was computed from;
     * without it cash and holdings cannot be checked, and the orders are refused.
     */
    EXECUTION_SNAPSHOT_WAIT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
    /** A replica works on a proposal under a lease of this length, renewed while it works. */
    EXECUTION_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    /** Paper broker: share of orders rejected, filled only in part, or whose answer is lost (timeout). */
    PAPER_REJECT_RATE: rate.default(0),
    PAPER_PARTIAL_FILL_RATE: rate.default(0),
    PAPER_TIMEOUT_RATE: rate.default(0),
    /** Paper broker: the same seed and client order id always give the same outcome. */
    PAPER_SEED: z.coerce.number().int().default(1),
    /** Paper broker: delay of its answer, after the order is in its book (the window fault tests aim at). */
    PAPER_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    ALPACA_BASE_URL: z.url().default('https://paper-api.alpaca.markets'),
    ALPACA_KEY_ID: z.string().min(1).optional(),
    ALPACA_SECRET_KEY: z.string().min(1).optional(),
    /** One Alpaca request longer than this counts as a timeout: outcome unknown, looked up. */
    ALPACA_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .superRefine(requireSaslCredentials)
  .superRefine((config, context) => {
    if (config.EXECUTION_BROKER !== 'alpaca') return;
    for (const variable of ['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY'] as const) {
      if (config[variable] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [variable],
          message: 'is required when EXECUTION_BROKER is alpaca',
        });
      }
    }
  });

export type ExecutionConfig = z.infer<typeof executionConfigSchema>;
export const EXECUTION_SERVICE = 'execution';
/** Consumer group of orders.approved and portfolio.state, shared by replicas (split by portfolio). */
export const EXECUTION_GROUP = 'execution';
/** Consumer group of price.tick: replicas share one last-price table, so they share the group too. */
export const EXECUTION_PRICES_GROUP = 'execution-prices';
