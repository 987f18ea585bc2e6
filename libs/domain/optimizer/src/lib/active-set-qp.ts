import {
  InfeasibleConstraintsError,
  NonPositiveDefiniteCovarianceError,
  SolverDidNotConvergeError,
} from './errors';

/**
 * Convex QP with one linear equality and box bounds:
 *
 *     minimise ½ xᵀQx + cᵀx   subject to   aᵀx = b,   lower ≤ x ≤ upper
 *
 * `Q` is `n x n` row-major, symmetric, and positive definite on every subset of free variables
 * the method visits (a covariance with full rank, or any covariance plus an L2 term). Bounds may be
 * ±Infinity. Box constraints are handled as bounds, never as dense inequality rows.
 */
export interface BoxQp {
  readonly n: number;
  readonly q: Float64Array;
  readonly c: Float64Array;
  readonly a: Float64Array;
  readonly b: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

export interface BoxQpSolution {
  readonly x: Float64Array;
  /** Multiplier of the equality: `Qx + c + ν a = z` with `z` the bound multipliers. */
  readonly nu: number;
  readonly iterations: number;
  /** Number of variables strictly between their bounds at the solution. */
  readonly freeCount: number;
}

const AT_LOWER = 0;
const FREE = 1;
const AT_UPPER = 2;

/**
 * Primal active-set method (Nocedal & Wright, Numerical Optimization, 2nd ed., Alg. 16.3)
 * specialised to bounds plus one equality. The working set is the set of variables held at a
 * bound; the equality-constrained sub-problem on the free variables is solved with a Cholesky
 * factor of `Q_FF` that is grown by one row when a variable is released (O(|F|²)) and downdated
 * by a rank-one update when a variable hits a bound (O(|F|²)), so a solve costs about
 * `k³/3 + n k²` flops for `k` free variables at the optimum, not one factorisation per iteration.
 *
 * The start is a vertex-like feasible point (every variable at its bound nearest zero, the
 * equality absorbed greedily by the variables with the largest |a_i|), so long-only problems start
 * with one free variable and release assets one at a time.
 *
 * Throws {@link InfeasibleConstraintsError} when the bounds cannot meet `aᵀx = b`,
 * {@link NonPositiveDefiniteCovarianceError} when `Q_FF` is singular for a visited free set,
 * {@link SolverDidNotConvergeError} past `maxIterations` (default `50 n + 1000`).
 */
export function solveBoxQp(p: BoxQp, maxIterations = 50 * p.n + 1000): BoxQpSolution {
  const { n, q, c, a, lower, upper } = p;
  const x = new Float64Array(n);
  const status = new Uint8Array(n);
  const start = feasibleStart(p, x);

  let scale = 1;
  for (let i = 0; i < n; i += 1)
    scale = Math.max(scale, Math.abs(q[i * n + i] as number), Math.abs(c[i] as number));
  const tol = 1e-12 * scale;

  const free = new Int32Array(n);
  let m = 0;
  const L = new Float64Array(n * n);
  const work = new Float64Array(n);
  const h = new Float64Array(n);
  const s = new Float64Array(n);
  const step = new Float64Array(n);

  const append = (j: number): void => {
    // New row of L: solve L y = Q[F, j], then the pivot sqrt(Q_jj - yᵀy).
    let dot = 0;
    for (let r = 0; r < m; r += 1) {
      let v = q[(free[r] as number) * n + j] as number;
      const lr = r * n;
      for (let k = 0; k < r; k += 1) v -= (L[lr + k] as number) * (L[m * n + k] as number);
      v /= L[lr + r] as number;
      L[m * n + r] = v;
      dot += v * v;
    }
    const d = (q[j * n + j] as number) - dot;
    if (!(d > 1e-13 * Math.abs(q[j * n + j] as number))) {
      throw new NonPositiveDefiniteCovarianceError(
        `singular on the free set of ${m + 1} assets (pivot ${d.toExponential(3)}); add an L2 term or use a shrinkage risk model`,
      );
    }
    L[m * n + m] = Math.sqrt(d);
    free[m] = j;
    status[j] = FREE;
    m += 1;
  };

  const remove = (pos: number): void => {
    // Delete row/column `pos`; the trailing block absorbs the removed column by a rank-one update.
    const v = work;
    const tail = m - pos - 1;
    for (let r = 0; r < tail; r += 1) v[r] = L[(pos + 1 + r) * n + pos] as number;
    for (let i = pos + 1; i < m; i += 1) {
      const src = i * n;
      const dst = (i - 1) * n;
      for (let col = 0; col < pos; col += 1) L[dst + col] = L[src + col] as number;
      for (let col = pos + 1; col <= i; col += 1) L[dst + col - 1] = L[src + col] as number;
    }
    for (let k = 0; k < tail; k += 1) {
      const kk = (pos + k) * n + pos + k;
      const lkk = L[kk] as number;
      const vk = v[k] as number;
      const r = Math.hypot(lkk, vk);
      const cs = r / lkk;
      const sn = vk / lkk;
      L[kk] = r;
      for (let i = k + 1; i < tail; i += 1) {
        const idx = (pos + i) * n + pos + k;
        const li = ((L[idx] as number) + sn * (v[i] as number)) / cs;
        L[idx] = li;
        v[i] = cs * (v[i] as number) - sn * li;
      }
    }
    for (let r = pos; r < m - 1; r += 1) free[r] = free[r + 1] as number;
    m -= 1;
  };

  const solveInPlace = (v: Float64Array): void => {
    for (let r = 0; r < m; r += 1) {
      let t = v[r] as number;
      const lr = r * n;
      for (let k = 0; k < r; k += 1) t -= (L[lr + k] as number) * (v[k] as number);
      v[r] = t / (L[lr + r] as number);
    }
    for (let r = m - 1; r >= 0; r -= 1) {
      let t = v[r] as number;
      for (let k = r + 1; k < m; k += 1) t -= (L[k * n + r] as number) * (v[k] as number);
      v[r] = t / (L[r * n + r] as number);
    }
  };

  for (let i = 0; i < n; i += 1) {
    const xi = x[i] as number;
    status[i] = xi === lower[i] ? AT_LOWER : xi === upper[i] ? AT_UPPER : FREE;
  }
  for (let i = 0; i < n; i += 1) if (status[i] === FREE) append(i);
  if (m === 0 && start >= 0) append(start);

  const g = new Float64Array(n);
  const refreshGradient = (): void => {
    for (let i = 0; i < n; i += 1) {
      let t = c[i] as number;
      const row = i * n;
      for (let k = 0; k < n; k += 1) t += (q[row + k] as number) * (x[k] as number);
      g[i] = t;
    }
  };
  refreshGradient();

  let nu = 0;
  let stationary = false;
  let refreshed = false;
  let iterations = 0;
  for (;;) {
    iterations += 1;
    if (iterations > maxIterations) throw new SolverDidNotConvergeError('active-set QP', maxIterations);
    if (m === 0) break;
    // Equality-constrained step on the free set: Q_FF p + ν a_F = -g_F, a_Fᵀp = 0.
    for (let r = 0; r < m; r += 1) {
      const i = free[r] as number;
      h[r] = g[i] as number;
      s[r] = a[i] as number;
    }
    solveInPlace(h);
    solveInPlace(s);
    let ah = 0;
    let as = 0;
    for (let r = 0; r < m; r += 1) {
      const ai = a[free[r] as number] as number;
      ah += ai * (h[r] as number);
      as += ai * (s[r] as number);
    }
    nu = as > 0 ? -ah / as : 0;
    if (!stationary) {
      let alpha = 1;
      let blocking = -1;
      for (let r = 0; r < m; r += 1) {
        const hr = h[r] as number;
        const nsr = nu * (s[r] as number);
        let pr = -(hr + nsr);
        // A component that is pure cancellation noise (e.g. the lone free variable, whose step the
        // equality pins to zero) must not block the step at a bound.
        if (Math.abs(pr) <= 1e-13 * (Math.abs(hr) + Math.abs(nsr))) pr = 0;
        step[r] = pr;
        const i = free[r] as number;
        if (pr < 0 && (lower[i] as number) > -Infinity) {
          const amax = ((lower[i] as number) - (x[i] as number)) / pr;
          if (amax < alpha) {
            alpha = amax;
            blocking = r;
          }
        } else if (pr > 0 && (upper[i] as number) < Infinity) {
          const amax = ((upper[i] as number) - (x[i] as number)) / pr;
          if (amax < alpha) {
            alpha = amax;
            blocking = r;
          }
        }
      }
      if (alpha < 0) alpha = 0;
      for (let r = 0; r < m; r += 1) {
        const i = free[r] as number;
        const d = alpha * (step[r] as number);
        if (d === 0) continue;
        x[i] = (x[i] as number) + d;
        const row = i * n;
        for (let k = 0; k < n; k += 1) g[k] = (g[k] as number) + d * (q[row + k] as number);
      }
      refreshed = false;
      if (blocking >= 0) {
        const i = free[blocking] as number;
        const toLower = (step[blocking] as number) < 0;
        x[i] = toLower ? (lower[i] as number) : (upper[i] as number);
        status[i] = toLower ? AT_LOWER : AT_UPPER;
        remove(blocking);
        continue;
      }
      stationary = true;
      continue;
    }
    // At the minimiser on this working set: release the bound whose multiplier has the wrong sign.
    let worst = -1;
    let worstValue = tol;
    for (let i = 0; i < n; i += 1) {
      const st = status[i];
      if (st === FREE || lower[i] === upper[i]) continue;
      const lambda = (g[i] as number) + nu * (a[i] as number);
      const violation = st === AT_LOWER ? -lambda : lambda;
      if (violation > worstValue) {
        worstValue = violation;
        worst = i;
      }
    }
    if (worst < 0) {
      if (refreshed) break;
      // Confirm optimality on a freshly computed gradient (the updated one accumulates rounding).
      refreshGradient();
      refreshed = true;
      continue;
    }
    append(worst);
    stationary = false;
  }
  return { x, nu, iterations, freeCount: m };
}

/**
 * Writes into `x` a point with `lower ≤ x ≤ upper` and `aᵀx = b`: every variable at its bound
 * nearest zero, then the residual absorbed greedily by the variables with the largest |a_i|.
 * Returns the index of the last variable moved (-1 if none). Throws
 * {@link InfeasibleConstraintsError} when the bounds cannot reach `b`.
 */
function feasibleStart(p: BoxQp, x: Float64Array): number {
  const { n, a, b, lower, upper } = p;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < n; i += 1) {
    const l = lower[i] as number;
    const u = upper[i] as number;
    if (!(l <= u)) throw new InfeasibleConstraintsError(`asset ${i}: lower bound ${l} > upper bound ${u}`);
    x[i] = Math.min(Math.max(0, l), u);
    const ai = a[i] as number;
    if (ai > 0) {
      lo += ai * l;
      hi += ai * u;
    } else if (ai < 0) {
      lo += ai * u;
      hi += ai * l;
    }
  }
  const slack = 1e-12 * (1 + Math.abs(b));
  if (lo > b + slack || hi < b - slack) {
    throw new InfeasibleConstraintsError(
      `the bounds allow a weighted sum in [${lo}, ${hi}], which excludes the required ${b}`,
    );
  }
  let residual = b;
  for (let i = 0; i < n; i += 1) residual -= (a[i] as number) * (x[i] as number);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => Math.abs(a[j] as number) - Math.abs(a[i] as number),
  );
  let last = -1;
  for (const i of order) {
    const ai = a[i] as number;
    if (ai === 0) break;
    last = i;
    if (residual === 0) break;
    // Move x_i in the direction that reduces the residual, as far as needed or allowed.
    const wanted = residual / ai;
    const xi = x[i] as number;
    const target = Math.min(Math.max(xi + wanted, lower[i] as number), upper[i] as number);
    residual -= ai * (target - xi);
    x[i] = target;
    if (Math.abs(residual) <= slack) {
      residual = 0;
      break;
    }
  }
  if (residual !== 0) {
    throw new InfeasibleConstraintsError(`the bounds cannot meet the budget ${b}`);
  }
  return last;
}

