import { z } from 'zod';
import { currencyCode } from '../currency';
import { positiveDecimalString } from '../decimal-string';
import { isoDateTimeString, nonEmptyString, tickerSymbol } from '../primitives';

/** Validated prices, produced by market-data; every monitor instance reads all of them (broadcast). */
export const PRICE_TICK_TOPIC = 'price.tick';
export const PRICE_TICK_SCHEMA_VERSION = 1;
/** Partitioned by the payload's `symbol`, so one symbol's ticks stay in order. */
export const PRICE_TICK_KEY = 'symbol';

/**
 * A price market-data vouches for. `asOfMillis` duplicates `asOf` so that consumers compare and
 * order ticks without parsing dates in hot paths; the schema checks that the two agree.
 */
export const priceTickPayloadSchema = z
  .object({
    symbol: tickerSymbol,
    /** In `currency`, per one unit of the instrument. */
    price: positiveDecimalString,
    currency: currencyCode,
    /** The time the price refers to (the trade or quote time), not when it was received. */
    asOf: isoDateTimeString,
    /** `asOf` as milliseconds since the Unix epoch. */
    asOfMillis: z.int().nonnegative(),
    /** Where the price came from: `replay`, `yahoo`, `feed:<name>`. */
    source: nonEmptyString,
  })
  .superRefine((tick, context) => {
    const parsed = Date.parse(tick.asOf);
    // A malformed asOf has already been reported by its own check.
    if (!Number.isNaN(parsed) && parsed !== tick.asOfMillis) {
      context.addIssue({
        code: 'custom',
        path: ['asOfMillis'],
        message: `must equal asOf in epoch milliseconds (${parsed}), got ${tick.asOfMillis}`,
      });
    }
  });

export type PriceTickPayload = z.infer<typeof priceTickPayloadSchema>;
