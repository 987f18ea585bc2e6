import { checkedSeries, type Series } from './series';
import { ZeroVarianceError } from './errors';
import { centralMoments, isZeroDeviation } from './moments';

/**
 * Skewness g₁ = m₃ / m₂^(3/2) with population central moments (divisor n), i.e. the biased estimator
 * of scipy.stats.skew(bias=True), which empyrical lists among its SIMPLE_STAT_FUNCS. Needs two
 * observations; throws ZeroVarianceError for a constant series.
 */
export function skewness(returns: Series): number {
  return skewnessCore(checkedSeries(returns, 'returns', 'skewness', 2));
}

/** @internal */
export function skewnessCore(r: Float64Array): number {
  const { m2, m3 } = centralMoments(r);
  const g1 = m3 / Math.pow(m2, 1.5);
  // m2 = 0, rounding noise of a constant series (see isZeroDeviation), or so small that m2^1.5
  // underflows: numerically a zero variance.
  if (!(m2 > 0) || isZeroDeviation(Math.sqrt(m2), r) || !Number.isFinite(g1))
    throw new ZeroVarianceError('skewness', 'returns');
  return g1;
}

/**
 * Excess kurtosis g₂ = m₄ / m₂² - 3 with population central moments: scipy.stats.kurtosis with its
 * defaults (fisher=True, bias=True), as in empyrical's SIMPLE_STAT_FUNCS. A normal sample gives about 0.
 * Needs two observations; throws ZeroVarianceError for a constant series.
 */
export function excessKurtosis(returns: Series): number {
  return excessKurtosisCore(checkedSeries(returns, 'returns', 'kurtosis', 2));
}

/** @internal */
export function excessKurtosisCore(r: Float64Array): number {
  const { m2, m4 } = centralMoments(r);
  const g2 = m4 / (m2 * m2) - 3;
  if (!(m2 > 0) || isZeroDeviation(Math.sqrt(m2), r) || !Number.isFinite(g2))
    throw new ZeroVarianceError('kurtosis', 'returns');
  return g2;
}
