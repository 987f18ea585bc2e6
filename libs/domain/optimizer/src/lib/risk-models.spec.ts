// Reference: PyPortfolioOpt tests/test_risk_models.py at commit 9cf7514 (frequency 252, spectral
// PSD fix), on tests/resources/stock_prices.csv (fixtures/, MIT). That file pins numbers only for
// the dummy sample covariance; the shrinkage and exponential estimators are pinned through the
// optimizer goldens that consume them (mean-variance.spec.ts: test_min_volatilty_shrunk_L2_reg,
// test_efficient_return_shrunk, test_max_sharpe_exp_cov, ...; hrp.spec.ts: test_pass_cov_matrix).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  exponentialCovariance,
  pairwiseMoments,
  fixNonPositiveSemidefinite,
  isPositiveSemidefinite,
  ledoitWolf,
  NON_PSD_WARNING,
  oracleApproximatingShrinkage,
  parseWideCsv,
  returnsFromPrices,
  sampleCovariance,
  semicovariance,
} from '../index';
import { InsufficientDataError } from './errors';
import { stockReturns } from '../testing/pyportfolioopt-data';

const returns = stockReturns(readFileSync(join(__dirname, '../../fixtures/stock_prices.csv'), 'utf8'));
const n = 20;

describe('sampleCovariance', () => {
  it('matches test_sample_cov_dummy to 1e-15', () => {
    const dummy = returnsFromPrices(
      parseWideCsv(
        'date,A,B,C\nd0,4.0,2.0,0.6\nd1,4.2,2.1,0.59\nd2,3.9,2.0,0.58\nd3,4.3,2.1,0.62\nd4,4.1,2.2,0.63\n',
      ),
    );
    const expected = [
      [0.006661687937656102, 0.00264970955585574, 0.0020849735375206195],
      [0.00264970955585574, 0.0023450491307634215, 0.00096770864287974],
      [0.0020849735375206195, 0.00096770864287974, 0.0016396416271856837],
    ];
    const s = sampleCovariance(dummy).matrix;
    expected.flat().forEach((e, k) => expect(Math.abs((s[k] as number) / 252 - e)).toBeLessThan(1e-15));
  });

  it('is PSD on the real data and scales with frequency (test_sample_cov_real_data, _frequency)', () => {
    const s = sampleCovariance(returns);
    expect(s.warnings).toEqual([]);
    expect(isPositiveSemidefinite(s.matrix, n)).toBe(true);
    const s2 = sampleCovariance(returns, { frequency: 2 }).matrix;
    s.matrix.forEach((v, k) => expect(Math.abs(v / 126 - (s2[k] as number))).toBeLessThan(1e-18));
  });

  it('needs two observations per asset', () => {
    const one = returnsFromPrices(parseWideCsv('date,A\nd0,1\nd1,2\n'));
    expect(() => sampleCovariance(one)).toThrow(InsufficientDataError);
    expect(() => sampleCovariance(one)).toThrow('sample covariance: needs at least 2 observations, got 1');
  });
});

describe('fixNonPositiveSemidefinite', () => {
  it('repairs the matrix of test_sample_cov_npd and says so', () => {
    const s = Float64Array.from([0.03818144, 0.04182824, 0.04182824, 0.04149209]);
    expect(isPositiveSemidefinite(s, 2)).toBe(false);
    const fixed = fixNonPositiveSemidefinite(s, 2);
    expect(isPositiveSemidefinite(fixed.matrix, 2)).toBe(true);
    expect(fixed.warnings).toEqual([NON_PSD_WARNING]);
    expect(NON_PSD_WARNING).toBe('The covariance matrix is non positive semidefinite. Amending eigenvalues.');
  });
});

describe('semicovariance', () => {
  it('is ~0 for a very negative benchmark and grows with the benchmark (test_semicovariance_benchmark)', () => {
    semicovariance(returns, { benchmark: -0.5 }).matrix.forEach((v) =>
      expect(Math.abs(v)).toBeLessThan(1e-4),
    );
    const total = (b: number) => semicovariance(returns, { benchmark: b }).matrix.reduce((a, v) => a + v, 0);
    expect(total(1)).toBeGreaterThan(total(0));
  });

  it('is PSD and scales with frequency (test_semicovariance)', () => {
    const s = semicovariance(returns).matrix;
    expect(isPositiveSemidefinite(s, n)).toBe(true);
    const s2 = semicovariance(returns, { frequency: 2 }).matrix;
    s.forEach((v, k) => expect(Math.abs(v / 126 - (s2[k] as number))).toBeLessThan(1e-18));
  });
});

