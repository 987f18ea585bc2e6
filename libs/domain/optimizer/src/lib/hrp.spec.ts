// Golden values: PyPortfolioOpt tests/test_hrp.py at commit 08362a1 and
// tests/resources/weights_hrp.csv at commit eaba8dc (HRPOpt, single linkage, daily returns of
// tests/resources/stock_prices.csv: fixtures/, MIT; performance with risk-free 0.02, frequency 252).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterVariance,
  covarianceToCorrelation,
  hierarchicalRiskParity,
  ledoitWolf,
  pairwiseMoments,
  portfolioPerformance,
} from '../index';
import { stockReturns } from '../testing/pyportfolioopt-data';

const returns = stockReturns(readFileSync(join(__dirname, '../../fixtures/stock_prices.csv'), 'utf8'));
const symbols = returns.symbols;
const n = symbols.length;
const { cov, corr } = pairwiseMoments(returns, true);

const referenceWeights: Record<string, number> = {
  AAPL: 0.022258941278778387,
  AMD: 0.022294021796692116,
  AMZN: 0.016086842079874982,
  BABA: 0.07963382071794088,
  BAC: 0.014409222455552267,
  BBY: 0.03406419438245041,
  FB: 0.06272994714663536,
  GE: 0.05519063444162851,
  GM: 0.055576660241857236,
  GOOG: 0.04956008428992926,
  JPM: 0.017675709092515715,
  MA: 0.038127373497320226,
  PFE: 0.07786528342813452,
  RRC: 0.03161528695094598,
  SBUX: 0.039844436656239136,
  SHLD: 0.027113184241298872,
  T: 0.11138956508836473,
  UAA: 0.027115909570750083,
  WMT: 0.10569551148587902,
  XOM: 0.11175337115721229,
};

describe('hierarchicalRiskParity', () => {
  const hrp = hierarchicalRiskParity(cov, corr as Float64Array, n);

  it('matches weights_hrp.csv (test_hrp_portfolio) to 1e-12', () => {
    symbols.forEach((s, i) =>
      expect(Math.abs((hrp.weights[i] as number) - (referenceWeights[s] as number))).toBeLessThan(1e-12),
    );
    expect(Math.abs(hrp.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  });

  it('orders the leaves as scipy does (test_quasi_dag)', () => {
    expect(hrp.order.slice(0, 5)).toEqual([12, 6, 15, 14, 2]);
  });

  it('matches test_portfolio_performance (arithmetic mean and sample covariance, x252)', () => {
    const mu = new Float64Array(n);
    const counts = new Float64Array(n);
    returns.values.forEach((r, k) => {
      if (Number.isNaN(r)) return;
      mu[k % n] = (mu[k % n] as number) + r;
      counts[k % n] = (counts[k % n] as number) + 1;
    });
    const muAnnual = mu.map((s, j) => (s / (counts[j] as number)) * 252);
    const perf = portfolioPerformance(
      hrp.weights,
      cov.map((v) => v * 252),
      muAnnual,
    );
    expect(Math.abs((perf.expectedReturn as number) - 0.21353402380950973)).toBeLessThan(1e-12);
    expect(Math.abs(perf.volatility - 0.17844159743748936)).toBeLessThan(1e-12);
    expect(Math.abs((perf.sharpe as number) - 1.084579081272277)).toBeLessThan(1e-11);
  });

  it('matches test_cluster_var', () => {
    const items = ['SHLD', 'AMD', 'BBY', 'RRC', 'FB', 'WMT', 'T', 'BABA', 'PFE', 'UAA'].map((s) =>
      symbols.indexOf(s),
    );
    expect(Math.abs(clusterVariance(cov, n, items) - 0.00012842967106653283)).toBeLessThan(1e-18);
  });

  it('matches test_pass_cov_matrix (Ledoit-Wolf covariance, correlation rounded to 6 decimals)', () => {
    const lw = ledoitWolf(returns).matrix;
    const rounded = covarianceToCorrelation(lw, n).map((v) => Math.round(v * 1e6) / 1e6);
    const w = hierarchicalRiskParity(lw, rounded, n).weights;
    expect(Math.abs(portfolioPerformance(w, lw).volatility - 0.10002783894982334)).toBeLessThan(1e-10);
  });
});
