import { InfeasibleConstraintsError, InvalidInputError, NoAssetAboveRiskFreeRateError } from './errors';
import { type GeneralQp, type HighsLike, type LinearRow, solveGeneralQp } from './general-qp';
import { type MeanVarianceInput, type OptimizationResult, portfolioPerformance } from './mean-variance';

/**
 * Constraints beyond per-asset bounds and the budget, which the box QP cannot carry: they go to
 * the general path ({@link solveGeneralQp}, HiGHS). PyPortfolioOpt equivalents in brackets.
 */
export interface PortfolioConstraints {
  /** Group (sector, asset class) bounds on the summed weights of their members [`add_sector_constraints`]. */
  readonly groups?: readonly {
    readonly name: string;
    readonly members: readonly number[];
    readonly lower: number;
    readonly upper: number;
  }[];
  /** Current weights, for transaction costs and the turnover limit. */
  readonly currentWeights?: Float64Array;
  /** k of `k Σ|w - w_prev|` added to the objective [`objective_functions.transaction_cost`, k = 0.001]. */
  readonly transactionCost?: number;
  /** `Σ|w - w_prev| ≤ limit`. */
  readonly turnoverLimit?: number;
  /** Benchmark weights for the tracking-error limit. */
  readonly benchmarkWeights?: Float64Array;
  /** `sqrt((w - b)ᵀΣ(w - b)) ≤ limit` (annualised, as Σ). */
  readonly maxTrackingError?: number;
}

export type ConstrainedObjective =
  | { readonly kind: 'min-volatility' }
  | { readonly kind: 'max-quadratic-utility'; readonly riskAversion: number }
  | { readonly kind: 'efficient-return'; readonly targetReturn: number }
  | { readonly kind: 'efficient-risk'; readonly targetVolatility: number }
  | { readonly kind: 'max-sharpe' };

/** Whether any constraint needs the general path. */
export function needsGeneralSolver(c: PortfolioConstraints | undefined): boolean {
  if (!c) return false;
  return (
    (c.groups?.length ?? 0) > 0 ||
    c.transactionCost !== undefined ||
    c.turnoverLimit !== undefined ||
    c.maxTrackingError !== undefined
  );
}

function expand(v: number | readonly number[] | undefined, n: number, fallback: number): Float64Array {
  if (v === undefined) return new Float64Array(n).fill(fallback);
  if (typeof v === 'number') return new Float64Array(n).fill(v);
  if (v.length !== n) throw new InvalidInputError(`bounds have ${v.length} entries for ${n} assets`);
  return Float64Array.from(v);
}

function groupRows(c: PortfolioConstraints, n: number): LinearRow[] {
  return (c.groups ?? []).map((g) => {
    const coefficients = new Float64Array(n);
    for (const i of g.members) {
      if (!(i >= 0 && i < n)) throw new InvalidInputError(`group ${g.name}: member ${i} is out of range`);
      coefficients[i] = 1;
    }
    return { name: `group ${g.name}`, coefficients, lower: g.lower, upper: g.upper };
  });
}

function quadForm(sigma: Float64Array, x: Float64Array): number {
  const n = x.length;
  let v = 0;
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    for (let k = 0; k < n; k += 1) s += (sigma[i * n + k] as number) * (x[k] as number);
    v += (x[i] as number) * s;
  }
  return v;
}

/**
 * Mean-variance objectives under group bounds, transaction costs, a turnover limit and a
 * tracking-error limit, on HiGHS's convex QP solver. The objectives are PyPortfolioOpt's:
 * min volatility `wᵀΣw`, quadratic utility `wᵀμ - ½δ wᵀΣw`, efficient return (min volatility with
 * `wᵀμ ≥ r*`), efficient risk (regula falsi on log δ of the utility family until the volatility
 * meets the target), max Sharpe (the homogenised transformation of Cornuejols & Tütüncü, §8.2, with
 * bounds and groups scaled by κ); each plus `γ‖w‖²` and `k‖w - w_prev‖₁`.
 *
 * The tracking-error limit is quadratic, which HiGHS cannot take as a constraint: it enters as
 * the Lagrangian penalty `λ (w - b)ᵀΣ(w - b)`, with λ found by regula falsi until the tracking error
 * equals the limit (for a convex problem with a strictly feasible point, strong duality makes this
 * the constrained optimum; Boyd & Vandenberghe §5.5).
 *
 * Throws {@link InfeasibleConstraintsError} naming the constraints that conflict,
 * {@link NoAssetAboveRiskFreeRateError} for max Sharpe with no return above the risk-free rate,
 * {@link InvalidInputError} for combinations not offered (max Sharpe with costs, turnover or
 * tracking error; efficient risk with tracking error).
 */
