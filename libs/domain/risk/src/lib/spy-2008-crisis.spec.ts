// SPY daily returns 2006-01-04 .. 2009-12-31 (fixtures/spy-2006-2009.csv, from robertmartin8/PyPortfolioOpt).
// Reference values computed from the same file with numpy 2.4.6 / scipy 1.17.1:
//   np.std(r, ddof=1)·√252, scipy.stats.skew(r), scipy.stats.kurtosis(r), np.percentile(r, q),
//   mean + scipy.stats.norm.ppf(α)·std, mean - std·norm.pdf(z)/α, and for the Cornish-Fisher CVaR
//   scipy.integrate.quad of the Cornish-Fisher quantile over (0, 0.05) (error 2e-9).
// Tolerance 1e-12 relative unless noted.
import { loadSpyReturns } from '../testing/spy-fixture';
import {
  annualVolatility,
  conditionalValueAtRisk,
  excessKurtosis,
  maxDrawdown,
  normalQuantile,
  returnStatistics,
  sharpeRatio,
  skewness,
  valueAtRisk,
} from '../index';

const { dates, returns } = loadSpyReturns('spy-2006-2009.csv');
const close = (actual: number, expected: number, relative = 1e-12) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe('SPY through the 2008 crisis', () => {
  it('has 1006 daily returns', () => {
    expect(returns).toHaveLength(1006);
  });

  it('maximum drawdown -55.19% from 2007-10-09 to 2009-03-09, not recovered by 2009-12-31', () => {
    const dd = maxDrawdown(returns, { dates });
    close(dd.maxDrawdown, -0.5518942219357119, 1e-12);
    expect(dd.peakDate).toBe('2007-10-09');
    expect(dd.troughDate).toBe('2009-03-09');
    expect(dd.recoveryDate).toBeNull();
    expect(dd.recoveryPeriods).toBeNull();
    expect(dd.declinePeriods).toBe(dd.troughIndex - dd.peakIndex);
  });

  it('volatility, Sharpe, skewness and excess kurtosis match numpy / scipy', () => {
    close(annualVolatility(returns), 0.2634667339958968);
    close(sharpeRatio(returns), 0.08841500098202969, 1e-10);
    close(skewness(returns), 0.410602031452005, 1e-10);
    close(excessKurtosis(returns), 12.431631285790774, 1e-10);
  });

  it('historical VaR matches numpy.percentile', () => {
    close(valueAtRisk(returns, { confidence: 0.95 }), -0.024580969227851523);
    close(valueAtRisk(returns, { confidence: 0.99 }), -0.0506741988767441);
  });

  it('normal VaR and CVaR match scipy.stats.norm', () => {
    close(valueAtRisk(returns, { method: 'normal' }), -0.027206941256517663, 1e-12);
    close(conditionalValueAtRisk(returns, { method: 'normal' }), -0.03414208497863492, 1e-12);
  });

  it('Cornish-Fisher VaR (closed form) and CVaR (against numerical integration, 1e-7)', () => {
    close(valueAtRisk(returns, { method: 'cornish-fisher' }), -0.021053447907081198, 1e-10);
    close(conditionalValueAtRisk(returns, { method: 'cornish-fisher' }), -0.05982564841089645, 1e-7);
  });

  it('the report has no NaN and no infinity', () => {
    const report = returnStatistics(returns, { dates });
    const json = JSON.stringify(report);
    expect(json).not.toMatch(/NaN|Infinity/);
    expect(report.undefinedReasons).toEqual({});
    expect(report.maxDrawdown.troughDate).toBe('2009-03-09');
  });
});

describe('normalQuantile (AS 241) against scipy.stats.norm.ppf', () => {
  it.each([
    [0.05, -1.6448536269514729],
    [0.01, -2.3263478740408408],
    [0.3, -0.5244005127080409],
    [1e-12, -7.034483825301131],
  ])('Φ⁻¹(%s)', (p, expected) => {
    close(normalQuantile(p), expected, 1e-15);
    // Symmetry, where 1 - p is representable without losing the digits that matter.
    if (p >= 0.01) close(normalQuantile(1 - p), -expected, 1e-9);
  });
});
