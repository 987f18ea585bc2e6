import DecimalJs from 'decimal.js';
import { DecimalPrecisionError, InvalidDecimalError } from './errors';

/** Significant digits of {@link Decimal}: those of IEEE 754-2008 decimal128. */
export const DECIMAL_PRECISION = 34;

/**
 * The decimal type for money and quantities in Ballast's domain.
 *
 * - `precision: 34` and the exponent range `[-6143, 6144]` mirror IEEE 754-2008 decimal128
 *   (section 3.6, table 3.6), the format databases and other languages use for exact money, so a
 *   value that fits here fits there too.
 * - `ROUND_HALF_EVEN` (banker's rounding) is IEEE 754's default for decimal arithmetic: ties round to
 *   the even digit, so rounding many amounts does not drift upwards on average as half-up does.
 * - `defaults: true` starts from decimal.js's defaults rather than from the shared global
 *   constructor, so that another package calling `Decimal.set()` cannot change our arithmetic.
 *
 * Only division rounds in this library (weights, which then become floats anyway); additions and
 * multiplications of money go through {@link addExact} and {@link multiplyExact}, which throw instead
 * of rounding.
 */
export const Decimal: DecimalJs.Constructor = DecimalJs.clone({
  precision: DECIMAL_PRECISION,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  minE: -6143,
  maxE: 6144,
  defaults: true,
});
export type Decimal = DecimalJs;

/**
 * Plain decimal notation with an optional exponent, as JSON producers write numbers as strings.
 * Stricter than decimal.js, which also accepts `NaN`, `Infinity` and `0x`/`0b`/`0o` prefixes: a hex
 * quantity on the wire is a bug, not a number.
 */
const DECIMAL_STRING = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_ZERO_DIGIT = /[1-9]/;

/**
 * Parses a decimal string without throwing: `undefined` for anything that is not a finite decimal
 * within decimal128's exponent range (including non-strings at run time, and values that would
 * silently underflow to zero such as `1e-9999`). The unchecked core of {@link toDecimal}, for
 * callers that collect every problem before throwing.
 */
export function parseDecimal(value: string): Decimal | undefined {
  if (typeof value !== 'string' || !DECIMAL_STRING.test(value)) {
    return undefined;
  }
  const parsed = new Decimal(value);
  if (!parsed.isFinite()) {
    return undefined;
  }
  const mantissa = value.split(/[eE]/)[0] ?? '';
  if (parsed.isZero() && NON_ZERO_DIGIT.test(mantissa)) {
    return undefined;
  }
  return parsed;
}

/**
 * Parses a money amount, quantity or price given as a decimal string (how they travel in Ballast's
 * messages) into a {@link Decimal}, exactly: no digit is rounded away.
 *
 * @param what names the value in the error message, e.g. `quantity of VTI`.
 * @throws InvalidDecimalError for anything but a finite decimal string.
 */
export function toDecimal(value: string, what: string): Decimal {
  const parsed = parseDecimal(value);
  if (parsed === undefined) {
    throw new InvalidDecimalError(what, value);
  }
  return parsed;
}

/**
 * The canonical string of a decimal in Ballast's messages: plain notation (never an exponent, which
 * decimal.js's `toString` uses below 1e-7), no trailing zeros, and `0` rather than `-0`.
 */
export function toDecimalString(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}

/**
 * `a + b`, exactly.
 *
 * Every digit of the exact sum lies at or above the lowest digit position of the operands, so if
 * the span from the result's leading digit down to that position fits in the precision, the
 * correctly rounded result was not rounded at all. The check is conservative: it may reject a sum
 * whose trailing digits happen to cancel, never accept a rounded one.
 *
 * @throws DecimalPrecisionError when exactness cannot be guaranteed.
 */
export function addExact(a: Decimal, b: Decimal, what: string): Decimal {
  if (a.isZero()) {
    return new Decimal(b);
  }
  if (b.isZero()) {
    return new Decimal(a);
  }
  const sum = new Decimal(a).plus(b);
  // A non-zero exact sum never rounds to zero, so zero means an exact cancellation.
  if (sum.isZero()) {
    return new Decimal(0);
  }
  const lowest = Math.min(lowestDigitExponent(a), lowestDigitExponent(b));
  assertFits(sum, lowest, what);
  return sum;
}

/** Sum of decimals with {@link addExact}; `0` for none. */
export function sumExact(values: Iterable<Decimal>, what: string): Decimal {
  let total = new Decimal(0);
  for (const value of values) {
    total = addExact(total, value, what);
  }
  return total;
}

/**
 * `a × b`, exactly. The lowest digit of an exact product sits at or above the sum of the operands'
 * lowest digit positions; the same conservative check as {@link addExact} follows.
 *
 * @throws DecimalPrecisionError when exactness cannot be guaranteed (including underflow to zero).
 */
export function multiplyExact(a: Decimal, b: Decimal, what: string): Decimal {
  if (a.isZero() || b.isZero()) {
    return new Decimal(0);
  }
  const product = new Decimal(a).times(b);
  if (product.isZero()) {
    throw new DecimalPrecisionError(what, DECIMAL_PRECISION);
  }
  assertFits(product, lowestDigitExponent(a) + lowestDigitExponent(b), what);
  return product;
}

/** Power of ten of the last non-zero digit: 123.45 -> -2, 1200 -> 2. `e` is the leading digit's. */
function lowestDigitExponent(value: Decimal): number {
  return value.e - value.sd() + 1;
}

function assertFits(result: Decimal, lowestExponent: number, what: string): void {
  if (!result.isFinite() || result.e - lowestExponent + 1 > DECIMAL_PRECISION) {
    throw new DecimalPrecisionError(what, DECIMAL_PRECISION);
  }
}
