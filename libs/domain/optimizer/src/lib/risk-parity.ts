import { isFiniteNumber } from './numbers';
import { InvalidInputError, NonPositiveDefiniteCovarianceError, SolverDidNotConvergeError } from './errors';

export interface RiskParityResult {
  readonly weights: Float64Array;
  /** `w_i (Σw)_i / wᵀΣw`, summing to 1. */
  readonly riskContributions: Float64Array;
  readonly sweeps: number;
}

/**
 * Risk budgeting portfolio, long only and fully invested: weights whose relative risk
 * contributions `w_i (Σw)_i / wᵀΣw` equal the budgets `b_i / Σb` (equal risk contribution when
 * `budgets` is omitted). Solved as the strictly convex problem `min ½ xᵀΣx - Σ b_i ln x_i`, whose
 * optimum satisfies `x_i (Σx)_i = b_i`, then `w = x / Σx` (Spinu 2013, "An algorithm for computing
 * risk parity weights"), by cyclical coordinate descent with the closed-form coordinate minimiser
 * `x_i = (-c_i + sqrt(c_i² + 4 Σ_ii b_i)) / (2 Σ_ii)`, `c_i = (Σx)_i - Σ_ii x_i`
 * (Griveau-Billion, Richard & Roncalli 2013, "A fast algorithm for computing high-dimensional risk
 * parity portfolios"), until `max_i |x_i (Σx)_i - b_i| ≤ tolerance · max b`.
 *
 * Throws {@link InvalidInputError} for non-positive budgets or a size mismatch,
 * {@link NonPositiveDefiniteCovarianceError} for a non-positive variance,
 * {@link SolverDidNotConvergeError} after `maxSweeps` sweeps.
 */
export function riskBudgeting(
  covariance: Float64Array,
  n: number,
  {
    budgets,
    tolerance = 1e-12,
    maxSweeps = 100_000,
  }: { budgets?: readonly number[]; tolerance?: number; maxSweeps?: number } = {},
): RiskParityResult {
  if (covariance.length !== n * n || n === 0) throw new InvalidInputError(`covariance is not ${n} x ${n}`);
  const b = new Float64Array(n);
  if (budgets) {
    if (budgets.length !== n) throw new InvalidInputError(`${budgets.length} budgets for ${n} assets`);
    let total = 0;
    budgets.forEach((v, i) => {
      if (!(v > 0) || !isFiniteNumber(v))
        throw new InvalidInputError(`budget ${i} must be positive, got ${v}`);
      total += v;
    });
    budgets.forEach((v, i) => (b[i] = v / total));
  } else b.fill(1 / n);
  let bMax = 0;
  for (let i = 0; i < n; i += 1) bMax = Math.max(bMax, b[i] as number);
  const x = new Float64Array(n);
  const sx = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const v = covariance[i * n + i] as number;
    if (!(v > 0)) throw new NonPositiveDefiniteCovarianceError(`variance of asset ${i} is ${v}`);
    x[i] = (b[i] as number) / Math.sqrt(v);
  }
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    for (let k = 0; k < n; k += 1) s += (covariance[i * n + k] as number) * (x[k] as number);
    sx[i] = s;
  }
  let sweeps = 0;
  for (;;) {
    let worst = 0;
    for (let i = 0; i < n; i += 1)
      worst = Math.max(worst, Math.abs((x[i] as number) * (sx[i] as number) - (b[i] as number)));
    if (worst <= tolerance * bMax) break;
    sweeps += 1;
    if (sweeps > maxSweeps) throw new SolverDidNotConvergeError('risk parity coordinate descent', maxSweeps);
    for (let i = 0; i < n; i += 1) {
      const row = i * n;
      const sii = covariance[row + i] as number;
      const xi = x[i] as number;
      const ci = (sx[i] as number) - sii * xi;
      const next = (-ci + Math.sqrt(ci * ci + 4 * sii * (b[i] as number))) / (2 * sii);
      const d = next - xi;
      if (d === 0) continue;
      x[i] = next;
      for (let k = 0; k < n; k += 1) sx[k] = (sx[k] as number) + d * (covariance[row + k] as number);
    }
    // Recompute Σx from scratch now and then so that the incremental updates do not drift.
    if (sweeps % 50 === 0) {
      for (let i = 0; i < n; i += 1) {
        let s = 0;
        for (let k = 0; k < n; k += 1) s += (covariance[i * n + k] as number) * (x[k] as number);
        sx[i] = s;
      }
    }
  }
  let total = 0;
  for (let i = 0; i < n; i += 1) total += x[i] as number;
  const weights = x.map((v) => v / total);
  return { weights, riskContributions: riskContributions(weights, covariance), sweeps };
}

/** Relative risk contributions `w_i (Σw)_i / wᵀΣw` (Euler decomposition of variance). */
export function riskContributions(weights: Float64Array, covariance: Float64Array): Float64Array {
  const n = weights.length;
  const out = new Float64Array(n);
  let variance = 0;
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    for (let k = 0; k < n; k += 1) s += (covariance[i * n + k] as number) * (weights[k] as number);
    out[i] = (weights[i] as number) * s;
    variance += out[i] as number;
  }
  for (let i = 0; i < n; i += 1) out[i] = (out[i] as number) / variance;
  return out;
}
