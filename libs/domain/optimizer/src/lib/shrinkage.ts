import { isMissing } from './numbers';
import { type FrequencyOptions, pairwiseMoments, type RiskModel } from './covariance';
import { centredColumnGram } from '@ballast/domain-linalg';
import { fixNonPositiveSemidefinite } from './psd';
import { checkReturns, rowCount, type SeriesMatrix } from './price-matrix';

/**
 * Shrinkage estimators of the covariance matrix, following PyPortfolioOpt
 * (pypfopt/risk_models.py, `CovarianceShrinkage`) and scikit-learn (sklearn/covariance/_shrunk_covariance.py):
 * missing returns are replaced by 0 (numpy `nan_to_num`, as PyPortfolioOpt does), the estimators
 * work on daily (per-period) returns, and the result is annualised by `frequency` (252) and then
 * repaired by eigenvalue clipping if needed.
 */

/** Target of the Ledoit-Wolf shrinkage. */
export type LedoitWolfTarget = 'constant_variance' | 'single_factor' | 'constant_correlation';

interface Centred {
  n: number;
  t: number;
  /** Raw returns with NaN -> 0, column-major `[j * t + row]`. */
  raw: Float64Array;
  /** Column-centred copy of `raw`. */
  xm: Float64Array;
}

function centre(returns: SeriesMatrix): Centred {
  checkReturns(returns, 'shrinkage covariance');
  const n = returns.symbols.length;
  const t = rowCount(returns);
  const raw = new Float64Array(n * t);
  const xm = new Float64Array(n * t);
  for (let j = 0; j < n; j += 1) {
    let s = 0;
    for (let r = 0; r < t; r += 1) {
      const v = returns.values[r * n + j] as number;
      const z = isMissing(v) ? 0 : v;
      raw[j * t + r] = z;
      s += z;
    }
    const m = s / t;
    for (let r = 0; r < t; r += 1) xm[j * t + r] = (raw[j * t + r] as number) - m;
  }
  return { n, t, raw, xm };
}

/** `A'B / t` for column-major `a` (n x t) and `b` (n x t) after elementwise maps. */
function crossProduct(a: Float64Array, b: Float64Array, n: number, t: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let s = 0;
      for (let r = 0; r < t; r += 1) s += (a[i * t + r] as number) * (b[j * t + r] as number);
      out[i * n + j] = s / t;
    }
  }
  return out;
}

function finish(
  symbols: readonly string[],
  shrunk: Float64Array,
  delta: number,
  frequency: number,
): RiskModel {
  for (let k = 0; k < shrunk.length; k += 1) shrunk[k] = (shrunk[k] as number) * frequency;
  const fixed = fixNonPositiveSemidefinite(shrunk, symbols.length);
  return { symbols, matrix: fixed.matrix, warnings: fixed.warnings, shrinkage: delta };
}

/**
 * `AᵀA / t` for column-major `a` (n x t, one contiguous run per column), symmetric, through the
 * shared Gram kernel, which reads the columns where they are.
 */
function selfProduct(a: Float64Array, n: number, t: number): Float64Array {
  const columns = Array.from({ length: n }, (_, j) => a.subarray(j * t, (j + 1) * t));
  const g = centredColumnGram(columns, t, new Float64Array(n));
  for (let k = 0; k < g.length; k += 1) g[k] = (g[k] as number) / t;
  return g;
}

/** Population covariance of the centred data, `Xmᵀ Xm / t`. */
function empiricalCovariance(c: Centred): Float64Array {
  return selfProduct(c.xm, c.n, c.t);
}

/**
 * Ledoit-Wolf shrinkage towards `mu I`, `mu = tr(S)/n`, with `S` the population (ddof 0) covariance:
 * `(1 - δ) S + δ mu I`, δ from Ledoit & Wolf (2004), "A well-conditioned estimator for
 * large-dimensional covariance matrices", as scikit-learn `ledoit_wolf_shrinkage`.
 */
function ledoitWolfConstantVariance(c: Centred): { shrunk: Float64Array; delta: number } {
  const { n, t, xm } = c;
  const emp = empiricalCovariance(c);
  let trace = 0;
  for (let i = 0; i < n; i += 1) trace += emp[i * n + i] as number;
  const mu = trace / n;
  const x2 = new Float64Array(xm.length);
  for (let k = 0; k < xm.length; k += 1) x2[k] = (xm[k] as number) ** 2;
  const squares = selfProduct(x2, n, t);
  let betaSum = 0;
  let deltaSum = 0;
  for (let k = 0; k < n * n; k += 1) {
    betaSum += (squares[k] as number) * t;
    const e = (emp[k] as number) * t;
    deltaSum += e * e;
  }
  deltaSum /= t * t;
  let beta = (1 / (n * t)) * (betaSum / t - deltaSum);
  let delta = deltaSum - 2 * mu * trace + n * mu * mu;
  delta /= n;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const shrunk = new Float64Array(n * n);
  for (let k = 0; k < shrunk.length; k += 1) shrunk[k] = (1 - shrinkage) * (emp[k] as number);
  for (let i = 0; i < n; i += 1) shrunk[i * n + i] = (shrunk[i * n + i] as number) + shrinkage * mu;
  return { shrunk, delta: shrinkage };
}