describe('pairwiseMoments with missing values', () => {
  it('the Gram-product covariance equals the Welford pairs of pandas nancorr to 1e-13 relative', () => {
    // The fixture has assets listed on different dates: covariance alone takes the Gram path, with
    // the correlation the Welford path computes the same pairs.
    const gram = pairwiseMoments(returns).cov;
    const welford = pairwiseMoments(returns, true).cov;
    let scale = 0;
    for (let i = 0; i < n; i += 1) scale = Math.max(scale, Math.abs(welford[i * n + i] as number));
    gram.forEach((v, k) => expect(Math.abs(v - (welford[k] as number))).toBeLessThan(1e-13 * scale));
  });

  it('gives NaN for a pair with fewer than two common rows', () => {
    const m = pairwiseMoments({
      symbols: ['A', 'B'],
      dates: ['1', '2', '3', '4'],
      values: Float64Array.from([0.01, Number.NaN, 0.02, Number.NaN, -0.01, Number.NaN, 0.03, 0.01]),
    }).cov;
    expect(m[1]).toBeNaN();
    expect(m[0]).toBeCloseTo(0.000291666666666667, 15);
  });
});

describe('exponentialCovariance', () => {
  it('tends to the sample covariance as span grows (test_exp_cov_limits)', () => {
    const sample = sampleCovariance(returns).matrix;
    const s = exponentialCovariance(returns).matrix;
    expect(s.some((v, k) => Math.abs(v - (sample[k] as number)) > 1e-3)).toBe(true);
    const s2 = exponentialCovariance(returns, { span: 1e20 }).matrix;
    s2.forEach((v, k) => expect(Math.abs(v - (sample[k] as number))).toBeLessThan(1e-3));
    expect(isPositiveSemidefinite(s, n)).toBe(true);
  });

  it('on complete data (the blocked path) equals the EWM definition to 1e-12', () => {
    // The fixture's last 500 rows have every asset listed, so the blocked Gram path is taken.
    const rows = 500;
    const start = (returns.dates.length - rows) * n;
    const tail = {
      symbols: returns.symbols,
      dates: returns.dates.slice(-rows),
      values: returns.values.slice(start),
    };
    expect(tail.values.some((v) => Number.isNaN(v))).toBe(false);
    const fast = exponentialCovariance(tail, { span: 60 }).matrix;
    const decay = 1 - 2 / 61;
    const mean = (j: number): number => {
      let m = 0;
      for (let t = 0; t < rows; t += 1) m += (tail.values[t * n + j] as number) / rows;
      return m;
    };
    const means = Array.from({ length: n }, (_, j) => mean(j));
    for (const [i, j] of [
      [0, 0],
      [3, 7],
      [19, 2],
      [11, 11],
    ] as const) {
      let num = 0;
      let den = 0;
      for (let t = 0; t < rows; t += 1) {
        const w = decay ** (rows - 1 - t);
        num +=
          w *
          ((tail.values[t * n + i] as number) - (means[i] as number)) *
          ((tail.values[t * n + j] as number) - (means[j] as number));
        den += w;
      }
      expect(Math.abs((fast[i * n + j] as number) - (252 * num) / den)).toBeLessThan(
        1e-12 * Math.abs((252 * num) / den) + 1e-18,
      );
    }
  });
});

describe('shrinkage estimators', () => {
  it.each(['constant_variance', 'single_factor', 'constant_correlation'] as const)(
    'Ledoit-Wolf %s: 0 < delta < 1, PSD (test_ledoit_wolf_*)',
    (target) => {
      const s = ledoitWolf(returns, { target });
      expect(s.shrinkage).toBeGreaterThan(0);
      expect(s.shrinkage).toBeLessThan(1);
      expect(isPositiveSemidefinite(s.matrix, n)).toBe(true);
      expect(s.matrix.every(Number.isFinite)).toBe(true);
    },
  );

  it('OAS: 0 < delta < 1, PSD (test_oracle_approximating)', () => {
    const s = oracleApproximatingShrinkage(returns);
    expect(s.shrinkage).toBeGreaterThan(0);
    expect(s.shrinkage).toBeLessThan(1);
    expect(isPositiveSemidefinite(s.matrix, n)).toBe(true);
  });
});
