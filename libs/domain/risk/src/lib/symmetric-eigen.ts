import { InvalidParameterError, LengthMismatchError } from './errors';

/** Eigenvalues of a symmetric matrix and the coordinates of one vector in its eigenbasis. */
export interface EigenProjection {
  /** λₖ, in no particular order (paired with `projections`). */
  values: Float64Array;
  /** eₖ · v for the unit eigenvector eₖ of λₖ (sign arbitrary, as for any eigenvector). */
  projections: Float64Array;
}

const MAX_ITERATIONS = 60;

/**
 * Eigenvalues of a symmetric n×n matrix (row-major; only the upper triangle is read) and the
 * projections of `vector` on its eigenvectors, without forming the eigenvectors: O(⅔n³) for the
 * Householder reduction to tridiagonal form plus O(n²) for the implicit QL iteration.
 *
 * Householder tridiagonalisation A = H T Hᵀ as in LAPACK dsytd2 (unblocked, upper-triangle storage,
 * rank-2 update p = βAv, q = p - (β/2)(vᵀp)v, A ← A - vqᵀ - qvᵀ), then the implicit QL algorithm with
 * Wilkinson shifts of Numerical Recipes' `tqli` (Press et al., 3rd ed., §11.4). With A = (HV) Λ (HV)ᵀ
 * the wanted projections are Vᵀ(Hᵀv): Hᵀv is v with each reflector applied in turn, and every QL Givens
 * rotation Z ← ZG updates the running Zᵀ(Hᵀv) by the same formula `tqli` applies to one row of Z.
 * Throws InvalidParameterError if QL does not converge in 60 sweeps per eigenvalue (not seen for finite input).
 */
export function symmetricEigenProjection(
  matrix: Float64Array,
  size: number,
  vector: ArrayLike<number>,
): EigenProjection {
  const n = size;
  if (matrix.length !== n * n) throw new LengthMismatchError('matrix', matrix.length, `${n}×${n}`, n * n);
  if (vector.length !== n) throw new LengthMismatchError('vector', vector.length, 'matrix size', n);
  const a = matrix.slice();
  const u = vector instanceof Float64Array ? vector.slice() : Float64Array.from(vector);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Reflector v and q = p - (β/2)(vᵀp)v of the current step, and those of the previous step whose
  // rank-2 update is still pending; all indexed by global row/column. The pending update is applied to
  // each row in the same pass that multiplies that row into the next step's p = βA₂₂v, so every step
  // reads the trailing matrix once rather than twice (the look-ahead of LAPACK's dsytrd).
  let v = new Float64Array(n);
  let q = new Float64Array(n);
  let pv = new Float64Array(n);
  let pq = new Float64Array(n);
  let pending = false;
  let pendingFrom = 0;
  const applyPending = (gi: number): void => {
    const row = gi * n;
    const vi = pv[gi] as number;
    const qi = pq[gi] as number;
    for (let j = gi; j < n; j += 1)
      a[row + j] = (a[row + j] as number) - vi * (pq[j] as number) - qi * (pv[j] as number);
  };
  for (let k = 0; k + 2 < n; k += 1) {
    const base = k * n;
    if (pending) applyPending(k);
    const off = k + 1;
    const x0 = a[base + off] as number;
    let sigma = 0;
    for (let j = off + 1; j < n; j += 1) sigma += (a[base + j] as number) ** 2;
    if (sigma === 0) {
      // Already tridiagonal in this column: no reflection; settle the pending update now.
      e[k] = x0;
      if (pending) for (let gi = off; gi < n; gi += 1) applyPending(gi);
      pending = false;
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + sigma);
    const alpha = x0 <= 0 ? norm : -norm;
    e[k] = alpha;
    v[off] = x0 - alpha;
    for (let j = off + 1; j < n; j += 1) v[j] = a[base + j] as number;
    const beta = 2 / (v[off] ** 2 + sigma);
    q.fill(0, off, n);
    if (!pending) {
      // No pending update: zero vectors make the pass below apply nothing, with one code path.
      pv.fill(0, off, n);
      pq.fill(0, off, n);
    }
    // Two rows per pass, so that pv[j], pq[j], v[j] and q[j] are loaded once for both.
    let gi = off;
    for (; gi + 1 < n; gi += 2) {
      const row0 = gi * n;
      const row1 = row0 + n;
      const g1 = gi + 1;
      const v0 = v[gi] as number;
      const v1 = v[g1] as number;
      const pv0 = pv[gi] as number;
      const pq0 = pq[gi] as number;
      const pv1 = pv[g1] as number;
      const pq1 = pq[g1] as number;
      const a00 = (a[row0 + gi] as number) - 2 * pv0 * pq0;
      const a01 = (a[row0 + g1] as number) - pv0 * pq1 - pq0 * pv1;
      const a11 = (a[row1 + g1] as number) - 2 * pv1 * pq1;
      a[row0 + gi] = a00;
      a[row0 + g1] = a01;
      a[row1 + g1] = a11;
      let s0 = a00 * v0 + a01 * v1;
      let s1 = a01 * v0 + a11 * v1;
      for (let j = gi + 2; j < n; j += 1) {
        const pvj = pv[j] as number;
        const pqj = pq[j] as number;
        const vj = v[j] as number;
        const x0 = (a[row0 + j] as number) - pv0 * pqj - pq0 * pvj;
        const x1 = (a[row1 + j] as number) - pv1 * pqj - pq1 * pvj;
        a[row0 + j] = x0;
        a[row1 + j] = x1;
        s0 += x0 * vj;
        s1 += x1 * vj;
        q[j] = (q[j] as number) + x0 * v0 + x1 * v1;
      }
      q[gi] = (q[gi] as number) + s0;
      q[g1] = (q[g1] as number) + s1;
    }
    if (gi < n) {
      // The last row on its own: only its diagonal entry is in the upper triangle.
      const row = gi * n;
      const aii = (a[row + gi] as number) - 2 * (pv[gi] as number) * (pq[gi] as number);
      a[row + gi] = aii;
      q[gi] = (q[gi] as number) + aii * (v[gi] as number);
    }
    let vq = 0;
    for (let i = off; i < n; i += 1) {
      q[i] = beta * (q[i] as number);
      vq += (v[i] as number) * (q[i] as number);
    }
    const half = 0.5 * beta * vq;
    for (let i = off; i < n; i += 1) q[i] = (q[i] as number) - half * (v[i] as number);
    let vu = 0;
    for (let i = off; i < n; i += 1) vu += (v[i] as number) * (u[i] as number);
    const scale = beta * vu;
    for (let i = off; i < n; i += 1) u[i] = (u[i] as number) - scale * (v[i] as number);
    [pv, v] = [v, pv];
    [pq, q] = [q, pq];
    pending = true;
    pendingFrom = off;
  }
  if (pending) for (let gi = pendingFrom; gi < n; gi += 1) applyPending(gi);
  for (let i = 0; i < n; i += 1) d[i] = a[i * n + i] as number;
  if (n >= 2) e[n - 2] = a[(n - 2) * n + n - 1] as number;
  e[n - 1] = 0;
  tridiagonalQl(d, e, u);
  return { values: d, projections: u };
}

