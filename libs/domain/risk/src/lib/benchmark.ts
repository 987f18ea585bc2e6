import { checkAligned, checkedSeries, checkFinite, checkPositiveInteger, type Series } from './series';
import { DEFAULT_PERIODS_PER_YEAR, type RiskFreeOptions } from './conventions';
import { UndefinedStatisticError, ZeroVarianceError } from './errors';
import { isZeroDeviation, meanOf, varianceOf } from './moments';
import { annualReturnCore } from './returns';

export interface AlignedOptions {
  /** ISO dates of `returns`; checked against `benchmarkDates` when both are given. */
  dates?: readonly string[];
  benchmarkDates?: readonly string[];
}

interface Pair {
  r: Float64Array;
  b: Float64Array;
}

function pair(
  returns: Series,
  benchmark: Series,
  statistic: string,
  minLength: number,
  aligned: AlignedOptions,
): Pair {
  checkAligned(returns, benchmark, ['returns', 'benchmark'], {
    left: aligned.dates,
    right: aligned.benchmarkDates,
  });
  return {
    r: checkedSeries(returns, 'returns', statistic, minLength),
    b: checkedSeries(benchmark, 'benchmark', statistic, minLength),
  };
}

function periodsOf(options: { periodsPerYear?: number }): number {
  const periods = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  checkPositiveInteger('periodsPerYear', periods);
  return periods;
}

/** @internal β = cov(r, b) / var(b) (population moments; the divisor cancels). */
export function betaCore(r: Float64Array, b: Float64Array, statistic = 'beta'): number {
  const mb = meanOf(b);
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < b.length; i += 1) {
    const d = (b[i] as number) - mb;
    cov += d * (r[i] as number);
    varB += d * d;
  }
  // empyrical.beta_aligned treats a benchmark variance below 1e-30 as missing (NaN).
  if (!(varB / b.length >= 1e-30)) throw new ZeroVarianceError(statistic, 'benchmark');
  return cov / varB;
}

/**
 * Beta of the returns against a benchmark: cov(r, b) / var(b), the OLS slope of r on b
 * (empyrical.beta; a constant risk-free rate does not change it). Needs two aligned observations;
 * throws LengthMismatchError / DateMismatchError for misaligned series, ZeroVarianceError for a flat
 * benchmark.
 */
export function beta(returns: Series, benchmark: Series, options: AlignedOptions = {}): number {
  const { r, b } = pair(returns, benchmark, 'beta', 2, options);
  return betaCore(r, b);
}

/** @internal Annualised Jensen's alpha: mean(r - rf - β(b - rf)) · P. */
export function alphaCore(
  r: Float64Array,
  b: Float64Array,
  rf: number,
  periods: number,
  betaValue: number,
): number {
  let s = 0;
  for (let i = 0; i < r.length; i += 1) s += (r[i] as number) - rf - betaValue * ((b[i] as number) - rf);
  return (s / r.length) * periods;
}

/**
 * Alpha and beta together. Alpha is annualised arithmetically, mean(r - rf - β(b - rf)) · P
 * (empyrical.alpha_beta: the regression intercept times 252 for daily data).
 */
export function alphaBeta(
  returns: Series,
  benchmark: Series,
  options: RiskFreeOptions & AlignedOptions = {},
): { alpha: number; beta: number } {
  const periods = periodsOf(options);
  const rf = options.riskFree ?? 0;
  checkFinite('riskFree', rf);
  const { r, b } = pair(returns, benchmark, 'beta (and so alpha)', 2, options);
  // Both are undefined together (alpha needs beta): the error names both, so that a report that
  // shows it as the reason of either field does not call beta "alpha".
  const betaValue = betaCore(r, b, 'beta (and so alpha)');
  return { alpha: alphaCore(r, b, rf, periods, betaValue), beta: betaValue };
}

/** Annualised alpha; see alphaBeta. */
export function alpha(
  returns: Series,
  benchmark: Series,
  options: RiskFreeOptions & AlignedOptions = {},
): number {
  return alphaBeta(returns, benchmark, options).alpha;
}

function activeReturns(r: Float64Array, b: Float64Array): Float64Array {
  const a = new Float64Array(r.length);
  for (let i = 0; i < r.length; i += 1) a[i] = (r[i] as number) - (b[i] as number);
  return a;
}

/**
 * Annualised tracking error: sample standard deviation (n - 1) of the active returns r - b, times √P.
 * Needs two aligned observations.
 */
