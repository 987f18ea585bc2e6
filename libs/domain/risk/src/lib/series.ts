import {
  DateMismatchError,
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  NonFiniteValueError,
} from './errors';

/** A return series as accepted by the checked API: a plain array or a Float64Array of simple returns. */
export type Series = ArrayLike<number>;

/**
 * Copies `values` into a Float64Array after checking that every element is finite.
 * Throws NonFiniteValueError naming the first bad index, InsufficientDataError if shorter than `minLength`.
 */
export function checkedSeries(values: Series, name: string, statistic: string, minLength = 1): Float64Array {
  const n = values.length;
  if (n < minLength) throw new InsufficientDataError(statistic, minLength, n);
  if (values instanceof Float64Array) {
    // Monomorphic fast path (a bulk copy, then one finiteness pass): the generic loop below indexes an
    // ArrayLike, which V8 cannot specialise when callers mix arrays and typed arrays.
    const copy = values.slice();
    for (let i = 0; i < n; i += 1) {
      const v = copy[i] as number;
      if (!Number.isFinite(v)) throw new NonFiniteValueError(name, i, v);
    }
    return copy;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new NonFiniteValueError(name, i, v);
    out[i] = v;
  }
  return out;
}

/**
 * As {@link checkedSeries}, but a Float64Array is checked in place and returned as is (no copy), for
 * callers that only read it; other array-likes are copied. Never mutate the result.
 */
export function checkedReadOnly(
  values: Series,
  name: string,
  statistic: string,
  minLength = 1,
): Float64Array {
  if (!(values instanceof Float64Array)) return checkedSeries(values, name, statistic, minLength);
  const n = values.length;
  if (n < minLength) throw new InsufficientDataError(statistic, minLength, n);
  for (let i = 0; i < n; i += 1) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) throw new NonFiniteValueError(name, i, v);
  }
  return values;
}

/** Checks that two series have the same length and, when both carry ISO dates, the same dates. */
export function checkAligned(
  left: Series,
  right: Series,
  names: readonly [string, string],
  dates?: { left?: readonly string[]; right?: readonly string[] },
): void {
  if (left.length !== right.length)
    throw new LengthMismatchError(names[0], left.length, names[1], right.length);
  const a = dates?.left;
  const b = dates?.right;
  if (a !== undefined && b !== undefined) {
    if (a.length !== b.length)
      throw new LengthMismatchError(`${names[0]} dates`, a.length, `${names[1]} dates`, b.length);
    for (let i = 0; i < a.length; i += 1) {
      if (a[i] !== b[i]) throw new DateMismatchError(i, String(a[i]), String(b[i]));
    }
  }
}

/** Checks a confidence level in the open interval (0, 1). */
export function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1))
    throw new InvalidParameterError('confidence', confidence, 'in (0, 1)');
}

/** Checks a positive integer parameter (periods per year, a horizon, a window). */
export function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidParameterError(name, value, 'a positive integer');
}

/** Checks a finite scalar parameter (a risk-free rate, a required return). */
export function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new InvalidParameterError(name, value, 'a finite number');
}