/** Numerical Recipes `tqli` (0-based; e[i] couples d[i] and d[i+1]), rotating the vector y alongside. */
function tridiagonalQl(d: Float64Array, e: Float64Array, y: Float64Array): void {
  const n = d.length;
  // Deflate when an off-diagonal is negligible relative to its neighbours or to the whole matrix
  // (‖T‖∞ · ε, the backward error the reduction already made): a purely relative test never fires
  // inside a cluster of zero eigenvalues, which a rank-deficient covariance (more assets than periods) has.
  let norm = 0;
  for (let i = 0; i < n; i += 1)
    norm = Math.max(
      norm,
      Math.abs(d[i] as number) + Math.abs(e[i] as number) + (i > 0 ? Math.abs(e[i - 1] as number) : 0),
    );
  const floor = Number.EPSILON * norm;
  for (let l = 0; l < n; l += 1) {
    let iterations = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m += 1) {
        const dd = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        const off = Math.abs(e[m] as number);
        if (off <= Number.EPSILON * dd || off <= floor) break;
      }
      if (m !== l) {
        iterations += 1;
        if (iterations > MAX_ITERATIONS)
          throw new InvalidParameterError('symmetric matrix', 'QL iteration', 'convergent within 60 sweeps');
        let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
        let r = Math.hypot(g, 1);
        g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i -= 1) {
          const f = s * (e[i] as number);
          const b = c * (e[i] as number);
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] = (d[i + 1] as number) - p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = (d[i + 1] as number) - p;
          r = ((d[i] as number) - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
          const yi = y[i] as number;
          const yj = y[i + 1] as number;
          y[i + 1] = s * yi + c * yj;
          y[i] = c * yi - s * yj;
        }
        if (r === 0 && i >= l) continue;
        d[l] = (d[l] as number) - p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
}