/**
 * Karush-Kuhn-Tucker residuals of a candidate solution, computed from scratch (independent of the
 * solver's state): primal (equality and bounds), stationarity on free variables, dual sign on
 * bound variables. All zero at an exact optimum (Nocedal & Wright, Thm. 12.1).
 */
export function boxQpKktResiduals(
  p: BoxQp,
  x: Float64Array,
  nu: number,
): { primal: number; stationarity: number; dual: number } {
  const { n, q, c, a, b, lower, upper } = p;
  let ax = 0;
  let bound = 0;
  let stationarity = 0;
  let dual = 0;
  for (let i = 0; i < n; i += 1) {
    const xi = x[i] as number;
    ax += (a[i] as number) * xi;
    bound = Math.max(bound, (lower[i] as number) - xi, xi - (upper[i] as number));
    let gi = c[i] as number;
    for (let k = 0; k < n; k += 1) gi += (q[i * n + k] as number) * (x[k] as number);
    const z = gi + nu * (a[i] as number);
    if (xi === lower[i] && xi === upper[i]) continue;
    if (xi === lower[i]) dual = Math.max(dual, -z);
    else if (xi === upper[i]) dual = Math.max(dual, z);
    else stationarity = Math.max(stationarity, Math.abs(z));
  }
  return { primal: Math.max(Math.abs(ax - b), bound), stationarity, dual };
}
