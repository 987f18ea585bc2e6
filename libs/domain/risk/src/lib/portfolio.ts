import { checkedSeries, type Series } from './series';
import {
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  NoOverlappingDatesError,
  NonFiniteValueError,
  UnsortedDatesError,
} from './errors';

/** Prices of several assets on common dates: `prices[a][t]` is asset a's close on `dates[t]`. */
export interface AssetPrices {
  readonly dates: readonly string[];
  readonly symbols: readonly string[];
  readonly prices: readonly Series[];
}

/**
 * Simple returns of several assets, one Float64Array per asset (column-major, the layout the
 * covariance kernel reads): `returns[a][t]` is asset a's return over the period ending on `dates[t]`.
 */
export interface AssetReturns {
  readonly dates: readonly string[];
  readonly symbols: readonly string[];
  readonly returns: readonly Float64Array[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Throws UnsortedDatesError unless `dates` are strictly increasing `YYYY-MM-DD` strings. */
export function checkDates(dates: readonly string[], series: string): void {
  for (let i = 0; i < dates.length; i += 1) {
    const d = dates[i] as string;
    if (!ISO_DATE.test(d) || (i > 0 && !(d > (dates[i - 1] as string))))
      throw new UnsortedDatesError(series, i, String(d));
  }
}

/**
 * Asset returns rₜ = pₜ / pₜ₋₁ - 1 from prices; the first date has no return, so the result has one
 * date fewer. Throws NonFiniteValueError for NaN/∞, InvalidParameterError for a price ≤ 0,
 * InsufficientDataError below two dates, LengthMismatchError for ragged input, UnsortedDatesError.
 */
export function assetReturnsFromPrices(input: AssetPrices): AssetReturns {
  const t = input.dates.length;
  if (t < 2) throw new InsufficientDataError('returns from prices', 2, t);
  if (input.prices.length !== input.symbols.length)
    throw new LengthMismatchError('symbols', input.symbols.length, 'price columns', input.prices.length);
  checkDates(input.dates, 'prices');
  const returns: Float64Array[] = [];
  for (let a = 0; a < input.symbols.length; a += 1) {
    const symbol = input.symbols[a] as string;
    const p = input.prices[a] as Series;
    if (p.length !== t) throw new LengthMismatchError('dates', t, `${symbol} prices`, p.length);
    const r = new Float64Array(t - 1);
    let previous = 0;
    for (let i = 0; i < t; i += 1) {
      const price = p[i] as number;
      if (!Number.isFinite(price)) throw new NonFiniteValueError(`${symbol} prices`, i, price);
      if (!(price > 0)) throw new InvalidParameterError(`${symbol} price on ${input.dates[i]}`, price, '> 0');
      if (i > 0) r[i - 1] = price / previous - 1;
      previous = price;
    }
    returns.push(r);
  }
  return { dates: input.dates.slice(1), symbols: [...input.symbols], returns };
}

/**
 * Return series of a portfolio held at constant weights and rebalanced back to them every period,
 * rₚ,ₜ = Σᵢ wᵢ rᵢ,ₜ: the convention of empyrical and pyfolio, whose portfolio returns are the
 * weighted sum of the holdings' returns each day (pyfolio `pos.get_percent_alloc` × returns). Weights are
 * fractions of portfolio value; 1 - Σwᵢ is cash at a zero return. Throws LengthMismatchError when
 * weights and assets differ in count or the assets in length, NonFiniteValueError for NaN/∞ inputs.
 */
export function portfolioReturns(assetReturns: readonly Series[], weights: Series): Float64Array {
  const n = assetReturns.length;
  if (n === 0) throw new InsufficientDataError('portfolio returns', 1, 0);
  if (weights.length !== n) throw new LengthMismatchError('weights', weights.length, 'assets', n);
  const w = checkedSeries(weights, 'weights', 'portfolio returns');
  const t = (assetReturns[0] as Series).length;
  for (let a = 0; a < n; a += 1) {
    const r = assetReturns[a] as Series;
    if (r.length !== t) throw new LengthMismatchError('asset 0', t, `asset ${a}`, r.length);
    for (let i = 0; i < t; i += 1) {
      const v = r[i] as number;
      if (!Number.isFinite(v)) throw new NonFiniteValueError(`asset ${a}`, i, v);
    }
  }
  return weightedReturns(assetReturns, w);
}

/**
 * The unchecked core of {@link portfolioReturns}, Σᵢ wᵢ rᵢ,ₜ, for callers that have already checked
 * the series (finite, one length) and the weights: the report, which would otherwise read its
 * 500 × 5040 inputs once more.
 */
export function weightedReturns(assetReturns: readonly Series[], w: Float64Array): Float64Array {
  const t = (assetReturns[0] as Series).length;
  const out = new Float64Array(t);
  for (let a = 0; a < assetReturns.length; a += 1) {
    const r = assetReturns[a] as Series;
    const wa = w[a] as number;
    for (let i = 0; i < t; i += 1) out[i] = (out[i] as number) + wa * (r[i] as number);
  }
  return out;
}

/** The common dates of two sorted date lists and where each sits in either list. */
export interface DateIntersection {
  readonly dates: string[];
  readonly leftIndex: Int32Array;
  readonly rightIndex: Int32Array;
  /** Dates of each side that the other side does not have. */
  readonly droppedLeft: number;
  readonly droppedRight: number;
}

/**
 * Inner join of two strictly increasing ISO date lists (a merge walk, O(n + m)). Throws
 * UnsortedDatesError naming the side, NoOverlappingDatesError when no date is common.
 */
export function intersectDates(
  left: readonly string[],
  right: readonly string[],
  names: readonly [string, string] = ['portfolio', 'benchmark'],
): DateIntersection {
  checkDates(left, names[0]);
  checkDates(right, names[1]);
  const dates: string[] = [];
  const li: number[] = [];
  const ri: number[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    const a = left[i] as string;
    const b = right[j] as string;
    if (a === b) {
      dates.push(a);
      li.push(i);
      ri.push(j);
      i += 1;
      j += 1;
    } else if (a < b) i += 1;
    else j += 1;
  }
  if (dates.length === 0) {
    const range = (d: readonly string[]): string =>
      d.length === 0 ? 'no dates' : `${d[0] as string}..${d[d.length - 1] as string}`;
    throw new NoOverlappingDatesError(names[0], range(left), names[1], range(right));
  }
  return {
    dates,
    leftIndex: Int32Array.from(li),
    rightIndex: Int32Array.from(ri),
    droppedLeft: left.length - dates.length,
    droppedRight: right.length - dates.length,
  };
}

/** Picks `index` entries of `values` (after an intersection). */
export function pick(values: Series, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i += 1) out[i] = values[index[i] as number] as number;
  return out;
}

/**
 * A portfolio's and a benchmark's values (prices or returns) restricted to the dates both have.
 * Align prices before computing returns (a return then spans the same interval on both sides);
 * align returns only when returns are what you have. Throws as {@link intersectDates}.
 */
export function alignByDate(
  left: { dates: readonly string[]; values: Series },
  right: { dates: readonly string[]; values: Series },
  names: readonly [string, string] = ['portfolio', 'benchmark'],
): { dates: string[]; left: Float64Array; right: Float64Array; droppedLeft: number; droppedRight: number } {
  if (left.values.length !== left.dates.length)
    throw new LengthMismatchError(`${names[0]} values`, left.values.length, 'dates', left.dates.length);
  if (right.values.length !== right.dates.length)
    throw new LengthMismatchError(`${names[1]} values`, right.values.length, 'dates', right.dates.length);
  const join = intersectDates(left.dates, right.dates, names);
  return {
    dates: join.dates,
    left: pick(left.values, join.leftIndex),
    right: pick(right.values, join.rightIndex),
    droppedLeft: join.droppedLeft,
    droppedRight: join.droppedRight,
  };
}
