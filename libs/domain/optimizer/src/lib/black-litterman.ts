import { InvalidInputError, NonPositiveDefiniteCovarianceError } from './errors';
import { isFiniteNumber, isMissing } from './numbers';

/**
 * Black-Litterman (Black & Litterman 1992, "Global portfolio optimization"; He & Litterman 1999,
 * "The intuition behind Black-Litterman model portfolios"; Idzorek 2005, "A step-by-step guide to
 * the Black-Litterman model"), with the formulas and defaults of PyPortfolioOpt
 * pypfopt/black_litterman.py (commit 057114aa): diagonal Ω, τ = 0.05, risk aversion 1.
 * Matrices are row-major `Float64Array`s; `P` is `k x n` (one view per row).
 */
export interface BlackLittermanViews {
  /** `k x n` picking matrix: row i holds the weights of view i's portfolio. */
  readonly picking: Float64Array;
  /** `k` view returns. */
  readonly returns: Float64Array;
}

/**
 * Solves `A x = b` for a square `m x m` row-major `A` (copied) by Gaussian elimination with partial
 * pivoting; `b` holds `r` right-hand sides as an `m x r` row-major block. Throws
 * {@link NonPositiveDefiniteCovarianceError} (with `what`) when `A` is numerically singular.
 */
export function solveLinear(
  a: Float64Array,
  m: number,
  b: Float64Array,
  r: number,
  what: string,
): Float64Array {
  const lu = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (let k = 0; k < lu.length; k += 1) scale = Math.max(scale, Math.abs(lu[k] as number));
  for (let col = 0; col < m; col += 1) {
    let pivot = col;
    for (let row = col + 1; row < m; row += 1) {
      if (Math.abs(lu[row * m + col] as number) > Math.abs(lu[pivot * m + col] as number)) pivot = row;
    }
    const p = lu[pivot * m + col] as number;
    if (!(Math.abs(p) > 1e-14 * scale)) throw new NonPositiveDefiniteCovarianceError(`${what} is singular`);
    if (pivot !== col) {
      for (let k = 0; k < m; k += 1) {
        const t = lu[col * m + k] as number;
        lu[col * m + k] = lu[pivot * m + k] as number;
        lu[pivot * m + k] = t;
      }
      for (let k = 0; k < r; k += 1) {
        const t = x[col * r + k] as number;
        x[col * r + k] = x[pivot * r + k] as number;
        x[pivot * r + k] = t;
      }
    }
    for (let row = col + 1; row < m; row += 1) {
      const f = (lu[row * m + col] as number) / p;
      if (f === 0) continue;
      for (let k = col; k < m; k += 1)
        lu[row * m + k] = (lu[row * m + k] as number) - f * (lu[col * m + k] as number);
      for (let k = 0; k < r; k += 1)
        x[row * r + k] = (x[row * r + k] as number) - f * (x[col * r + k] as number);
    }
  }
  for (let row = m - 1; row >= 0; row -= 1) {
    const d = lu[row * m + row] as number;
    for (let k = 0; k < r; k += 1) {
      let s = x[row * r + k] as number;
      for (let j = row + 1; j < m; j += 1) s -= (lu[row * m + j] as number) * (x[j * r + k] as number);
      x[row * r + k] = s / d;
    }
  }
  return x;
}

/**
 * Market-implied risk aversion `δ = (frequency·mean(r) - r_f) / (frequency·var(r))` of the market's
 * periodic returns (variance ddof 1, missing returns skipped), PyPortfolioOpt
 * `market_implied_risk_aversion`. Throws {@link InvalidInputError} with fewer than 2 returns or a
 * constant market.
 */
export function marketImpliedRiskAversion(
  marketReturns: Float64Array,
  { frequency = 252, riskFreeRate = 0.02 }: { frequency?: number; riskFreeRate?: number } = {},
): number {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  for (const r of marketReturns) {
    if (isMissing(r)) continue;
    count += 1;
    const d = r - mean;
    mean += d / count;
    m2 += d * (r - mean);
  }
  if (count < 2)
    throw new InvalidInputError(`market risk aversion needs at least 2 market returns, got ${count}`);
  const variance = m2 / (count - 1);
  if (!(variance > 0)) throw new InvalidInputError('market risk aversion: the market return is constant');
  return (mean * frequency - riskFreeRate) / (variance * frequency);
}

/**
 * Market-implied prior returns `Π = δ Σ w_mkt + r_f`, `w_mkt` the market caps normalised to sum to
 * one (PyPortfolioOpt `market_implied_prior_returns`, risk-free 0.02 by default: Π is an excess
 * return, so the rate is added back). Throws {@link InvalidInputError} for a negative or non-finite
 * cap or caps that sum to zero.
 */
