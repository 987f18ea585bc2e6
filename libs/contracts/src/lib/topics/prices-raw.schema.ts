import { z } from 'zod';

/** Prices from outside Ballast, any quality; market-data validates them into `price.tick`. */
export const PRICES_RAW_TOPIC = 'prices.raw';
export const PRICES_RAW_SCHEMA_VERSION = 1;
/** Partitioned by the payload's `symbol`, so one symbol's prices stay in order. */
export const PRICES_RAW_KEY = 'symbol';

/** A number or a numeric string, as feeds send them; market-data decides whether it is usable. */
const looseNumeric = z.union([z.string(), z.number()], { error: 'must be a string or a number' });

/**
 * Deliberately loose: only the shape is checked here, so that a price that is present but wrong
 * (negative, `1e5`, a lower-case currency, a date without a zone) reaches market-data's semantic
 * validation, which rejects it with a specific reason, rather than failing as a generic schema error.
 * Extra vendor fields are stripped.
 */
export const pricesRawPayloadSchema = z.object({
  symbol: z.string(),
  /** Feeds send JSON numbers; market-data converts them to decimal strings exactly once. */
  price: looseNumeric,
  currency: z.string(),
  /** The time the price refers to; meant to be ISO-8601, checked by market-data. */
  asOf: z.string(),
  /** The feed's name, e.g. `yahoo`. */
  source: z.string(),
  volume: looseNumeric.optional(),
});

export type PricesRawPayload = z.infer<typeof pricesRawPayloadSchema>;