/**
 * Ledoit-Wolf shrinkage towards Sharpe's single-factor model, the market being the equally
 * weighted mean return; population moments. Ledoit & Wolf (2003), "Improved estimation of the
 * covariance matrix of stock returns with an application to portfolio selection", transcribed from
 * PyPortfolioOpt `_ledoit_wolf_single_factor` (itself from the authors' covMarket.m).
 */
function ledoitWolfSingleFactor(c: Centred): { shrunk: Float64Array; delta: number } {
  const { n, t, raw, xm } = c;
  const xmkt = new Float64Array(t);
  for (let r = 0; r < t; r += 1) {
    let s = 0;
    for (let j = 0; j < n; j += 1) s += raw[j * t + r] as number;
    xmkt[r] = s / n;
  }
  let mktMean = 0;
  for (let r = 0; r < t; r += 1) mktMean += xmkt[r] as number;
  mktMean /= t;
  const betas = new Float64Array(n);
  let varmkt = 0;
  for (let r = 0; r < t; r += 1) varmkt += ((xmkt[r] as number) - mktMean) ** 2;
  varmkt /= t;
  for (let j = 0; j < n; j += 1) {
    let s = 0;
    for (let r = 0; r < t; r += 1) s += (xm[j * t + r] as number) * ((xmkt[r] as number) - mktMean);
    betas[j] = s / t;
  }
  const sample = empiricalCovariance(c);
  const f = new Float64Array(n * n);
  let cNorm = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const v =
        i === j ? (sample[i * n + i] as number) : ((betas[i] as number) * (betas[j] as number)) / varmkt;
      f[i * n + j] = v;
      cNorm += ((sample[i * n + j] as number) - v) ** 2;
    }
  }
  const y = new Float64Array(n * t);
  const z = new Float64Array(n * t);
  for (let j = 0; j < n; j += 1) {
    for (let r = 0; r < t; r += 1) {
      const v = xm[j * t + r] as number;
      y[j * t + r] = v * v;
      z[j * t + r] = v * (xmkt[r] as number);
    }
  }
  const yy = selfProduct(y, n, t);
  const yz = crossProduct(y, z, n, t);
  const zz = selfProduct(z, n, t);
  let p = 0;
  let rdiag = 0;
  let roff1 = 0;
  let roff3 = 0;
  for (let i = 0; i < n; i += 1) {
    let y4 = 0;
    for (let r = 0; r < t; r += 1) y4 += (y[i * t + r] as number) ** 2;
    rdiag += y4 / t - (sample[i * n + i] as number) ** 2;
    for (let j = 0; j < n; j += 1) {
      const sij = sample[i * n + j] as number;
      p += (yy[i * n + j] as number) - sij * sij;
      const bi = betas[i] as number;
      const bj = betas[j] as number;
      const v1 = (yz[i * n + j] as number) - bi * sij;
      const v3 = (zz[i * n + j] as number) - varmkt * sij;
      if (i !== j) {
        roff1 += (v1 * bj) / varmkt;
        roff3 += (v3 * bi * bj) / (varmkt * varmkt);
      }
    }
  }
  const r = rdiag + 2 * roff1 - roff3;
  const k = (p - r) / cNorm;
  const delta = Math.max(0, Math.min(1, k / t));
  const shrunk = new Float64Array(n * n);
  for (let q = 0; q < shrunk.length; q += 1) {
    shrunk[q] = delta * (f[q] as number) + (1 - delta) * (sample[q] as number);
  }
  return { shrunk, delta };
}

/**
 * Ledoit-Wolf shrinkage towards the constant-correlation matrix (mean pairwise correlation r̄,
 * sample variances on the diagonal), Ledoit & Wolf (2004), "Honey, I shrunk the sample covariance
 * matrix"; `S` is the pairwise-complete sample covariance (ddof 1) while the π and ρ estimates use
 * the zero-filled centred returns, exactly as PyPortfolioOpt `_ledoit_wolf_constant_correlation`.
 */
