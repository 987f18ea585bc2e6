// optimizePortfolio: the pipeline behind `ballast optimize`. Golden values as in
// mean-variance.spec.ts (PyPortfolioOpt tests/test_efficient_frontier.py @4d3c878, arithmetic mean,
// sample covariance, risk-free 0.02, tests/resources/stock_prices.csv in fixtures/, MIT); the rest
// checks the fallback chain and the refusals.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertNoConstantSeries,
  ConstantSeriesError,
  InvalidInputError,
  NoAssetAboveRiskFreeRateError,
  NonPositiveDefiniteCovarianceError,
  optimizePortfolio,
  type SeriesMatrix,
  shortHistoryWarnings,
} from '../index';
import { stockReturns } from '../testing/pyportfolioopt-data';

const returns = stockReturns(readFileSync(join(__dirname, '../../fixtures/stock_prices.csv'), 'utf8'));
let ticks = 0;
const clock = (): number => (ticks += 5);

describe('optimizePortfolio', () => {
  it('reproduces test_max_sharpe_long_only and reports timings from the given clock', () => {
    ticks = 0;
    const r = optimizePortfolio({ returns, objective: 'max-sharpe', expectedReturns: 'arithmetic', clock });
    expect(Math.abs(r.performance.expectedReturn - 0.33035037367760506)).toBeLessThan(1e-6);
    expect(Math.abs(r.performance.volatility - 0.21671276571944567)).toBeLessThan(1e-6);
    expect(r.diagnostics).toEqual({
      objective: 'max-sharpe',
      solver: 'active-set',
      iterations: expect.any(Number) as number,
      timingsMs: { estimate: 5, solve: 5 },
      fallbackUsed: null,
      warnings: [],
    });
  });

  it('walks the fallback chain in order and reports every failure before the step that answered', () => {
    const r = optimizePortfolio({
      returns,
      objective: 'max-sharpe',
      riskFreeRate: 5,
      fallback: ['efficient-return', 'previous-weights'],
      currentWeights: { AAPL: 0.6, XOM: 0.4 },
    });
    expect(r.diagnostics.fallbackUsed).toBe('previous-weights');
    const [first, second, ...rest] = r.diagnostics.warnings;
    expect(first).toMatch(
      /^max-sharpe failed: NoAssetAboveRiskFreeRateError: max-sharpe: no expected return exceeds the risk-free rate 5 /,
    );
    expect(second).toBe(
      'efficient-return failed: InvalidInputError: invalid input: efficient-return needs a target return',
    );
    expect(rest).toEqual([]);
    expect(r.weights['AAPL']).toBe(0.6);
    expect(r.weights['GOOG']).toBe(0);
  });

  it('rethrows the last failure when no step answers, and never catches bad data', () => {
    expect(() =>
      optimizePortfolio({ returns, objective: 'max-sharpe', riskFreeRate: 5, fallback: ['efficient-risk'] }),
    ).toThrow(InvalidInputError);
    expect(() => optimizePortfolio({ returns, objective: 'max-sharpe', riskFreeRate: 5 })).toThrow(
      NoAssetAboveRiskFreeRateError,
    );
    const constant: SeriesMatrix = {
      symbols: ['A', 'B'],
      dates: ['1', '2', '3'],
      values: Float64Array.from([0.01, 0, -0.02, 0, 0.03, 0]),
    };
    expect(() => assertNoConstantSeries(constant)).toThrow(new ConstantSeriesError('B'));
    expect(() =>
      optimizePortfolio({
        returns: constant,
        objective: 'min-volatility',
        fallback: ['previous-weights'],
        currentWeights: { A: 1 },
      }),
    ).toThrow(ConstantSeriesError);
  });

  it('refuses a singular covariance by name: twin series, or fewer observations than assets', () => {
    // GOOG (the first column) and a second listing of it at twice the price: identical returns, Σ of rank n - 1, and
    // every mix of the twins equally "optimal"; the answer would be one arbitrary mix of them.
    const n = returns.symbols.length;
    const rows = returns.dates.length;
    const twin = new Float64Array(rows * (n + 1));
    for (let t = 0; t < rows; t += 1) {
      twin.set(returns.values.subarray(t * n, (t + 1) * n), t * (n + 1));
      twin[t * (n + 1) + n] = returns.values[t * n] as number;
    }
    const withTwin: SeriesMatrix = {
      symbols: [...returns.symbols, 'GOOG2'],
      dates: returns.dates,
      values: twin,
    };
    for (const objective of [
      'min-volatility',
      'max-sharpe',
      'risk-parity',
      'max-quadratic-utility',
    ] as const) {
      expect(() => optimizePortfolio({ returns: withTwin, objective })).toThrow(
        NonPositiveDefiniteCovarianceError,
      );
    }
    expect(() => optimizePortfolio({ returns: withTwin, objective: 'min-volatility' })).toThrow(
      /covariance matrix is not positive definite: the returns of GOOG and GOOG2 are exact multiples of each other \(correlation 1\.0{12}\)/,
    );
    // HRP never inverts Σ; an L2 term makes the problem strictly convex again.
    expect(optimizePortfolio({ returns: withTwin, objective: 'hrp' }).weights['GOOG2']).toBeGreaterThan(0);
    const regularised = optimizePortfolio({ returns: withTwin, objective: 'min-volatility', l2Gamma: 0.1 });
    expect(regularised.weights['GOOG']).toBeCloseTo(regularised.weights['GOOG2'] as number, 6);

    // 20 assets, 12 returns: the sample covariance has rank at most 11; shrinkage is full rank.
    const short: SeriesMatrix = {
      symbols: returns.symbols,
      dates: returns.dates.slice(-12),
      values: returns.values.slice((rows - 12) * n),
    };
    expect(() => optimizePortfolio({ returns: short, objective: 'min-volatility' })).toThrow(
      'covariance matrix is not positive definite: 20 assets but only 12 return observations: the estimate has rank at most 11',
    );
    expect(
      optimizePortfolio({ returns: short, objective: 'min-volatility', riskModel: 'ledoit-wolf' }).diagnostics
        .fallbackUsed,
    ).toBeNull();
    // The fallback chain catches it like any named failure.
    expect(
      optimizePortfolio({ returns: short, objective: 'min-volatility', fallback: ['hrp'] }).diagnostics
        .fallbackUsed,
    ).toBe('hrp');
  });

  it('warns when a symbol has under half the rows and under a year of returns, and still answers', () => {
    const n = returns.symbols.length;
    const rows = returns.dates.length;
    const values = Float64Array.from(returns.values);
    // XOM (the last column) "lists" 40 rows before the end: 40 returns of the file's rows.
    for (let t = 0; t < rows - 40; t += 1) values[t * n + n - 1] = Number.NaN;
    const late: SeriesMatrix = { ...returns, values };
    const last = returns.symbols[n - 1] as string;
    expect(shortHistoryWarnings(late)).toEqual([
      `${last} has only 40 of ${rows} returns: its expected return and covariances rest on 40 observations`,
    ]);
    expect(shortHistoryWarnings(returns)).toEqual([]);
    const r = optimizePortfolio({ returns: late, objective: 'min-volatility' });
    expect(r.diagnostics.warnings).toContain(shortHistoryWarnings(late)[0]);
  });

  it('names the symbols whose expected returns are not finite (prices read as returns overflow)', () => {
    const prices: SeriesMatrix = {
      symbols: ['A', 'B'],
      dates: Array.from({ length: 400 }, (_, t) => String(t)),
      // Price levels (about 100 and 50) read as returns: (1 + 100)^(252) overflows.
      values: Float64Array.from({ length: 800 }, (_, k) => {
        const t = Math.floor(k / 2);
        return k % 2 === 0 ? 100 + 0.01 * t + (t % 3) : 50 + 0.02 * t + (t % 5) * 0.5;
      }),
    };
    expect(() => optimizePortfolio({ returns: prices, objective: 'max-sharpe' })).toThrow(
      'invalid input: expected returns are not finite for A, B (were prices given as returns?)',
    );
  });

  it('refuses options an objective cannot honour instead of ignoring them', () => {
    expect(() => optimizePortfolio({ returns, objective: 'hrp', bounds: { upper: 0.1 } })).toThrow(
      'invalid input: hrp is long-only and fully invested; it takes no bounds and no L2 term',
    );
    expect(() => optimizePortfolio({ returns, objective: 'min-volatility', marketNeutral: true })).toThrow(
      'invalid input: min-volatility has no market-neutral form',
    );
    expect(() =>
      optimizePortfolio({
        returns,
        objective: 'risk-parity',
        groups: { AAPL: 'tech' },
        groupBounds: { tech: [0, 0.1] },
      }),
    ).toThrow(
      'invalid input: risk-parity takes no group bounds, transaction costs, turnover or tracking-error limits; use a mean-variance objective',
    );
    expect(() =>
      optimizePortfolio({
        returns,
        objective: 'min-volatility',
        groups: { AAPL: 'tech' },
        groupBounds: { tech: [0, 0.1] },
      }),
    ).toThrow('invalid input: group bounds, costs, turnover and tracking error need the HiGHS solver');
    expect(() =>
      optimizePortfolio({ returns, objective: 'min-volatility', benchmarkWeights: { AAPL: 1 } }),
    ).toThrow('invalid input: benchmark weights and a tracking-error limit go together');
  });
});
