import { z } from 'zod';

/**
 * An instant with an explicit offset (`Z` or `+01:00`): a time without a zone is ambiguous across
 * exchanges and services, so it is rejected rather than guessed.
 */
export const isoDateTimeString = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 date-time with a time zone, such as "2024-03-15T14:30:00Z"',
});

/** A calendar date without time, e.g. the day a tax lot was acquired (holding periods count days). */
export const isoDateString = z.iso.date({ error: 'must be a date such as "2024-03-15"' });

/** A UUID in canonical form (RFC 9562). */
export const uuidString = z.uuid({ error: 'must be a UUID such as "0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b"' });

/**
 * A listing's ticker as the market-data service normalizes it: upper case, with the punctuation
 * vendors use for share classes (`BRK.B`, `BF-B`), indices (`^GSPC`) and FX pairs (`EURUSD=X`).
 */
export const TICKER_SYMBOL_PATTERN = /^[A-Z0-9.\-^=]{1,20}$/;

/** A normalized ticker; see {@link TICKER_SYMBOL_PATTERN}. */
export const tickerSymbol = z
  .string({ error: 'must be a ticker symbol such as "VTI"' })
  .regex(
    TICKER_SYMBOL_PATTERN,
    'must be an upper-case ticker of 1 to 20 letters, digits or . - ^ = (such as "VTI" or "BRK.B")',
  );

/** A non-blank identifier or name chosen by another system (account ids, household ids, sources). */
export const nonEmptyString = z
  .string()
  .max(200, 'must be at most 200 characters')
  .regex(/\S/, 'must not be blank');
