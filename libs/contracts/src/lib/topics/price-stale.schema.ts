import { z } from 'zod';
import { positiveDecimalString } from '../decimal-string';
import { isoDateTimeString, nonEmptyString, tickerSymbol } from '../primitives';

/**
 * Emitted by market-data when a symbol has had no price within its allowed age while its market
 * is open. Monitor stops proposals for every portfolio that needs the symbol until a fresh
 * `price.tick` arrives (DESIGN.md, Guarantees: stale prices never produce orders).
 */
export const PRICE_STALE_TOPIC = 'price.stale';
export const PRICE_STALE_SCHEMA_VERSION = 1;
export const PRICE_STALE_KEY = 'symbol';

export const priceStalePayloadSchema = z
  .object({
    symbol: tickerSymbol,
    /** The last validated price's time; null when none was ever received. */
    lastPriceAt: isoDateTimeString.nullable(),
    lastPrice: positiveDecimalString.nullable(),
    /** The source of the last price, or the provider that was expected to deliver one. */
    source: nonEmptyString,
    /** The allowed age that was exceeded, in seconds. */
    maxAgeSeconds: z.int().positive(),
    detectedAt: isoDateTimeString,
  })
  .superRefine((stale, context) => {
    if ((stale.lastPriceAt === null) !== (stale.lastPrice === null)) {
      context.addIssue({
        code: 'custom',
        path: ['lastPrice'],
        message: 'lastPrice and lastPriceAt are both null (never priced) or both set',
      });
    }
    if (stale.lastPriceAt !== null && Date.parse(stale.lastPriceAt) > Date.parse(stale.detectedAt)) {
      context.addIssue({
        code: 'custom',
        path: ['lastPriceAt'],
        message: 'must not be after detectedAt',
      });
    }
  });

export type PriceStalePayload = z.infer<typeof priceStalePayloadSchema>;