export function marketImpliedPriorReturns(
  marketCaps: Float64Array,
  riskAversion: number,
  covariance: Float64Array,
  riskFreeRate = 0.02,
): Float64Array {
  const n = marketCaps.length;
  if (covariance.length !== n * n)
    throw new InvalidInputError(`${n} market caps for a covariance of ${covariance.length} entries`);
  let total = 0;
  for (const cap of marketCaps) {
    if (!(cap >= 0) || !isFiniteNumber(cap))
      throw new InvalidInputError(`market cap ${cap} is not a non-negative number`);
    total += cap;
  }
  if (!(total > 0)) throw new InvalidInputError('market caps sum to zero');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    for (let j = 0; j < n; j += 1)
      s += (covariance[i * n + j] as number) * ((marketCaps[j] as number) / total);
    out[i] = riskAversion * s + riskFreeRate;
  }
  return out;
}

/**
 * Picking matrix and view returns of absolute views `{asset: return}` (one row per view, a 1 in
 * the asset's column), PyPortfolioOpt `BlackLittermanModel._parse_views`. Throws
 * {@link InvalidInputError} for an asset outside `symbols`.
 */
export function absoluteViews(
  symbols: readonly string[],
  views: Readonly<Record<string, number>>,
): BlackLittermanViews {
  const entries = Object.entries(views);
  return relativeViews(
    symbols,
    entries.map(([asset, ret]) => ({ weights: { [asset]: 1 }, return: ret })),
  );
}

/**
 * Views as portfolios: `{weights: {asset: coefficient}, return}` each (a relative view has
 * coefficients of both signs, e.g. `{GOOG: 1, FB: -1}` for "GOOG outperforms FB by `return`").
 */
export function relativeViews(
  symbols: readonly string[],
  views: readonly { readonly weights: Readonly<Record<string, number>>; readonly return: number }[],
): BlackLittermanViews {
  const n = symbols.length;
  const k = views.length;
  if (k === 0) throw new InvalidInputError('Black-Litterman needs at least one view');
  const picking = new Float64Array(k * n);
  const returns = new Float64Array(k);
  views.forEach((view, i) => {
    if (!isFiniteNumber(view.return))
      throw new InvalidInputError(`view ${i + 1}: return ${view.return} is not finite`);
    returns[i] = view.return;
    const assets = Object.entries(view.weights);
    if (assets.length === 0) throw new InvalidInputError(`view ${i + 1}: names no asset`);
    for (const [asset, coefficient] of assets) {
      const j = symbols.indexOf(asset);
      if (j < 0) throw new InvalidInputError(`view ${i + 1}: ${asset} is not in the universe`);
      if (!isFiniteNumber(coefficient))
        throw new InvalidInputError(`view ${i + 1}: ${asset} coefficient is not finite`);
      picking[i * n + j] = coefficient;
    }
  });
  return { picking, returns };
}

/** `diag(P Σ Pᵀ)_i` for every view: the variance of each view portfolio. */
function viewVariances(covariance: Float64Array, picking: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let v = 0; v < k; v += 1) {
    let s = 0;
    for (let i = 0; i < n; i += 1) {
      const pi = picking[v * n + i] as number;
      if (pi === 0) continue;
      for (let j = 0; j < n; j += 1)
        s += pi * (covariance[i * n + j] as number) * (picking[v * n + j] as number);
    }
    out[v] = s;
  }
  return out;
}

/**
 * He-Litterman default view uncertainty: `Ω = diag(τ P Σ Pᵀ)`, each view as uncertain as τ times
 * its portfolio's variance (PyPortfolioOpt `BlackLittermanModel.default_omega`). Returns the diagonal.
 */
export function defaultOmega(
  covariance: Float64Array,
  views: BlackLittermanViews,
  tau: number,
): Float64Array {
  const k = views.returns.length;
  const n = views.picking.length / k;
  return viewVariances(covariance, views.picking, n, k).map((v) => tau * v);
}

/**
 * Idzorek's view uncertainty from percentage confidences c ∈ [0, 1], in the closed form of
 * Walters ("The Black-Litterman model in detail", 2014, eqs. 41 and 44) used by PyPortfolioOpt
 * `BlackLittermanModel.idzorek_method`: `Ω_ii = τ (1 - c)/c · p_i Σ p_iᵀ`; c = 0 gives 1e6
 * (no confidence), c = 1 gives 0 (the posterior meets the view). Returns the diagonal.
 */
export function idzorekOmega(
  covariance: Float64Array,
  views: BlackLittermanViews,
  tau: number,
  confidences: readonly number[],
): Float64Array {
  const k = views.returns.length;
  const n = views.picking.length / k;
  if (confidences.length !== k)
    throw new InvalidInputError(`${confidences.length} view confidences for ${k} views`);
  const variances = viewVariances(covariance, views.picking, n, k);
  return Float64Array.from(confidences, (c, i) => {
    if (!(c >= 0 && c <= 1)) throw new InvalidInputError(`view confidence ${c} is not between 0 and 1`);
    if (c === 0) return 1e6;
    return tau * ((1 - c) / c) * (variances[i] as number);
  });
}

export interface BlackLittermanPosterior {
  /** `μ_BL = Π + τΣPᵀ (PτΣPᵀ + Ω)⁻¹ (Q - PΠ)`. */
  readonly returns: Float64Array;
  /** `Σ_BL = Σ + τΣ - τΣPᵀ (PτΣPᵀ + Ω)⁻¹ PτΣ` (He & Litterman 2002). */
  readonly covariance: Float64Array;
}