export function trackingError(
  returns: Series,
  benchmark: Series,
  options: { periodsPerYear?: number } & AlignedOptions = {},
): number {
  const periods = periodsOf(options);
  const { r, b } = pair(returns, benchmark, 'tracking error', 2, options);
  return Math.sqrt(varianceOf(activeReturns(r, b), 1) * periods);
}

/**
 * Information ratio: mean(r - b) / std(r - b) · √P, sample standard deviation. With periodsPerYear = 1
 * it is empyrical.excess_sharpe (per period). Throws ZeroVarianceError when the active return is constant.
 */
export function informationRatio(
  returns: Series,
  benchmark: Series,
  options: { periodsPerYear?: number } & AlignedOptions = {},
): number {
  const periods = periodsOf(options);
  const { r, b } = pair(returns, benchmark, 'information ratio', 2, options);
  const a = activeReturns(r, b);
  const mean = meanOf(a);
  const std = Math.sqrt(varianceOf(a, 1, mean));
  if (isZeroDeviation(std, a)) throw new ZeroVarianceError('information ratio', 'active return');
  return (mean / std) * Math.sqrt(periods);
}

/**
 * Pearson correlation of two aligned series. Throws ZeroVarianceError if either is constant.
 */
export function correlation(returns: Series, benchmark: Series, options: AlignedOptions = {}): number {
  const { r, b } = pair(returns, benchmark, 'correlation', 2, options);
  const mr = meanOf(r);
  const mb = meanOf(b);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < r.length; i += 1) {
    const dx = (r[i] as number) - mr;
    const dy = (b[i] as number) - mb;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (isZeroDeviation(Math.sqrt(sxx / r.length), r)) throw new ZeroVarianceError('correlation', 'returns');
  if (isZeroDeviation(Math.sqrt(syy / b.length), b)) throw new ZeroVarianceError('correlation', 'benchmark');
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

function captureCore(r: Float64Array, b: Float64Array, periods: number, statistic: string): number {
  if (r.length === 0) throw new UndefinedStatisticError(statistic, 'no benchmark period qualifies');
  const denominator = annualReturnCore(b, periods);
  if (denominator === 0) throw new UndefinedStatisticError(statistic, 'the benchmark annual return is zero');
  return annualReturnCore(r, periods) / denominator;
}

function filtered(r: Float64Array, b: Float64Array, keep: (x: number) => boolean): Pair {
  let n = 0;
  for (let i = 0; i < b.length; i += 1) if (keep(b[i] as number)) n += 1;
  const fr = new Float64Array(n);
  const fb = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < b.length; i += 1) {
    if (keep(b[i] as number)) {
      fr[j] = r[i] as number;
      fb[j] = b[i] as number;
      j += 1;
    }
  }
  return { r: fr, b: fb };
}

/**
 * Capture ratio: annualReturn(r) / annualReturn(b) (empyrical.capture). Throws UndefinedStatisticError
 * when the benchmark's annual return is 0.
 */
export function captureRatio(
  returns: Series,
  benchmark: Series,
  options: { periodsPerYear?: number } & AlignedOptions = {},
): number {
  const periods = periodsOf(options);
  const { r, b } = pair(returns, benchmark, 'capture ratio', 1, options);
  return captureCore(r, b, periods, 'capture ratio');
}

/**
 * Up-market capture: the capture ratio over the periods where the benchmark return is > 0, each side
 * annualised over the number of such periods (empyrical.up_capture). Throws UndefinedStatisticError
 * when the benchmark never rises.
 */
export function upCapture(
  returns: Series,
  benchmark: Series,
  options: { periodsPerYear?: number } & AlignedOptions = {},
): number {
  const periods = periodsOf(options);
  const { r, b } = pair(returns, benchmark, 'up capture', 1, options);
  const up = filtered(r, b, (x) => x > 0);
  return captureCore(up.r, up.b, periods, 'up capture');
}

/** Down-market capture: as upCapture over the periods where the benchmark return is < 0 (empyrical.down_capture). */
export function downCapture(
  returns: Series,
  benchmark: Series,
  options: { periodsPerYear?: number } & AlignedOptions = {},
): number {
  const periods = periodsOf(options);
  const { r, b } = pair(returns, benchmark, 'down capture', 1, options);
  const down = filtered(r, b, (x) => x < 0);
  return captureCore(down.r, down.b, periods, 'down capture');
}
