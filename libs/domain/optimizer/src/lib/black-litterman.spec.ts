// Golden values: PyPortfolioOpt tests/test_black_litterman.py at commit 0f1931a2 (formulas of
// pypfopt/black_litterman.py at 057114aa), on tests/resources/stock_prices.csv and spy_prices.csv
// (fixtures/, MIT), sample covariance x252 (`risk_models.sample_cov`), market caps of
// tests/utilities_for_tests.py `get_market_caps`. Each test names the reference test it reproduces.
// `assert_array_almost_equal` (decimal 6) means |diff| < 1.5e-6; `assert_allclose` means rtol 1e-7.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  absoluteViews,
  blackLittermanPosterior,
  blackLittermanWeights,
  defaultOmega,
  idzorekOmega,
  InvalidInputError,
  marketImpliedPriorReturns,
  marketImpliedRiskAversion,
  NonPositiveDefiniteCovarianceError,
  parseWideCsv,
  portfolioPerformance,
  relativeViews,
  returnsFromPrices,
  sampleCovariance,
  solveLinear,
} from '../index';
import { stockReturns } from '../testing/pyportfolioopt-data';

const fixtures = join(__dirname, '../../fixtures');
const returns = stockReturns(readFileSync(join(fixtures, 'stock_prices.csv'), 'utf8'));
const symbols = returns.symbols;
const n = symbols.length;
const S = sampleCovariance(returns).matrix;
const spy = returnsFromPrices(parseWideCsv(readFileSync(join(fixtures, 'spy_prices.csv'), 'utf8'))).values;
const delta = marketImpliedRiskAversion(spy);

const mcapsBySymbol: Record<string, number> = {
  GOOG: 927e9,
  AAPL: 1.19e12,
  FB: 574e9,
  BABA: 533e9,
  AMZN: 867e9,
  GE: 96e9,
  AMD: 43e9,
  WMT: 339e9,
  BAC: 301e9,
  GM: 51e9,
  T: 61e9,
  UAA: 78e9,
  SHLD: 0,
  XOM: 295e9,
  RRC: 1e9,
  BBY: 22e9,
  MA: 288e9,
  PFE: 212e9,
  JPM: 422e9,
  SBUX: 102e9,
};
const mcaps = Float64Array.from(symbols, (s) => mcapsBySymbol[s] as number);

function expectClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThan(tolerance);
}

function expectPerformance(
  weights: Float64Array,
  post: { returns: Float64Array; covariance: Float64Array },
  expected: [number, number, number],
): void {
  const p = portfolioPerformance(weights, post.covariance, post.returns, 0.02);
  // assert_allclose rtol 1e-7
  expectClose(p.expectedReturn as number, expected[0], 1e-7 * Math.abs(expected[0]) + 1e-12);
  expectClose(p.volatility, expected[1], 1e-7 * expected[1] + 1e-12);
  expectClose(p.sharpe as number, expected[2], 1e-7 * Math.abs(expected[2]) + 1e-12);
}

describe('market-implied quantities', () => {
  it('matches test_market_risk_aversion (δ of SPY rounds to 2.68549)', () => {
    expect(Math.round(delta * 1e5) / 1e5).toBe(2.68549);
  });

  it('matches test_market_implied_prior to 1.5e-6', () => {
    const pi = marketImpliedPriorReturns(mcaps, delta, S);
    const reference = [
      0.14933293, 0.2168623, 0.11219185, 0.10362374, 0.28416295, 0.12196098, 0.19036819, 0.08860159,
      0.17724273, 0.08779627, 0.0791797, 0.16460474, 0.12854665, 0.08657863, 0.11230036, 0.13875465,
      0.15017163, 0.09066484, 0.1696369, 0.13270213,
    ];
    reference.forEach((r, i) => expectClose(pi[i] as number, r, 1.5e-6));
  });

  it('rejects negative caps and caps summing to zero', () => {
    expect(() => marketImpliedPriorReturns(new Float64Array([1, -1]), 1, new Float64Array(4))).toThrow(
      InvalidInputError,
    );
    expect(() => marketImpliedPriorReturns(new Float64Array([0, 0]), 1, new Float64Array(4))).toThrow(
      'market caps sum to zero',
    );
  });
});

