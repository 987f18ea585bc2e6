import {
  meanHistoricalReturn,
  maxSharpe,
  minVolatility,
  returnsFromPrices,
  sampleCovariance,
  type SeriesMatrix,
} from '@ballast/domain-optimizer';
import { type DailyClose } from '../history/history.port';
import { type ObjectiveTargetPolicy } from '@ballast/platform-ledger-snapshot';

/** Annualised sample covariance and CAGR expected returns of a universe over a window (252 a year). */
export interface Estimates {
  readonly symbols: readonly string[];
  /** Row-major `n x n`. */
  readonly covariance: readonly number[];
  readonly expectedReturns: readonly number[];
  /** Daily returns used. */
  readonly observations: number;
  readonly from: string;
  readonly to: string;
}

/** History too short or missing a symbol for the window asked. */
export class InsufficientHistoryError extends Error {
  override readonly name = 'InsufficientHistoryError';
}

/**
 * The price matrix of the dates on which every symbol has a close (an inner join: a holiday of one
 * market must not become a gap inside another's series), the last `lookbackDays + 1` of them, then
 * covariance (`sampleCovariance`) and expected returns (`meanHistoricalReturn`) from
 * @ballast/domain-optimizer. Symbols in `universe` order.
 */
export function estimatesFromHistory(
  universe: readonly string[],
  bars: readonly DailyClose[],
  lookbackDays: number,
): Estimates {
  const bySymbol = new Map<string, Map<string, number>>(universe.map((symbol) => [symbol, new Map()]));
  for (const bar of bars) bySymbol.get(bar.symbol)?.set(bar.date, Number(bar.close));
  const missing = universe.filter((symbol) => (bySymbol.get(symbol)?.size ?? 0) === 0);
  if (missing.length > 0) {
    throw new InsufficientHistoryError(`no history for ${missing.join(', ')}`);
  }
  const first = bySymbol.get(universe[0] as string) as Map<string, number>;
  const dates = [...first.keys()]
    .filter((date) => universe.every((symbol) => bySymbol.get(symbol)?.has(date)))
    .sort()
    .slice(-(lookbackDays + 1));
  if (dates.length < lookbackDays + 1) {
    throw new InsufficientHistoryError(
      `${lookbackDays} daily returns need ${lookbackDays + 1} common closes of ${universe.join(', ')}; history has ${dates.length}`,
    );
  }
  const prices: SeriesMatrix = {
    symbols: universe,
    dates,
    values: Float64Array.from(
      dates.flatMap((date) => universe.map((symbol) => bySymbol.get(symbol)?.get(date) ?? Number.NaN)),
    ),
  };
  const returns = returnsFromPrices(prices);
  const covariance = sampleCovariance(returns);
  const expected = meanHistoricalReturn(returns);
  return {
    symbols: [...universe],
    covariance: [...covariance.matrix],
    expectedReturns: [...expected.values],
    observations: returns.dates.length,
    from: dates[0] as string,
    to: dates[dates.length - 1] as string,
  };
}

/**
 * Target weights of the objective over the estimates, clipped at 0 and renormalised so that they sum
 * to 1 as the portfolio file requires (the solvers return sums within ~1e-12).
 */
export function objectiveWeights(
  estimates: Estimates,
  policy: ObjectiveTargetPolicy,
): { symbol: string; weight: number }[] {
  const input = {
    symbols: estimates.symbols,
    covariance: Float64Array.from(estimates.covariance),
    expectedReturns: Float64Array.from(estimates.expectedReturns),
    bounds: { lower: policy.minWeight, upper: policy.maxWeight },
  };
  const result =
    policy.objective === 'min-volatility'
      ? minVolatility(input, { riskFreeRate: policy.riskFreeRate })
      : maxSharpe(input, { riskFreeRate: policy.riskFreeRate });
  const clipped = [...result.weights].map((weight) => (weight > 1e-9 ? weight : 0));
  const sum = clipped.reduce((total, weight) => total + weight, 0);
  return estimates.symbols.map((symbol, index) => ({ symbol, weight: (clipped[index] as number) / sum }));
}
