import { checkedSeries, checkPositiveInteger, type Series } from './series';
import { DEFAULT_PERIODS_PER_YEAR, type PeriodOptions } from './conventions';
import { UndefinedStatisticError } from './errors';
import { meanOf, varianceOf } from './moments';

/**
 * Cumulative simple return after each period: Π(1 + rᵢ) - 1, or `startingValue`·Π(1 + rᵢ) when a
 * starting value is given (empyrical.cum_returns). Throws NonFiniteValueError on NaN/±∞.
 */
export function cumulativeReturns(returns: Series, startingValue = 0): Float64Array {
  const r = checkedSeries(returns, 'returns', 'cumulative returns', 0);
  const out = new Float64Array(r.length);
  let wealth = 1;
  for (let i = 0; i < r.length; i += 1) {
    wealth *= 1 + (r[i] as number);
    out[i] = startingValue === 0 ? wealth - 1 : wealth * startingValue;
  }
  return out;
}

/** Total compounded return Π(1 + rᵢ) - 1 (empyrical.cum_returns_final). Needs one observation. */
export function cumulativeReturn(returns: Series): number {
  return totalReturnCore(checkedSeries(returns, 'returns', 'cumulative return'));
}

/** @internal Unchecked core of cumulativeReturn. */
export function totalReturnCore(r: Float64Array): number {
  let wealth = 1;
  for (let i = 0; i < r.length; i += 1) wealth *= 1 + (r[i] as number);
  return wealth - 1;
}

/**
 * Annual return as a compound annual growth rate: (1 + R)^(P / n) - 1 with R the cumulative return,
 * n the number of periods and P periods per year (empyrical.annual_return; equal to empyrical.cagr).
 * Throws InsufficientDataError on an empty series, UndefinedStatisticError when wealth ends below zero
 * (a return under -100%, possible only with leverage).
 */
export function annualReturn(returns: Series, options: PeriodOptions = {}): number {
  const periods = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  checkPositiveInteger('periodsPerYear', periods);
  return annualReturnCore(checkedSeries(returns, 'returns', 'annual return'), periods);
}

/** @internal Unchecked core of annualReturn. */
export function annualReturnCore(r: Float64Array, periodsPerYear: number): number {
  const ending = totalReturnCore(r) + 1;
  if (ending < 0) throw new UndefinedStatisticError('annual return', 'wealth falls below zero');
  return Math.pow(ending, periodsPerYear / r.length) - 1;
}

/**
 * Annualised volatility: sample standard deviation (n - 1) times √P (empyrical.annual_volatility with
 * its default Lévy exponent 2). A constant series gives 0. Needs two observations.
 */
export function annualVolatility(returns: Series, options: PeriodOptions = {}): number {
  const periods = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  checkPositiveInteger('periodsPerYear', periods);
  const r = checkedSeries(returns, 'returns', 'annual volatility', 2);
  return Math.sqrt(varianceOf(r, 1, meanOf(r)) * periods);
}