export function optimizeWithConstraints(
  highs: HighsLike,
  objective: ConstrainedObjective,
  input: MeanVarianceInput,
  constraints: PortfolioConstraints,
  { riskFreeRate = 0.02, marketNeutral = false }: { riskFreeRate?: number; marketNeutral?: boolean } = {},
): OptimizationResult {
  const n = input.symbols.length;
  const sigma = input.covariance;
  const mu = input.expectedReturns;
  const gamma = input.l2Gamma ?? 0;
  const lower = expand(input.bounds?.lower, n, 0);
  const upper = expand(input.bounds?.upper, n, 1);
  const rows = groupRows(constraints, n);
  const budget = marketNeutral ? 0 : 1;
  if (marketNeutral && lower.every((l) => l >= 0)) {
    throw new InfeasibleConstraintsError(
      'market neutrality (weights sum to 0) requires negative lower bounds',
    );
  }
  if (objective.kind !== 'min-volatility' && !mu)
    throw new InvalidInputError(`${objective.kind} needs expected returns`);
  let solves = 0;
  const base = (
    delta: number,
    c: Float64Array,
    extraRows: readonly LinearRow[] = [],
    te?: { lambda: number; b: Float64Array },
  ): GeneralQp => {
    const q = new Float64Array(n * n);
    const cc = Float64Array.from(c);
    const lambda = te?.lambda ?? 0;
    for (let k = 0; k < n * n; k += 1) q[k] = (delta + 2 * lambda) * (sigma[k] as number);
    for (let i = 0; i < n; i += 1) q[i * n + i] = (q[i * n + i] as number) + 2 * gamma;
    if (te && lambda > 0) {
      for (let i = 0; i < n; i += 1) {
        let s = 0;
        for (let k = 0; k < n; k += 1) s += (sigma[i * n + k] as number) * (te.b[k] as number);
        cc[i] = (cc[i] as number) - 2 * lambda * s;
      }
    }
    return {
      n,
      q,
      c: cc,
      budget,
      lower,
      upper,
      rows: [...rows, ...extraRows],
      ...(constraints.currentWeights ? { currentWeights: constraints.currentWeights } : {}),
      ...(constraints.transactionCost !== undefined ? { transactionCost: constraints.transactionCost } : {}),
      ...(constraints.turnoverLimit !== undefined ? { turnoverLimit: constraints.turnoverLimit } : {}),
    };
  };
  const solve = (p: GeneralQp): Float64Array => {
    solves += 1;
    return solveGeneralQp(highs, p);
  };
  const negMu = (): Float64Array => (mu as Float64Array).map((m) => -m);
  const withTrackingError = (
    build: (te?: { lambda: number; b: Float64Array }) => GeneralQp,
  ): Float64Array => {
    const limit = constraints.maxTrackingError;
    if (limit === undefined) return solve(build());
    const b = constraints.benchmarkWeights;
    if (!b) throw new InvalidInputError('a tracking-error limit needs benchmark weights');
    if (!(limit > 0)) throw new InvalidInputError(`tracking-error limit must be positive, got ${limit}`);
    const te = (w: Float64Array): number =>
      Math.sqrt(
        Math.max(
          0,
          quadForm(
            sigma,
            w.map((x, i) => x - (b[i] as number)),
          ),
        ),
      );
    const free = solve(build());
    let fLo = te(free) - limit;
    if (fLo <= 0) return free;
    let lo = 0;
    let hi = 1;
    let hiSol = solve(build({ lambda: hi, b }));
    let fHi = te(hiSol) - limit;
    while (fHi > 0) {
      lo = hi;
      fLo = fHi;
      hi *= 10;
      if (hi > 1e12) {
        throw new InfeasibleConstraintsError(
          `tracking error <= ${limit} against the benchmark cannot hold with the other constraints (least attainable ${te(hiSol)})`,
        );
      }
      hiSol = solve(build({ lambda: hi, b }));
      fHi = te(hiSol) - limit;
    }
    // Illinois regula falsi on f(λ) = tracking error - limit (decreasing), keeping the bracket.
    let best = hiSol;
    let side = 0;
    for (let k = 0; k < 100 && hi - lo > 1e-12 * hi; k += 1) {
      let mid = hi - (fHi * (hi - lo)) / (fHi - fLo);
      if (!(mid > lo && mid < hi)) mid = 0.5 * (lo + hi);
      const sol = solve(build({ lambda: mid, b }));
      const f = te(sol) - limit;
      if (Math.abs(f) <= 1e-10 * limit) {
        best = sol;
        break;
      }
      if (f > 0) {
        lo = mid;
        fLo = f;
        if (side === -1) fHi /= 2;
        side = -1;
      } else {
        hi = mid;
        fHi = f;
        best = sol;
        if (side === 1) fLo /= 2;
        side = 1;
      }
    }
    return best;
  };
  let weights: Float64Array;
  switch (objective.kind) {
    case 'min-volatility':
      weights = withTrackingError((te) => base(2, new Float64Array(n), [], te));
      break;
    case 'max-quadratic-utility':
      if (!(objective.riskAversion > 0))
        throw new InvalidInputError(`risk aversion must be positive, got ${objective.riskAversion}`);
      weights = withTrackingError((te) => base(objective.riskAversion, negMu(), [], te));
      break;
    case 'efficient-return': {
      const row: LinearRow = {
        name: `target return ${objective.targetReturn}`,
        coefficients: Float64Array.from(mu as Float64Array),
        lower: objective.targetReturn,
        upper: Infinity,
      };
      weights = withTrackingError((te) => base(2, new Float64Array(n), [row], te));
      break;
    }
    case 'efficient-risk': {
      if (constraints.maxTrackingError !== undefined) {
        throw new InvalidInputError(
          'efficient-risk with a tracking-error limit is not offered (two quadratic limits)',
        );
      }
      const target = objective.targetVolatility ** 2;
      const at = (logDelta: number): Float64Array => solve(base(Math.exp(logDelta), negMu()));
      let lo = Math.log(1e-8);
      let hi = Math.log(1e8);
      const loSol = at(lo);
      if (quadForm(sigma, loSol) <= target) {
        weights = loSol;
        break;
      }
      let best = at(hi);
      if (quadForm(sigma, best) > target * (1 + 1e-9)) {
        throw new InfeasibleConstraintsError(
          `target volatility ${objective.targetVolatility} is below the minimum attainable ${Math.sqrt(quadForm(sigma, best))} under the constraints`,
        );
      }
      // Illinois regula falsi on f(log δ) = variance - target (decreasing), keeping the bracket:
      // superlinear on the smooth pieces, never leaving [lo, hi] (Dowell & Jarratt 1971).
      let fLo = quadForm(sigma, loSol) - target;
      let fHi = quadForm(sigma, best) - target;
      let side = 0;
      for (let k = 0; k < 100 && hi - lo > 1e-12; k += 1) {
        let mid = hi - (fHi * (hi - lo)) / (fHi - fLo);
        if (!(mid > lo && mid < hi)) mid = 0.5 * (lo + hi);
        const sol = at(mid);
        const f = quadForm(sigma, sol) - target;
        if (Math.abs(f) <= 1e-10 * target) {
          best = sol;
          break;
        }
        if (f > 0) {
          lo = mid;
          fLo = f;
          if (side === -1) fHi /= 2;
          side = -1;
        } else {
          hi = mid;
          fHi = f;
          best = sol;
          if (side === 1) fLo /= 2;
          side = 1;
        }
      }
      weights = best;
      break;
    }
    case 'max-sharpe':
      weights = maxSharpeHomogenised(
        highs,
        constraints,
        sigma,
        mu as Float64Array,
        gamma,
        lower,
        upper,
        rows,
        riskFreeRate,
        marketNeutral,
      );
      solves += 2;
      break;
  }
  return {
    symbols: input.symbols,
    weights,
    performance: portfolioPerformance(weights, sigma, mu, riskFreeRate),
    diagnostics: { solver: 'highs-qp', iterations: solves, warnings: [] },
  };
}