describe('Black-Litterman posterior and weights', () => {
  const tau = 0.05;

  it('matches test_bl_market_prior (market prior, absolute views, default Ω, bl_weights(δ))', () => {
    const prior = marketImpliedPriorReturns(mcaps, delta, S);
    const views = absoluteViews(symbols, { GOOG: 0.4, AAPL: -0.3, FB: 0.3, BABA: 0 });
    const post = blackLittermanPosterior(S, prior, views, defaultOmega(S, views, tau), tau);
    for (const [asset, view] of [
      ['GOOG', 0.4],
      ['AAPL', -0.3],
      ['FB', 0.3],
      ['BABA', 0],
    ] as const) {
      const i = symbols.indexOf(asset);
      const lo = Math.min(prior[i] as number, view);
      const hi = Math.max(prior[i] as number, view);
      expect(post.returns[i]).toBeGreaterThanOrEqual(lo);
      expect(post.returns[i]).toBeLessThanOrEqual(hi);
    }
    const w = blackLittermanWeights(S, post.returns, delta);
    expectPerformance(w, post, [0.2580693114409672, 0.265445955488424, 0.8968654692926723]);
  });

  it('matches test_bl_equal_prior (prior 1/n, δ = 1)', () => {
    const prior = new Float64Array(n).fill(1 / n);
    const views = absoluteViews(symbols, { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 });
    const post = blackLittermanPosterior(S, prior, views, defaultOmega(S, views, tau), tau);
    const w = blackLittermanWeights(S, post.returns, 1);
    expectPerformance(w, post, [0.1877432247395778, 0.3246889329226965, 0.5166274785827545]);
  });

  it('matches test_bl_weights (no prior, δ of SPY; clean_weights rounds to 5 decimals)', () => {
    const views = absoluteViews(symbols, { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 });
    const post = blackLittermanPosterior(S, new Float64Array(n), views, defaultOmega(S, views, tau), tau);
    const w = blackLittermanWeights(S, post.returns, delta);
    const reference: Record<string, number> = {
      AAPL: 1.40675,
      BAC: 0.02651,
      T: 2.81117,
      BBY: -1.44667,
      SBUX: -1.79776,
    };
    symbols.forEach((s, i) => {
      const r = reference[s];
      if (r === undefined)
        expect(Math.abs(w[i] as number)).toBeLessThan(1e-4); // clean_weights cutoff
      else expectClose(w[i] as number, r, 5e-6 + 1e-12);
    });
    expectClose(
      w.reduce((a, b) => a + b, 0),
      1,
      1e-12,
    );
  });

  it('matches test_idzorek_with_priors (market prior at δ = 1 and r_f = 0, confidences [1, 1, .25, .25])', () => {
    const prior = marketImpliedPriorReturns(mcaps, 1, S, 0);
    const views = absoluteViews(symbols, { GOOG: 0.4, AAPL: -0.3, FB: 0.3, BABA: 0 });
    const omega = idzorekOmega(S, views, tau, [1, 1, 0.25, 0.25]);
    expect(omega[0]).toBe(0);
    const post = blackLittermanPosterior(S, prior, views, omega, tau);
    expectClose(post.returns[symbols.indexOf('AAPL')] as number, -0.3, 1.5e-7);
    const w = blackLittermanWeights(S, post.returns, 1);
    expectPerformance(w, post, [0.943431295405105, 0.5361412623208567, 1.722365653051476]);
  });

  it('matches test_idzorek_basic (identity Σ: the posterior moves linearly with the confidence)', () => {
    const I = new Float64Array(25);
    for (let i = 0; i < 5; i += 1) I[i * 5 + i] = 1;
    const names = ['0', '1', '2', '3', '4'];
    const views = absoluteViews(names, { 0: 0.3, 1: 0.3, 2: 0.3, 3: 0.3, 4: 0.3 });
    const prior = new Float64Array(5).fill(0.1);
    [0, 0.2, 0.4, 0.6, 0.8, 1].forEach((c, i) => {
      const omega = idzorekOmega(I, views, tau, [c, c, c, c, c]);
      const post = blackLittermanPosterior(I, prior, views, omega, tau);
      expectClose(post.returns[0] as number, 0.1 + (i * 0.2) / 5, 1.5e-7);
    });
    expect(Array.from(idzorekOmega(I, views, tau, [0, 0, 0, 0, 0]))).toEqual([1e6, 1e6, 1e6, 1e6, 1e6]);
    expect(() => idzorekOmega(I, views, tau, [1.1, 1, 1, 1, 1])).toThrow(
      'view confidence 1.1 is not between 0 and 1',
    );
    expect(() => idzorekOmega(I, views, tau, [0.2, 0.2])).toThrow('2 view confidences for 5 views');
  });

  it('matches test_bl_no_uncertainty (Ω = 0: the posterior equals the views to 1e-5)', () => {
    const viewdict = { GOOG: 0.4, AAPL: -0.3, FB: 0.3, BABA: 0 };
    const views = absoluteViews(symbols, viewdict);
    const post = blackLittermanPosterior(S, new Float64Array(n), views, new Float64Array(4), tau);
    for (const [asset, v] of Object.entries(viewdict)) {
      expectClose(post.returns[symbols.indexOf(asset)] as number, v, 1e-5);
    }
  });

  it('honours relative views in direction (test_bl_relative_views, sample covariance)', () => {
    const views = relativeViews(symbols, [
      { weights: { SBUX: 1 }, return: -0.2 },
      { weights: { GOOG: 1, FB: -1 }, return: 0.1 },
      { weights: { BAC: 0.5, JPM: 0.5, T: -0.5, GE: -0.5 }, return: 0.15 },
    ]);
    const post = blackLittermanPosterior(S, new Float64Array(n), views, defaultOmega(S, views, tau), tau);
    const r = (s: string): number => post.returns[symbols.indexOf(s)] as number;
    expect(r('SBUX')).toBeLessThan(0);
    expect(r('GOOG')).toBeGreaterThan(r('FB'));
    expect(r('BAC')).toBeGreaterThan(r('T'));
    expect(r('JPM')).toBeGreaterThan(r('GE'));
  });

  it('agrees with the explicit-inverse formula (test_bl_returns_no_prior) and keeps Σ_BL symmetric', () => {
    const views = absoluteViews(symbols, { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 });
    const omega = defaultOmega(S, views, tau);
    const post = blackLittermanPosterior(S, new Float64Array(n), views, omega, tau);
    // μ = [(τΣ)⁻¹ + PᵀΩ⁻¹P]⁻¹ PᵀΩ⁻¹Q, assembled independently.
    const k = 5;
    const tauS = S.map((v) => tau * v);
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i += 1) eye[i * n + i] = 1;
    const inv = solveLinear(tauS, n, eye, n, 'τΣ');
    const m = Float64Array.from(inv);
    const rhs = new Float64Array(n);
    for (let v = 0; v < k; v += 1) {
      for (let i = 0; i < n; i += 1) {
        const pi = views.picking[v * n + i] as number;
        rhs[i] = (rhs[i] as number) + (pi * (views.returns[v] as number)) / (omega[v] as number);
        for (let j = 0; j < n; j += 1) {
          m[i * n + j] =
            (m[i * n + j] as number) + (pi * (views.picking[v * n + j] as number)) / (omega[v] as number);
        }
      }
    }
    const explicit = solveLinear(m, n, rhs, 1, 'M');
    explicit.forEach((x, i) => expectClose(post.returns[i] as number, x, 1e-9));
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < i; j += 1)
        expectClose(post.covariance[i * n + j] as number, post.covariance[j * n + i] as number, 1e-15);
    }
  });

  it('raises named errors: τ out of range, an unknown asset, a duplicated fully-confident view', () => {
    const views = absoluteViews(symbols, { AAPL: 0.1 });
    expect(() => blackLittermanPosterior(S, new Float64Array(n), views, new Float64Array(1), 0)).toThrow(
      'tau must be in (0, 1], got 0',
    );
    expect(() => absoluteViews(symbols, { NOPE: 0.1 })).toThrow('view 1: NOPE is not in the universe');
    const twice = relativeViews(symbols, [
      { weights: { AAPL: 1 }, return: 0.1 },
      { weights: { AAPL: 1 }, return: 0.2 },
    ]);
    expect(() => blackLittermanPosterior(S, new Float64Array(n), twice, new Float64Array(2), tau)).toThrow(
      NonPositiveDefiniteCovarianceError,
    );
  });
});
