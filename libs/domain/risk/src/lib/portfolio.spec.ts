// The weighted-portfolio entry point: returns from prices, daily-rebalanced portfolio returns
// (empyrical / pyfolio convention), the inner join of dates, and the full report. Hand-computed
// values in the comments; the report's fields are checked against the library's own functions.
import fc from 'fast-check';
import {
  alignByDate,
  alphaBeta,
  annualVolatility,
  assetReturnsFromPrices,
  correlation,
  downsideRisk,
  effectiveNumberOfBets,
  InsufficientDataError,
  intersectDates,
  InvalidParameterError,
  LengthMismatchError,
  NoOverlappingDatesError,
  NonFiniteValueError,
  portfolioReturns,
  portfolioRiskReport,
  returnStatistics,
  sharpeRatio,
  trackingError,
  UnsortedDatesError,
} from '../index';

const close = (a: number | null | undefined, b: number, tol = 1e-12) => {
  expect(typeof a).toBe('number');
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol);
};

describe('returns from prices and the daily-rebalanced portfolio', () => {
  it('rₜ = pₜ/pₜ₋₁ - 1 on the later date; rₚ = Σ wᵢrᵢ', () => {
    const r = assetReturnsFromPrices({
      dates: ['2024-01-02', '2024-01-03', '2024-01-04'],
      symbols: ['A', 'B'],
      prices: [
        [100, 110, 99],
        [50, 50, 55],
      ],
    });
    expect(r.dates).toEqual(['2024-01-03', '2024-01-04']);
    close(r.returns[0]?.[0], 0.1);
    close(r.returns[0]?.[1], -0.1);
    close(r.returns[1]?.[1], 0.1);
    // 0.7 × 0.1 + 0.3 × 0 = 0.07; 0.7 × -0.1 + 0.3 × 0.1 = -0.04
    const p = portfolioReturns(r.returns, [0.7, 0.3]);
    close(p[0], 0.07);
    close(p[1], -0.04);
  });

  it('bad prices are named errors', () => {
    const base = { dates: ['2024-01-02', '2024-01-03'], symbols: ['A'] };
    expect(() => assetReturnsFromPrices({ ...base, prices: [[100, Number.POSITIVE_INFINITY]] })).toThrow(
      NonFiniteValueError,
    );
    expect(() => assetReturnsFromPrices({ ...base, prices: [[100, 0]] })).toThrow(InvalidParameterError);
    expect(() => assetReturnsFromPrices({ ...base, prices: [[100]] })).toThrow(LengthMismatchError);
    expect(() => assetReturnsFromPrices({ ...base, dates: ['2024-01-02'], prices: [[100]] })).toThrow(
      InsufficientDataError,
    );
    expect(() =>
      assetReturnsFromPrices({ ...base, dates: ['2024-01-03', '2024-01-02'], prices: [[1, 2]] }),
    ).toThrow(UnsortedDatesError);
  });
});

describe('date alignment', () => {
  it('keeps the dates both sides have, and says how many each side lost', () => {
    const a = alignByDate(
      { dates: ['2024-01-02', '2024-01-03', '2024-01-05'], values: [1, 2, 3] },
      { dates: ['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'], values: [10, 20, 30, 40] },
    );
    expect(a.dates).toEqual(['2024-01-03', '2024-01-05']);
    expect(Array.from(a.left)).toEqual([2, 3]);
    expect(Array.from(a.right)).toEqual([10, 30]);
    expect([a.droppedLeft, a.droppedRight]).toEqual([1, 2]);
  });

  it('no common date is NoOverlappingDatesError naming both ranges; unsorted dates are UnsortedDatesError', () => {
    expect(() => intersectDates(['2024-01-02', '2024-01-03'], ['2025-01-02'])).toThrow(
      new NoOverlappingDatesError(
        'portfolio',
        '2024-01-02..2024-01-03',
        'benchmark',
        '2025-01-02..2025-01-02',
      ),
    );
    expect(() => intersectDates(['2024-01-03', '2024-01-02'], ['2024-01-02'])).toThrow(UnsortedDatesError);
    expect(() => intersectDates(['2024-1-3'], ['2024-01-02'])).toThrow(UnsortedDatesError);
  });
});

