import { z } from 'zod';

/**
 * Money, prices and quantities travel as decimal strings, never as JSON numbers: a binary float
 * cannot hold 0.1 exactly, and a value that has been through `parseFloat` once has already lost
 * the cents a ledger or a tax lot must keep. Consumers parse these strings into a decimal type.
 *
 * Plain positional notation only: an optional leading `-`, digits, and an optional fraction with
 * at least one digit. No exponent (`1e5`), no `+`, no thousands separators, no bare `.5` or `5.`,
 * so that every language's decimal parser reads the same value from the same text.
 */
export const DECIMAL_STRING_PATTERN = /^-?\d+(\.\d+)?$/;

/**
 * Bounds the work a parser does on hostile input; 40 characters hold any amount Ballast handles
 * (15 integer digits plus 20 fraction digits, with sign and point).
 */
export const DECIMAL_STRING_MAX_LENGTH = 40;

const FORMAT_MESSAGE = 'must be a decimal string such as "101.25"';

/** True when the (well-formed) decimal string is zero in value: `0`, `-0`, `0.000`. */
function isZero(value: string): boolean {
  return !/[1-9]/.test(value);
}

function isWellFormed(value: string): boolean {
  return DECIMAL_STRING_PATTERN.test(value);
}

/** A signed decimal string: `"101.25"`, `"-3"`, `"0.000001"`. */
export const decimalString = z
  .string({ error: FORMAT_MESSAGE })
  .max(DECIMAL_STRING_MAX_LENGTH, `must be at most ${DECIMAL_STRING_MAX_LENGTH} characters`)
  .regex(DECIMAL_STRING_PATTERN, FORMAT_MESSAGE);

// The sign checks pass malformed input through so that a bad string reports one problem (its
// format), not a second, misleading one about its sign.

/** A decimal string strictly greater than zero, e.g. a price or a lot's quantity. */
export const positiveDecimalString = decimalString.refine(
  (value) => !isWellFormed(value) || (!value.startsWith('-') && !isZero(value)),
  'must be greater than zero',
);

/** A decimal string that is zero or more (`"-0.00"` counts as zero), e.g. cash or a holding. */
export const nonNegativeDecimalString = decimalString.refine(
  (value) => !isWellFormed(value) || !value.startsWith('-') || isZero(value),
  'must not be negative',
);

/** A decimal amount as text; see {@link decimalString}. */
export type DecimalString = z.infer<typeof decimalString>;
