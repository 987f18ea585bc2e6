import { checkConfidence, checkedSeries, checkFinite, checkPositiveInteger, type Series } from './series';
import { DEFAULT_PERIODS_PER_YEAR } from './conventions';
import { InsufficientDataError, UndefinedStatisticError, ZeroVarianceError } from './errors';
import { annualReturnCore, totalReturnCore } from './returns';
import { meanOf, sortedCopy, varianceOf } from './moments';
import { calmarCore, downsideCore, omegaCore, sharpeCore, sortinoCore, tailRatioCore } from './ratios';
import { maxDrawdown, type MaxDrawdown } from './drawdown';
import { excessKurtosisCore, skewnessCore } from './distribution';
import { cvarCore, varCore } from './value-at-risk';

export interface ReturnStatisticsOptions {
  periodsPerYear?: number;
  /** Per-period risk-free return for Sharpe; default 0. */
  riskFree?: number;
  /** Per-period minimum acceptable return for Sortino and downside risk; default 0. */
  requiredReturn?: number;
  /** Confidence of VaR / CVaR; default 0.95. */
  confidence?: number;
  /** Horizon of the VaR / CVaR block in periods; default 1. */
  horizon?: number;
  /** One ISO date per return, for the drawdown dates. */
  dates?: readonly string[];
}

/** A statistic that may be undefined for this input: a number, or null with the reason. */
export type Statistic = number | null;

export interface ReturnStatistics {
  observations: number;
  cumulativeReturn: Statistic;
  annualReturn: Statistic;
  annualVolatility: Statistic;
  sharpeRatio: Statistic;
  sortinoRatio: Statistic;
  downsideRisk: Statistic;
  calmarRatio: Statistic;
  omegaRatio: Statistic;
  maxDrawdown: MaxDrawdown;
  tailRatio: Statistic;
  skewness: Statistic;
  excessKurtosis: Statistic;
  valueAtRisk: { historical: Statistic; normal: Statistic; cornishFisher: Statistic };
  conditionalValueAtRisk: { historical: Statistic; normal: Statistic; cornishFisher: Statistic };
  /** Why each null statistic is null, keyed by its path (for example `sortinoRatio`, `valueAtRisk.normal`). */
  undefinedReasons: Record<string, string>;
}

/**
 * Every statistic of one return series in one pass over the validated input, with empyrical's
 * conventions. Input errors (NaN/±∞, an empty series, bad parameters) throw; statistics that are
 * undefined for valid input (zero variance, no downside, too short for a horizon) are null with a
 * reason in `undefinedReasons`, so the report never contains NaN or ±∞.
 */
export function returnStatistics(returns: Series, options: ReturnStatisticsOptions = {}): ReturnStatistics {
  const periods = options.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const rf = options.riskFree ?? 0;
  const mar = options.requiredReturn ?? 0;
  const confidence = options.confidence ?? 0.95;
  const horizon = options.horizon ?? 1;
  checkPositiveInteger('periodsPerYear', periods);
  checkPositiveInteger('horizon', horizon);
  checkFinite('riskFree', rf);
  checkFinite('requiredReturn', mar);
  checkConfidence(confidence);
  const r = checkedSeries(returns, 'returns', 'return statistics');
  const reasons: Record<string, string> = {};
  const attempt = (key: string, minLength: number, compute: () => number): Statistic => {
    try {
      if (r.length < minLength) throw new InsufficientDataError(key, minLength, r.length);
      return compute();
    } catch (error) {
      if (
        error instanceof ZeroVarianceError ||
        error instanceof UndefinedStatisticError ||
        error instanceof InsufficientDataError
      ) {
        reasons[key] = error.message;
        return null;
      }
      throw error;
    }
  };
  const sorted = sortedCopy(r);
  const historicalMin = Math.max(2, horizon);
  return {
    observations: r.length,
    cumulativeReturn: attempt('cumulativeReturn', 1, () => totalReturnCore(r)),
    annualReturn: attempt('annualReturn', 1, () => annualReturnCore(r, periods)),
    annualVolatility: attempt('annualVolatility', 2, () => Math.sqrt(varianceOf(r, 1, meanOf(r)) * periods)),
    sharpeRatio: attempt('sharpeRatio', 2, () => sharpeCore(r, rf, periods)),
    sortinoRatio: attempt('sortinoRatio', 2, () => sortinoCore(r, mar, periods)),
    downsideRisk: attempt('downsideRisk', 1, () => downsideCore(r, mar, periods)),
    calmarRatio: attempt('calmarRatio', 1, () => calmarCore(r, periods)),
    omegaRatio: attempt('omegaRatio', 2, () => omegaCore(r, rf, 0, periods)),
    maxDrawdown: maxDrawdown(r, options.dates === undefined ? {} : { dates: options.dates }),
    tailRatio: attempt('tailRatio', 1, () => tailRatioCore(r, sorted)),
    skewness: attempt('skewness', 2, () => skewnessCore(r)),
    excessKurtosis: attempt('excessKurtosis', 2, () => excessKurtosisCore(r)),
    valueAtRisk: {
      historical: attempt('valueAtRisk.historical', historicalMin, () =>
        varCore(r, confidence, 'historical', horizon),
      ),
      normal: attempt('valueAtRisk.normal', 2, () => varCore(r, confidence, 'normal', horizon)),
      cornishFisher: attempt('valueAtRisk.cornishFisher', 2, () =>
        varCore(r, confidence, 'cornish-fisher', horizon),
      ),
    },
    conditionalValueAtRisk: {
      historical: attempt('conditionalValueAtRisk.historical', historicalMin, () =>
        cvarCore(r, confidence, 'historical', horizon),
      ),
      normal: attempt('conditionalValueAtRisk.normal', 2, () => cvarCore(r, confidence, 'normal', horizon)),
      cornishFisher: attempt('conditionalValueAtRisk.cornishFisher', 2, () =>
        cvarCore(r, confidence, 'cornish-fisher', horizon),
      ),
    },
    undefinedReasons: reasons,
  };
}