/**
 * Max Sharpe under bounds and groups: with `y = κw`, κ > 0, minimise `yᵀΣy + γ‖y‖²` subject to
 * `(μ - r_f)ᵀy = 1`, `Σy = κ`, `l κ ≤ y ≤ u κ` and `L_g κ ≤ Σ_g y ≤ U_g κ`; then `w = y/κ`
 * (PyPortfolioOpt `EfficientFrontier.max_sharpe`, which scales every constraint the same way).
 * The untransformed constraints are checked first so that an infeasible set is reported by name.
 */
function maxSharpeHomogenised(
  highs: HighsLike,
  constraints: PortfolioConstraints,
  sigma: Float64Array,
  mu: Float64Array,
  gamma: number,
  lower: Float64Array,
  upper: Float64Array,
  rows: readonly LinearRow[],
  riskFreeRate: number,
  marketNeutral: boolean,
): Float64Array {
  const n = mu.length;
  if (
    marketNeutral ||
    constraints.transactionCost !== undefined ||
    constraints.turnoverLimit !== undefined ||
    constraints.maxTrackingError !== undefined
  ) {
    throw new InvalidInputError(
      'max-sharpe takes bounds and group bounds only (costs, turnover, tracking error and market neutrality break its homogenisation); use efficient-risk or max-quadratic-utility',
    );
  }
  let best = -Infinity;
  for (const m of mu) best = Math.max(best, m);
  if (!(best > riskFreeRate)) throw new NoAssetAboveRiskFreeRateError(riskFreeRate, best);
  // Feasibility of the original constraints, with their names.
  solveGeneralQp(highs, {
    n,
    q: new Float64Array(n * n),
    c: new Float64Array(n),
    budget: 1,
    lower,
    upper,
    rows,
  });
  const m = n + 1;
  const q = new Float64Array(m * m);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) q[i * m + j] = 2 * (sigma[i * n + j] as number);
    q[i * m + i] = (q[i * m + i] as number) + 2 * gamma;
  }
  const hRows: LinearRow[] = [];
  const row = (name: string, fill: (a: Float64Array) => void, lo: number, hi: number): void => {
    const a = new Float64Array(m);
    fill(a);
    hRows.push({ name, coefficients: a, lower: lo, upper: hi });
  };
  row('excess return', (a) => mu.forEach((v, i) => (a[i] = v - riskFreeRate)), 1, 1);
  row(
    'budget',
    (a) => {
      for (let i = 0; i < n; i += 1) a[i] = 1;
      a[n] = -1;
    },
    0,
    0,
  );
  for (let i = 0; i < n; i += 1) {
    const l = lower[i] as number;
    const u = upper[i] as number;
    if (Number.isFinite(l)) row(`lower ${i}`, (a) => ((a[i] = 1), (a[n] = -l)), 0, Infinity);
    if (Number.isFinite(u)) row(`upper ${i}`, (a) => ((a[i] = 1), (a[n] = -u)), -Infinity, 0);
  }
  for (const g of rows) {
    if (Number.isFinite(g.lower))
      row(`${g.name} lower`, (a) => (a.set(g.coefficients), (a[n] = -g.lower)), 0, Infinity);
    if (Number.isFinite(g.upper))
      row(`${g.name} upper`, (a) => (a.set(g.coefficients), (a[n] = -g.upper)), -Infinity, 0);
  }
  const yl = new Float64Array(m).fill(-Infinity);
  const yu = new Float64Array(m).fill(Infinity);
  yl[n] = 0;
  const y = solveGeneralQp(highs, {
    n: m,
    q,
    c: new Float64Array(m),
    budget: undefined,
    lower: yl,
    upper: yu,
    rows: hRows,
  });
  const kappa = y[n] as number;
  if (!(kappa > 0))
    throw new InfeasibleConstraintsError('max-sharpe: the tangency portfolio has a non-positive gross sum');
  return Float64Array.from({ length: n }, (_, i) => (y[i] as number) / kappa);
}
