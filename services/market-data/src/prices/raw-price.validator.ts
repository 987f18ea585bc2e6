import { KNOWN_CURRENCIES, type PricesRawPayload, type PriceTickPayload } from '@ballast/contracts';
import Decimal from 'decimal.js';

export type RawPriceVerdict = { ok: true; tick: PriceTickPayload } | { ok: false; reason: string };

const SYMBOL = /^[A-Z0-9.\-^=]{1,20}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
/** Ticks stamped further ahead than this are bad data, not clock skew between hosts. */
const MAX_FUTURE_SKEW_MS = 5 * 60_000;
const knownCurrencies: ReadonlySet<string> = new Set(KNOWN_CURRENCIES);
const ISO_DATE_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Turns a price from an outside feed (prices.raw, any quality) into a price.tick, or says
 * precisely why not. Ordering and duplicates need the last accepted price and are checked by
 * the ingest service; everything that can be decided from the message alone is decided here.
 */
export function validateRawPrice(raw: PricesRawPayload, nowMillis: number): RawPriceVerdict {
  const symbol = raw.symbol.trim().toUpperCase();
  if (!SYMBOL.test(symbol)) {
    return { ok: false, reason: `symbol "${raw.symbol}" is not a ticker (1-20 of A-Z, 0-9, . - ^ =)` };
  }
  const price = toDecimalString(raw.price);
  if (price === undefined) {
    return {
      ok: false,
      reason: `price ${JSON.stringify(raw.price)} of ${symbol} is not a finite decimal number`,
    };
  }
  if (!new Decimal(price).greaterThan(0)) {
    return { ok: false, reason: `price ${price} of ${symbol} is not positive` };
  }
  const currency = raw.currency.trim().toUpperCase();
  if (!knownCurrencies.has(currency)) {
    return { ok: false, reason: `currency "${raw.currency}" of ${symbol} is not a known ISO 4217 code` };
  }
  // A time without a zone would be read in this server's local time zone: refuse it rather than guess.
  const asOfMillis = ISO_DATE_TIME_WITH_ZONE.test(raw.asOf.trim()) ? Date.parse(raw.asOf) : Number.NaN;
  if (Number.isNaN(asOfMillis)) {
    return {
      ok: false,
      reason: `asOf "${raw.asOf}" of ${symbol} is not an ISO-8601 date-time with a time zone (Z or ±hh:mm)`,
    };
  }
  if (asOfMillis > nowMillis + MAX_FUTURE_SKEW_MS) {
    return { ok: false, reason: `asOf ${raw.asOf} of ${symbol} is in the future` };
  }
  return {
    ok: true,
    tick: {
      symbol,
      price,
      currency,
      asOf: new Date(asOfMillis).toISOString(),
      asOfMillis,
      source: raw.source.startsWith('feed:') ? raw.source : `feed:${raw.source}`,
    },
  };
}

function toDecimalString(value: string | number): string | undefined {
  if (typeof value === 'number') {
    // Decimal's toFixed() writes the shortest round-trip digits without an exponent (1e-7 -> 0.0000001).
    return Number.isFinite(value) ? new Decimal(value).toFixed() : undefined;
  }
  const trimmed = value.trim();
  return DECIMAL.test(trimmed) ? trimmed : undefined;
}
