import { isMissing, isFiniteNumber } from './numbers';
import { type BoxQp, type BoxQpSolution, solveBoxQp } from './active-set-qp';
import { InfeasibleConstraintsError, InvalidInputError, NoAssetAboveRiskFreeRateError } from './errors';

/** Bounds on every weight: one pair for all assets, or one value per asset. */
export interface WeightBounds {
  /** Default 0 (long only); `-Infinity` for unbounded shorts. */
  lower?: number | readonly number[];
  /** Default 1; `Infinity` for no upper bound. */
  upper?: number | readonly number[];
}

/** Inputs shared by every mean-variance objective. Annualised figures, PyPortfolioOpt conventions. */
export interface MeanVarianceInput {
  readonly symbols: readonly string[];
  /** `n x n` row-major covariance (annualised). */
  readonly covariance: Float64Array;
  /** Annualised expected returns; required by every objective except minimum volatility. */
  readonly expectedReturns?: Float64Array;
  readonly bounds?: WeightBounds;
  /**
   * L2 regularisation `γ Σ w_i²` added to the objective (PyPortfolioOpt `objective_functions.L2_reg`);
   * 0 by default. It pulls weights towards equal weight and keeps the problem strictly convex.
   */
  readonly l2Gamma?: number;
}

export interface PortfolioPerformance {
  /** `wᵀμ`; undefined without expected returns. */
  readonly expectedReturn: number | undefined;
  /** `sqrt(wᵀΣw)`. */
  readonly volatility: number;
  /** `(wᵀμ - r_f) / σ`; undefined without expected returns. */
  readonly sharpe: number | undefined;
}

export interface OptimizationResult {
  readonly symbols: readonly string[];
  readonly weights: Float64Array;
  readonly performance: PortfolioPerformance;
  readonly diagnostics: {
    readonly solver: string;
    /** Active-set iterations summed over every QP solved (parametric searches solve several). */
    readonly iterations: number;
    readonly warnings: readonly string[];
  };
}

interface Prepared {
  n: number;
  sigma: Float64Array;
  mu: Float64Array | undefined;
  lower: Float64Array;
  upper: Float64Array;
  gamma: number;
}

function expand(
  what: string,
  v: number | readonly number[] | undefined,
  n: number,
  fallback: number,
): Float64Array {
  if (v === undefined) return new Float64Array(n).fill(fallback);
  if (typeof v === 'number') {
    if (isMissing(v)) throw new InvalidInputError(`${what} bound is NaN`);
    return new Float64Array(n).fill(v);
  }
  if (v.length !== n) throw new InvalidInputError(`${what} bounds have ${v.length} entries for ${n} assets`);
  const out = Float64Array.from(v);
  if (out.some((x) => isMissing(x))) throw new InvalidInputError(`${what} bound is NaN`);
  return out;
}

function prepare(input: MeanVarianceInput, needReturns: boolean): Prepared {
  const n = input.symbols.length;
  if (n === 0) throw new InvalidInputError('no asset');
  if (input.covariance.length !== n * n) {
    throw new InvalidInputError(`covariance has ${input.covariance.length} entries, expected ${n * n}`);
  }
  for (let k = 0; k < n * n; k += 1) {
    if (!isFiniteNumber(input.covariance[k] as number))
      throw new InvalidInputError('covariance is not finite');
  }
  const mu = input.expectedReturns;
  if (needReturns && !mu) throw new InvalidInputError('this objective needs expected returns');
  if (mu) {
    if (mu.length !== n) throw new InvalidInputError(`${mu.length} expected returns for ${n} assets`);
    const bad = input.symbols.filter((_, i) => !isFiniteNumber(mu[i] as number));
    if (bad.length > 0) {
      // Usually prices read as returns: compounding 100 + 1 per period overflows to Infinity.
      throw new InvalidInputError(
        `expected returns are not finite for ${bad.join(', ')}${bad.length === n ? ' (were prices given as returns?)' : ''}`,
      );
    }
  }
  const gamma = input.l2Gamma ?? 0;
  if (!(gamma >= 0) || !isFiniteNumber(gamma))
    throw new InvalidInputError(`l2Gamma must be >= 0, got ${gamma}`);
  return {
    n,
    sigma: input.covariance,
    mu,
    lower: expand('lower', input.bounds?.lower, n, 0),
    upper: expand('upper', input.bounds?.upper, n, 1),
    gamma,
  };
}

/** `δΣ + 2γI` (the Hessian of `½ δ wᵀΣw + γ‖w‖²`), row-major. */
function hessian(p: Prepared, delta: number): Float64Array {
  const { n, sigma, gamma } = p;
  const q = new Float64Array(n * n);
  for (let k = 0; k < n * n; k += 1) q[k] = delta * (sigma[k] as number);
  for (let i = 0; i < n; i += 1) q[i * n + i] = (q[i * n + i] as number) + 2 * gamma;
  return q;
}

