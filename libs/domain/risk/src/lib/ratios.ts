import { checkedSeries, checkFinite, checkPositiveInteger, type Series } from './series';
import { DEFAULT_PERIODS_PER_YEAR, type PeriodOptions, type RiskFreeOptions } from './conventions';
import { InvalidParameterError, UndefinedStatisticError, ZeroVarianceError } from './errors';
import { isZeroDeviation, meanOf, quantileSorted, sortedCopy, varianceOf } from './moments';
import { annualReturnCore } from './returns';
import { maxDrawdownCore } from './drawdown';

function periodsOf(options: PeriodOptions): number {
  const periods = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  checkPositiveInteger('periodsPerYear', periods);
  return periods;
}

/**
 * Sharpe ratio: mean(r - rf) / std(r - rf) · √P with the sample standard deviation (n - 1) and a
 * per-period risk-free rate (empyrical.sharpe_ratio). Needs two observations; throws ZeroVarianceError
 * for a constant series (empyrical answers ±∞ there).
 */
export function sharpeRatio(returns: Series, options: RiskFreeOptions = {}): number {
  const periods = periodsOf(options);
  const rf = options.riskFree ?? 0;
  checkFinite('riskFree', rf);
  const r = checkedSeries(returns, 'returns', 'Sharpe ratio', 2);
  return sharpeCore(r, rf, periods);
}

/** @internal */
export function sharpeCore(r: Float64Array, rf: number, periods: number): number {
  const mean = meanOf(r);
  const std = Math.sqrt(varianceOf(r, 1, mean));
  if (isZeroDeviation(std, r)) throw new ZeroVarianceError('Sharpe ratio', 'returns');
  return ((mean - rf) / std) * Math.sqrt(periods);
}

export interface RequiredReturnOptions extends PeriodOptions {
  /** Minimum acceptable return per period; default 0. */
  requiredReturn?: number;
}

/**
 * Annualised downside deviation: √(mean(min(r - MAR, 0)²)) · √P, averaged over ALL n observations
 * (population, not n - 1; Sortino & Forsey; empyrical.downside_risk). Needs one observation.
 */
export function downsideRisk(returns: Series, options: RequiredReturnOptions = {}): number {
  const periods = periodsOf(options);
  const mar = options.requiredReturn ?? 0;
  checkFinite('requiredReturn', mar);
  return downsideCore(checkedSeries(returns, 'returns', 'downside risk'), mar, periods);
}

/** @internal */
export function downsideCore(r: Float64Array, mar: number, periods: number): number {
  let s = 0;
  for (let i = 0; i < r.length; i += 1) {
    const d = Math.min((r[i] as number) - mar, 0);
    s += d * d;
  }
  return Math.sqrt(s / r.length) * Math.sqrt(periods);
}

/**
 * Sortino ratio: mean(r - MAR) · P / downsideRisk(r, MAR) (empyrical.sortino_ratio): the annualised
 * mean excess over the minimum acceptable return divided by the annualised population downside
 * deviation. Needs two observations; throws UndefinedStatisticError when no return is below the MAR
 * (empyrical answers +∞).
 */
export function sortinoRatio(returns: Series, options: RequiredReturnOptions = {}): number {
  const periods = periodsOf(options);
  const mar = options.requiredReturn ?? 0;
  checkFinite('requiredReturn', mar);
  return sortinoCore(checkedSeries(returns, 'returns', 'Sortino ratio', 2), mar, periods);
}

/** @internal */
export function sortinoCore(r: Float64Array, mar: number, periods: number): number {
  const dd = downsideCore(r, mar, periods);
  if (dd === 0) throw new UndefinedStatisticError('Sortino ratio', 'no return is below the required return');
  return ((meanOf(r) - mar) * periods) / dd;
}

/**
 * Calmar ratio: annual return (CAGR) / |maximum drawdown| (empyrical.calmar_ratio). Throws
 * UndefinedStatisticError when the series never draws down (empyrical answers NaN).
 */
export function calmarRatio(returns: Series, options: PeriodOptions = {}): number {
  const periods = periodsOf(options);
  return calmarCore(checkedSeries(returns, 'returns', 'Calmar ratio'), periods);
}

/** @internal */
export function calmarCore(r: Float64Array, periods: number): number {
  const mdd = maxDrawdownCore(r).maxDrawdown;
  if (!(mdd < 0)) throw new UndefinedStatisticError('Calmar ratio', 'the series has no drawdown');
  return annualReturnCore(r, periods) / -mdd;
}

export interface OmegaOptions {
  /** Per-period risk-free return subtracted first; default 0. */
  riskFree?: number;
  /** ANNUAL minimum acceptable return, de-annualised as (1 + x)^(1/P) - 1; default 0. */
  requiredReturn?: number;
  /** Periods per year for de-annualising the required return; default 252. */
  periodsPerYear?: number;
}

/**
 * Omega ratio at threshold τ: Σ max(r - rf - τ, 0) / Σ max(τ - r + rf, 0), with the annual required
 * return converted to a per-period τ = (1 + required)^(1/P) - 1 (Keating & Shadwick 2002;
 * empyrical.omega_ratio). Needs two observations; throws InvalidParameterError if required ≤ -100%,
 * UndefinedStatisticError when no return falls below the threshold.
 */
export function omegaRatio(returns: Series, options: OmegaOptions = {}): number {
  const periods = periodsOf(options);
  const rf = options.riskFree ?? 0;
  const required = options.requiredReturn ?? 0;
  checkFinite('riskFree', rf);
  checkFinite('requiredReturn', required);
  if (required <= -1) throw new InvalidParameterError('requiredReturn', required, 'greater than -1');
  return omegaCore(checkedSeries(returns, 'returns', 'Omega ratio', 2), rf, required, periods);
}

/** @internal */
export function omegaCore(r: Float64Array, rf: number, required: number, periods: number): number {
  const threshold = periods === 1 ? required : Math.pow(1 + required, 1 / periods) - 1;
  let gains = 0;
  let losses = 0;
  for (let i = 0; i < r.length; i += 1) {
    const x = (r[i] as number) - rf - threshold;
    if (x > 0) gains += x;
    else if (x < 0) losses -= x;
  }
  if (!(losses > 0)) throw new UndefinedStatisticError('Omega ratio', 'no return is below the threshold');
  return gains / losses;
}

/**
 * Tail ratio: |95th percentile| / |5th percentile| of the returns, percentiles by linear interpolation
 * as numpy.percentile (empyrical.tail_ratio). Throws UndefinedStatisticError when the 5th percentile is 0.
 */
export function tailRatio(returns: Series): number {
  return tailRatioCore(checkedSeries(returns, 'returns', 'tail ratio'));
}

/** @internal */
export function tailRatioCore(r: Float64Array, sorted = sortedCopy(r)): number {
  const left = Math.abs(quantileSorted(sorted, 0.05));
  if (left === 0) throw new UndefinedStatisticError('tail ratio', 'the 5th percentile is zero');
  return Math.abs(quantileSorted(sorted, 0.95)) / left;
}