describe('portfolioRiskReport', () => {
  function lcg(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state + 0.5) / 4294967296 - 0.5;
    };
  }
  const t = 300;
  const rand = lcg(7);
  const dates = Array.from({ length: t }, (_, i) =>
    new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
  );
  const assets = [0.02, 0.01, 0.03].map((s) => Float64Array.from({ length: t }, () => 0.0004 + s * rand()));
  const benchmark = Float64Array.from(assets[0] as Float64Array, (x) => 0.8 * x + 0.004 * rand());
  const weights = [0.5, 0.3, 0.2];

  it('the series block is returnStatistics of the daily-rebalanced portfolio; the benchmark block its functions', () => {
    const report = portfolioRiskReport({
      dates,
      symbols: ['A', 'B', 'C'],
      assetReturns: assets,
      weights,
      benchmark,
      riskFree: 0.0001,
    });
    const p = portfolioReturns(assets, weights);
    const stats = returnStatistics(p, { riskFree: 0.0001, dates });
    expect(report.sharpeRatio).toBe(stats.sharpeRatio);
    expect(report.maxDrawdown).toEqual(stats.maxDrawdown);
    expect(report.valueAtRisk).toEqual(stats.valueAtRisk);
    close(report.sharpeRatio, sharpeRatio(p, { riskFree: 0.0001 }));
    close(report.downsideRisk, downsideRisk(p));
    const ab = alphaBeta(p, benchmark, { riskFree: 0.0001 });
    close(report.beta, ab.beta);
    close(report.alpha, ab.alpha);
    close(report.trackingError, trackingError(p, benchmark));
    close(report.benchmarkCorrelation, correlation(p, benchmark));
    expect([report.startDate, report.endDate]).toEqual([dates[0], dates[t - 1]]);
  });

  it('risk contributions (annualised covariance) sum to the annual volatility of the portfolio series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 2, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (w) => {
          fc.pre(w.some((x) => Math.abs(x) > 1e-3));
          const report = portfolioRiskReport({
            dates,
            symbols: ['A', 'B', 'C'],
            assetReturns: assets,
            weights: w,
          });
          const sum = (report.riskContributions ?? []).reduce((s, h) => s + h.contribution, 0);
          const vol = annualVolatility(portfolioReturns(assets, w));
          expect(Math.abs(sum - vol)).toBeLessThanOrEqual(1e-12 * Math.max(1, vol));
          close(report.annualVolatility, vol, 1e-12 * Math.max(1, vol));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('a decomposition window: contributions sum to the annual volatility of the last N periods', () => {
    const report = portfolioRiskReport({
      dates,
      symbols: ['A', 'B', 'C'],
      assetReturns: assets,
      weights,
      decompositionWindow: 60,
    });
    expect([report.decompositionStartDate, report.decompositionPeriods]).toEqual([dates[t - 60], 60]);
    const sum = (report.riskContributions ?? []).reduce((s, h) => s + h.contribution, 0);
    close(sum, annualVolatility(portfolioReturns(assets, weights).subarray(t - 60)));
    expect(Math.abs(sum - (report.annualVolatility as number))).toBeGreaterThan(1e-6);
    const whole = portfolioRiskReport({
      dates,
      symbols: ['A', 'B', 'C'],
      assetReturns: assets,
      weights,
      decompositionWindow: 10_000,
    });
    expect(whole.decompositionPeriods).toBe(t);
    expect(() =>
      portfolioRiskReport({
        dates,
        symbols: ['A'],
        assetReturns: [assets[0] as Float64Array],
        weights: [1],
        decompositionWindow: 0,
      }),
    ).toThrow(InvalidParameterError);
  });

  it('one holding with weight 1 is the statistics of that series; ENB 1', () => {
    const report = portfolioRiskReport({
      dates,
      symbols: ['A'],
      assetReturns: [assets[0] as Float64Array],
      weights: [1],
    });
    const stats = returnStatistics(assets[0] as Float64Array, { dates });
    expect(report.annualReturn).toBe(stats.annualReturn);
    close(report.effectiveNumberOfBets, 1);
    close(report.effectiveNumberOfBets, effectiveNumberOfBets([1], { size: 1, values: Float64Array.of(1) }));
    expect(report.beta).toBeNull();
    expect(report.undefinedReasons['beta']).toBe('no benchmark given');
  });

  it('a zero-variance holding or series: documented nulls with reasons, never NaN', () => {
    const flat = new Float64Array(t).fill(0.001);
    const report = portfolioRiskReport({
      dates,
      symbols: ['A', 'FLAT'],
      assetReturns: [assets[0] as Float64Array, flat],
      weights: [0, 1],
      benchmark,
    });
    expect(report.sharpeRatio).toBeNull();
    expect(report.undefinedReasons['sharpeRatio']).toMatch(/zero variance/);
    expect(report.correlation).toBeNull();
    expect(report.undefinedReasons['correlation']).toBe(
      'correlation matrix is undefined: asset 1 has zero variance',
    );
    expect(report.riskContributions).toBeNull();
    // Beta divides by the benchmark's variance, so a flat portfolio has beta 0; its correlation is undefined.
    close(report.beta, 0, 1e-15);
    expect(report.benchmarkCorrelation).toBeNull();
    expect(report.undefinedReasons['benchmarkCorrelation']).toBe(
      'correlation is undefined: returns has zero variance',
    );
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity|null,\s*"reason": null/);
    for (const [key, value] of Object.entries(report))
      if (value === null) expect(report.undefinedReasons[key]).toEqual(expect.any(String));
  });

  it('misaligned benchmark or NaN returns are named errors', () => {
    expect(() =>
      portfolioRiskReport({
        dates,
        symbols: ['A'],
        assetReturns: [assets[0] as Float64Array],
        weights: [1],
        benchmark: benchmark.subarray(1),
      }),
    ).toThrow(LengthMismatchError);
    const bad = Float64Array.from(assets[0] as Float64Array);
    bad[5] = Number.NaN;
    expect(() => portfolioRiskReport({ dates, symbols: ['A'], assetReturns: [bad], weights: [1] })).toThrow(
      new NonFiniteValueError('A returns', 5, Number.NaN),
    );
  });
});