function budgetQp(p: Prepared, q: Float64Array, c: Float64Array, budget: number): BoxQp {
  return { n: p.n, q, c, a: new Float64Array(p.n).fill(1), b: budget, lower: p.lower, upper: p.upper };
}

/**
 * `wᵀμ`, `sqrt(wᵀΣw)` and `(wᵀμ - r_f)/σ`, as PyPortfolioOpt `base_optimizer.portfolio_performance`
 * (risk-free rate 0.02 by default, annualised inputs).
 */
export function portfolioPerformance(
  weights: Float64Array,
  covariance: Float64Array,
  expectedReturns?: Float64Array,
  riskFreeRate = 0.02,
): PortfolioPerformance {
  const n = weights.length;
  let variance = 0;
  for (let i = 0; i < n; i += 1) {
    const wi = weights[i] as number;
    if (wi === 0) continue;
    let s = 0;
    const row = i * n;
    for (let k = 0; k < n; k += 1) s += (covariance[row + k] as number) * (weights[k] as number);
    variance += wi * s;
  }
  const volatility = Math.sqrt(Math.max(variance, 0));
  if (!expectedReturns) return { expectedReturn: undefined, volatility, sharpe: undefined };
  let ret = 0;
  for (let i = 0; i < n; i += 1) ret += (weights[i] as number) * (expectedReturns[i] as number);
  return { expectedReturn: ret, volatility, sharpe: (ret - riskFreeRate) / volatility };
}

function result(
  input: MeanVarianceInput,
  weights: Float64Array,
  iterations: number,
  riskFreeRate: number,
  warnings: string[] = [],
): OptimizationResult {
  return {
    symbols: input.symbols,
    weights,
    performance: portfolioPerformance(weights, input.covariance, input.expectedReturns, riskFreeRate),
    diagnostics: { solver: 'active-set', iterations, warnings },
  };
}

function marketNeutralCheck(p: Prepared): void {
  if (p.lower.every((l) => l >= 0)) {
    throw new InfeasibleConstraintsError(
      'market neutrality (weights sum to 0) requires negative lower bounds',
    );
  }
}

/**
 * Minimum-volatility portfolio: minimise `wᵀΣw + γ‖w‖²` subject to `Σw = 1` and the bounds
 * (PyPortfolioOpt `EfficientFrontier.min_volatility`; Markowitz 1952). Expected returns, when
 * given, are used only for the reported performance (risk-free 0.02 by default).
 *
 * Throws {@link InfeasibleConstraintsError} when the bounds cannot sum to 1,
 * {@link NonPositiveDefiniteCovarianceError} for a singular covariance without an L2 term.
 */
export function minVolatility(input: MeanVarianceInput, { riskFreeRate = 0.02 } = {}): OptimizationResult {
  const p = prepare(input, false);
  const sol = solveBoxQp(budgetQp(p, hessian(p, 2), new Float64Array(p.n), 1));
  return result(input, sol.x, sol.iterations, riskFreeRate);
}

/**
 * Maximum quadratic utility `wᵀμ - ½ δ wᵀΣw - γ‖w‖²` subject to `Σw = 1` (or 0 when market
 * neutral) and the bounds; δ = `riskAversion` (1 by default). PyPortfolioOpt
 * `EfficientFrontier.max_quadratic_utility`.
 *
 * Throws {@link InvalidInputError} for a non-positive risk aversion, plus the errors of
 * {@link minVolatility}.
 */
export function maxQuadraticUtility(
  input: MeanVarianceInput,
  { riskAversion = 1, marketNeutral = false, riskFreeRate = 0.02 } = {},
): OptimizationResult {
  if (!(riskAversion > 0)) throw new InvalidInputError(`risk aversion must be positive, got ${riskAversion}`);
  const p = prepare(input, true);
  if (marketNeutral) marketNeutralCheck(p);
  const sol = utilitySolve(p, riskAversion, marketNeutral ? 0 : 1);
  return result(input, sol.x, sol.iterations, riskFreeRate);
}

function utilitySolve(p: Prepared, delta: number, budget: number): BoxQpSolution {
  const c = new Float64Array(p.n);
  const mu = p.mu as Float64Array;
  for (let i = 0; i < p.n; i += 1) c[i] = -(mu[i] as number);
  return solveBoxQp(budgetQp(p, hessian(p, delta), c, budget));
}

