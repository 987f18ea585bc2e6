import { DECIMAL_STRING_PATTERN } from './decimal-string';

/**
 * Exact sums and comparisons of decimal strings, for schema invariants such as "the fills add up
 * to the filled quantity". Contracts depend on zod only, so this scales to integers with BigInt
 * rather than pulling in a decimal library; it handles the plain positional notation of
 * {@link DECIMAL_STRING_PATTERN} and nothing else.
 */
const SCALE = 24;

function toScaled(value: string): bigint {
  if (!DECIMAL_STRING_PATTERN.test(value))
    throw new TypeError(`not a decimal string: ${JSON.stringify(value)}`);
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const scaled = BigInt(whole + fraction.padEnd(SCALE, '0').slice(0, SCALE));
  return negative ? -scaled : scaled;
}

/** -1, 0 or 1 as the decimal sum of `values` is below, equal to or above `total`. */
export function compareDecimalSum(values: readonly string[], total: string): -1 | 0 | 1 {
  const sum = values.reduce((acc, value) => acc + toScaled(value), 0n);
  const expected = toScaled(total);
  return sum < expected ? -1 : sum > expected ? 1 : 0;
}

/** -1, 0 or 1 as `a` is below, equal to or above `b`, in value (`"1.50"` equals `"1.5"`). */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  return compareDecimalSum([a], b);
}