/**
 * Posterior returns and covariance given the prior `Π` (n), the covariance `Σ` (n x n), the
 * views and the diagonal of Ω, as PyPortfolioOpt `bl_returns` and `bl_cov` (solving with
 * `PτΣPᵀ + Ω` rather than inverting Σ, so a zero Ω — full confidence — is allowed).
 *
 * Throws {@link InvalidInputError} for τ outside (0, 1] or mismatched sizes,
 * {@link NonPositiveDefiniteCovarianceError} when `PτΣPᵀ + Ω` is singular (e.g. two identical views
 * held with full confidence).
 */
export function blackLittermanPosterior(
  covariance: Float64Array,
  prior: Float64Array,
  views: BlackLittermanViews,
  omega: Float64Array,
  tau = 0.05,
): BlackLittermanPosterior {
  const n = prior.length;
  const k = views.returns.length;
  if (!(tau > 0 && tau <= 1)) throw new InvalidInputError(`tau must be in (0, 1], got ${tau}`);
  if (covariance.length !== n * n)
    throw new InvalidInputError(`prior has ${n} returns, covariance ${covariance.length} entries`);
  if (views.picking.length !== k * n) throw new InvalidInputError(`picking matrix is not ${k} x ${n}`);
  if (omega.length !== k) throw new InvalidInputError(`omega has ${omega.length} entries for ${k} views`);
  for (const o of omega)
    if (!(o >= 0) || !isFiniteNumber(o))
      throw new InvalidInputError(`omega entry ${o} is not a non-negative number`);
  const P = views.picking;
  // tsp = τ Σ Pᵀ (n x k)
  const tsp = new Float64Array(n * k);
  for (let i = 0; i < n; i += 1) {
    for (let v = 0; v < k; v += 1) {
      let s = 0;
      for (let j = 0; j < n; j += 1) s += (covariance[i * n + j] as number) * (P[v * n + j] as number);
      tsp[i * k + v] = tau * s;
    }
  }
  // A = P τΣPᵀ + Ω (k x k)
  const a = new Float64Array(k * k);
  for (let u = 0; u < k; u += 1) {
    for (let v = 0; v < k; v += 1) {
      let s = 0;
      for (let j = 0; j < n; j += 1) s += (P[u * n + j] as number) * (tsp[j * k + v] as number);
      a[u * k + v] = s;
    }
    a[u * k + u] = (a[u * k + u] as number) + (omega[u] as number);
  }
  const b = new Float64Array(k);
  for (let v = 0; v < k; v += 1) {
    let s = views.returns[v] as number;
    for (let j = 0; j < n; j += 1) s -= (P[v * n + j] as number) * (prior[j] as number);
    b[v] = s;
  }
  const y = solveLinear(a, k, b, 1, 'P τΣ Pᵀ + Ω');
  const returns = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let s = prior[i] as number;
    for (let v = 0; v < k; v += 1) s += (tsp[i * k + v] as number) * (y[v] as number);
    returns[i] = s;
  }
  // Z = A⁻¹ (τΣPᵀ)ᵀ (k x n); Σ_BL = Σ + τΣ - τΣPᵀ Z
  const tspT = new Float64Array(k * n);
  for (let i = 0; i < n; i += 1) for (let v = 0; v < k; v += 1) tspT[v * n + i] = tsp[i * k + v] as number;
  const z = solveLinear(a, k, tspT, n, 'P τΣ Pᵀ + Ω');
  const posterior = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let s = 0;
      for (let v = 0; v < k; v += 1) s += (tsp[i * k + v] as number) * (z[v * n + j] as number);
      posterior[i * n + j] = (1 + tau) * (covariance[i * n + j] as number) - s;
    }
  }
  return { returns, covariance: posterior };
}

/**
 * Weights implied by expected returns, `w ∝ (δΣ)⁻¹ μ` normalised to sum to one (unconstrained:
 * shorts allowed), PyPortfolioOpt `BlackLittermanModel.bl_weights`. Throws
 * {@link NonPositiveDefiniteCovarianceError} for a singular Σ, {@link InvalidInputError} when the
 * raw weights sum to zero (no normalisation exists).
 */
export function blackLittermanWeights(
  covariance: Float64Array,
  expectedReturns: Float64Array,
  riskAversion = 1,
): Float64Array {
  if (!(riskAversion > 0)) throw new InvalidInputError(`risk aversion must be positive, got ${riskAversion}`);
  const n = expectedReturns.length;
  const scaled = covariance.map((v) => riskAversion * v);
  const raw = solveLinear(scaled, n, expectedReturns, 1, 'the covariance matrix');
  let total = 0;
  for (const w of raw) total += w;
  if (!(Math.abs(total) > 0))
    throw new InvalidInputError('Black-Litterman raw weights sum to zero; they cannot be normalised');
  return raw.map((w) => w / total);
}