function quadForm(sigma: Float64Array, w: Float64Array): number {
  const n = w.length;
  let v = 0;
  for (let i = 0; i < n; i += 1) {
    const wi = w[i] as number;
    if (wi === 0) continue;
    let s = 0;
    for (let k = 0; k < n; k += 1) s += (sigma[i * n + k] as number) * (w[k] as number);
    v += wi * s;
  }
  return v;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Efficient risk: maximise `wᵀμ - γ‖w‖²` subject to `wᵀΣw ≤ σ*²`, the budget and the bounds
 * (PyPortfolioOpt `EfficientFrontier.efficient_risk`). Solved as the quadratic-utility family
 * `max wᵀμ - ½δ wᵀΣw - γ‖w‖²`, whose volatility falls as δ grows (the Lagrangian of the risk
 * constraint), with bisection on log δ until the volatility equals the target to 1e-12 relative.
 * When even the unconstrained-risk optimum is below the target, that optimum is returned.
 *
 * Throws {@link InfeasibleConstraintsError} when the target is below the minimum attainable
 * volatility, plus the errors of {@link minVolatility}.
 */
export function efficientRisk(
  input: MeanVarianceInput,
  targetVolatility: number,
  { marketNeutral = false, riskFreeRate = 0.02 } = {},
): OptimizationResult {
  if (!(targetVolatility > 0))
    throw new InvalidInputError(`target volatility must be positive, got ${targetVolatility}`);
  const p = prepare(input, true);
  if (marketNeutral) marketNeutralCheck(p);
  const budget = marketNeutral ? 0 : 1;
  const target = targetVolatility * targetVolatility;
  let iterations = 0;
  const at = (logDelta: number): BoxQpSolution => {
    const sol = utilitySolve(p, Math.exp(logDelta), budget);
    iterations += sol.iterations;
    return sol;
  };
  let lo = Math.log(1e-8);
  let hi = Math.log(1e8);
  const loSol = at(lo);
  if (quadForm(p.sigma, loSol.x) <= target) return result(input, loSol.x, iterations, riskFreeRate);
  const hiSol = at(hi);
  if (quadForm(p.sigma, hiSol.x) > target) {
    throw new InfeasibleConstraintsError(
      `target volatility ${targetVolatility} is below the minimum attainable ${Math.sqrt(quadForm(p.sigma, hiSol.x))}`,
    );
  }
  let best = hiSol;
  for (let k = 0; k < 200; k += 1) {
    const mid = 0.5 * (lo + hi);
    const sol = at(mid);
    const v = quadForm(p.sigma, sol.x);
    if (v > target) lo = mid;
    else {
      hi = mid;
      best = sol;
    }
    if (Math.abs(v - target) <= 1e-12 * target) {
      best = sol;
      break;
    }
    if (hi - lo < 1e-15) break;
  }
  return result(input, best.x, iterations, riskFreeRate);
}

/**
 * Efficient return: minimise `wᵀΣw + γ‖w‖²` subject to `wᵀμ ≥ r*`, the budget and the bounds
 * (PyPortfolioOpt `EfficientFrontier.efficient_return`). Solved on the family
 * `min wᵀ(Σ + γI)w - t wᵀμ`, t ≥ 0 the multiplier of the return constraint, whose return rises
 * with t, with bisection on t until the return equals the target to 1e-12.
 *
 * Throws {@link InfeasibleConstraintsError} when no feasible portfolio reaches the target.
 */
export function efficientReturn(
  input: MeanVarianceInput,
  targetReturn: number,
  { marketNeutral = false, riskFreeRate = 0.02 } = {},
): OptimizationResult {
  if (!isFiniteNumber(targetReturn))
    throw new InvalidInputError(`target return must be finite, got ${targetReturn}`);
  const p = prepare(input, true);
  if (marketNeutral) marketNeutralCheck(p);
  const budget = marketNeutral ? 0 : 1;
  const mu = p.mu as Float64Array;
  const q = hessian(p, 2);
  let iterations = 0;
  const at = (t: number): BoxQpSolution => {
    const c = new Float64Array(p.n);
    for (let i = 0; i < p.n; i += 1) c[i] = -t * (mu[i] as number);
    const sol = solveBoxQp(budgetQp(p, q, c, budget));
    iterations += sol.iterations;
    return sol;
  };
  const zero = at(0);
  if (dot(zero.x, mu) >= targetReturn) return result(input, zero.x, iterations, riskFreeRate);
  let lo = 0;
  let hi = 1;
  let hiSol = at(hi);
  while (dot(hiSol.x, mu) < targetReturn) {
    lo = hi;
    hi *= 4;
    if (hi > 1e12) {
      throw new InfeasibleConstraintsError(
        `target return ${targetReturn} is above the maximum attainable ${dot(hiSol.x, mu)} under the bounds`,
      );
    }
    hiSol = at(hi);
  }
  let best = hiSol;
  for (let k = 0; k < 200; k += 1) {
    const mid = 0.5 * (lo + hi);
    const sol = at(mid);
    const r = dot(sol.x, mu);
    if (r < targetReturn) lo = mid;
    else {
      hi = mid;
      best = sol;
    }
    if (Math.abs(r - targetReturn) <= 1e-12 * Math.max(1, Math.abs(targetReturn))) {
      best = sol;
      break;
    }
    if (hi - lo <= 1e-15 * hi) break;
  }
  return result(input, best.x, iterations, riskFreeRate);
}

/**
 * Maximum Sharpe ratio `(wᵀμ - r_f)/sqrt(wᵀΣw)` subject to `Σw = 1` and the bounds.
 *
 * Long-only bounds [0, u] with u ≥ 1, and unbounded long-short, use the variable transformation of
 * Cornuejols & Tütüncü (Optimization Methods in Finance, 2007, §8.2), as PyPortfolioOpt
 * `EfficientFrontier.max_sharpe`: minimise `yᵀΣy + γ‖y‖²` subject to `(μ - r_f)ᵀy = 1` and the
 * transformed bounds, then `w = y / Σy`; the L2 term, if any, therefore acts on `y` exactly as in
 * PyPortfolioOpt. Other bounds are searched on the frontier (golden section on log δ of the
 * quadratic-utility family, which is unimodal in Sharpe ratio) — exact without an L2 term; with
 * one it maximises the Sharpe ratio along the regularised frontier, which can differ from
 * PyPortfolioOpt's transformed objective.
 *
 * Throws {@link NoAssetAboveRiskFreeRateError} when no expected return exceeds `riskFreeRate`,
 * {@link InfeasibleConstraintsError} when the unbounded tangency portfolio has a non-positive sum.
 */
export function maxSharpe(input: MeanVarianceInput, { riskFreeRate = 0.02 } = {}): OptimizationResult {
  const p = prepare(input, true);
  const mu = p.mu as Float64Array;
  let best = -Infinity;
  for (let i = 0; i < p.n; i += 1) best = Math.max(best, mu[i] as number);
  if (!(best > riskFreeRate)) throw new NoAssetAboveRiskFreeRateError(riskFreeRate, best);
  const longOnly = p.lower.every((l) => l === 0) && p.upper.every((u) => u >= 1);
  const unbounded = p.lower.every((l) => l === -Infinity) && p.upper.every((u) => u === Infinity);
  if (longOnly || unbounded) {
    const excess = new Float64Array(p.n);
    for (let i = 0; i < p.n; i += 1) excess[i] = (mu[i] as number) - riskFreeRate;
    const sol = solveBoxQp({
      n: p.n,
      q: hessian(p, 2),
      c: new Float64Array(p.n),
      a: excess,
      b: 1,
      lower: new Float64Array(p.n).fill(longOnly ? 0 : -Infinity),
      upper: new Float64Array(p.n).fill(Infinity),
    });
    let k = 0;
    for (let i = 0; i < p.n; i += 1) k += sol.x[i] as number;
    if (!(k > 0)) {
      throw new InfeasibleConstraintsError('max-sharpe: the tangency portfolio has a non-positive gross sum');
    }
    const w = sol.x.map((y) => y / k);
    return result(input, w, sol.iterations, riskFreeRate);
  }
  let iterations = 0;
  const sharpeAt = (logDelta: number): { s: number; w: Float64Array } => {
    const sol = utilitySolve(p, Math.exp(logDelta), 1);
    iterations += sol.iterations;
    const perf = portfolioPerformance(sol.x, p.sigma, mu, riskFreeRate);
    return { s: perf.sharpe ?? -Infinity, w: sol.x };
  };
  // Coarse scan first: the Sharpe ratio is flat at both ends of the family (the max-return vertex
  // for small δ, the min-variance portfolio for large δ), which would mislead a bare golden section.
  const lo = Math.log(1e-6);
  const hi = Math.log(1e6);
  const grid = 48;
  let bestK = 0;
  let bestS = -Infinity;
  for (let k = 0; k <= grid; k += 1) {
    const v = sharpeAt(lo + ((hi - lo) * k) / grid).s;
    if (v > bestS) {
      bestS = v;
      bestK = k;
    }
  }
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo + ((hi - lo) * Math.max(0, bestK - 1)) / grid;
  let b = lo + ((hi - lo) * Math.min(grid, bestK + 1)) / grid;
  let x1 = b - phi * (b - a);
  let x2 = a + phi * (b - a);
  let f1 = sharpeAt(x1);
  let f2 = sharpeAt(x2);
  while (b - a > 1e-10) {
    if (f1.s < f2.s) {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + phi * (b - a);
      f2 = sharpeAt(x2);
    } else {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - phi * (b - a);
      f1 = sharpeAt(x1);
    }
  }
  const w = f1.s >= f2.s ? f1.w : f2.w;
  return result(input, w, iterations, riskFreeRate, ['max-sharpe: general bounds solved by frontier search']);
}