function ledoitWolfConstantCorrelation(
  c: Centred,
  returns: SeriesMatrix,
): { shrunk: Float64Array; delta: number } {
  const { n, t, xm } = c;
  const s = pairwiseMoments(returns).cov;
  const std = new Float64Array(n);
  for (let i = 0; i < n; i += 1) std[i] = Math.sqrt(s[i * n + i] as number);
  let rsum = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1)
      rsum += (s[i * n + j] as number) / ((std[i] as number) * (std[j] as number));
  }
  const rBar = (rsum - n) / (n * (n - 1));
  const f = new Float64Array(n * n);
  let gamma = 0;
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const v = i === j ? (s[i * n + i] as number) : rBar * (std[i] as number) * (std[j] as number);
      f[i * n + j] = v;
      gamma += ((s[i * n + j] as number) - v) ** 2;
    }
  }
  const y = new Float64Array(n * t);
  const x3 = new Float64Array(n * t);
  for (let q = 0; q < xm.length; q += 1) {
    const v = xm[q] as number;
    y[q] = v * v;
    x3[q] = v * v * v;
  }
  const yy = selfProduct(y, n, t);
  const help = selfProduct(xm, n, t);
  const term1 = crossProduct(x3, xm, n, t);
  let piHat = 0;
  let piDiag = 0;
  let thetaSum = 0;
  for (let i = 0; i < n; i += 1) {
    const vi = s[i * n + i] as number;
    for (let j = 0; j < n; j += 1) {
      const sij = s[i * n + j] as number;
      const pij = (yy[i * n + j] as number) - 2 * (help[i * n + j] as number) * sij + sij * sij;
      piHat += pij;
      if (i === j) {
        piDiag += pij;
        continue;
      }
      const theta =
        (term1[i * n + j] as number) -
        (help[i * n + i] as number) * sij -
        (help[i * n + j] as number) * vi +
        vi * sij;
      thetaSum += ((std[j] as number) / (std[i] as number)) * theta;
    }
  }
  const rho = piDiag + rBar * thetaSum;
  const kappa = (piHat - rho) / gamma;
  const delta = Math.max(0, Math.min(1, kappa / t));
  const shrunk = new Float64Array(n * n);
  for (let q = 0; q < shrunk.length; q += 1) {
    shrunk[q] = delta * (f[q] as number) + (1 - delta) * (s[q] as number);
  }
  return { shrunk, delta };
}

/**
 * Annualised Ledoit-Wolf shrunk covariance with the chosen target (default constant variance, as
 * PyPortfolioOpt `CovarianceShrinkage.ledoit_wolf`). The shrinkage intensity is returned in
 * `shrinkage`. Throws {@link InsufficientDataError} with fewer than 2 rows.
 */
export function ledoitWolf(
  returns: SeriesMatrix,
  { frequency = 252, target = 'constant_variance' }: FrequencyOptions & { target?: LedoitWolfTarget } = {},
): RiskModel {
  const c = centre(returns);
  const { shrunk, delta } =
    target === 'constant_variance'
      ? ledoitWolfConstantVariance(c)
      : target === 'single_factor'
        ? ledoitWolfSingleFactor(c)
        : ledoitWolfConstantCorrelation(c, returns);
  return finish(returns.symbols, shrunk, delta, frequency);
}

/**
 * Annualised Oracle Approximating Shrinkage towards `mu I` (Chen, Wiesel, Eldar & Hero 2010,
 * "Shrinkage algorithms for MMSE covariance estimation", eq. 23, as implemented by scikit-learn
 * `oas`): `δ = min(1, (mean(S²) + mu²) / ((t + 1)(mean(S²) - mu²/n)))` with `S` the population
 * covariance of the zero-filled returns.
 */
export function oracleApproximatingShrinkage(
  returns: SeriesMatrix,
  { frequency = 252 }: FrequencyOptions = {},
): RiskModel {
  const c = centre(returns);
  const { n, t } = c;
  const emp = empiricalCovariance(c);
  let trace = 0;
  let sq = 0;
  for (let i = 0; i < n; i += 1) trace += emp[i * n + i] as number;
  for (let k = 0; k < emp.length; k += 1) sq += (emp[k] as number) ** 2;
  const alpha = sq / (n * n);
  const mu = trace / n;
  const num = alpha + mu * mu;
  const den = (t + 1) * (alpha - (mu * mu) / n);
  const delta = den === 0 ? 1 : Math.min(num / den, 1);
  const shrunk = new Float64Array(n * n);
  for (let k = 0; k < emp.length; k += 1) shrunk[k] = (1 - delta) * (emp[k] as number);
  for (let i = 0; i < n; i += 1) shrunk[i * n + i] = (shrunk[i * n + i] as number) + delta * mu;
  return finish(returns.symbols, shrunk, delta, frequency);
}
