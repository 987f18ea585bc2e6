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
  const a = Float64Array.from(matrix);
  const u = Float64Array.from(vector);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const v = new Float64Array(n);
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k += 1) {
    const base = k * n;
    const x0 = a[base + k + 1] as number;
    let sigma = 0;
    for (let j = k + 2; j < n; j += 1) sigma += (a[base + j] as number) ** 2;
    if (sigma === 0) {
      e[k] = x0;
      continue;
    }
    const norm = Math.sqrt(x0 * x0 + sigma);
    const alpha = x0 <= 0 ? norm : -norm;
    e[k] = alpha;
    const m = n - k - 1;
    const off = k + 1;
    v[0] = x0 - alpha;
    for (let j = 1; j < m; j += 1) v[j] = a[base + off + j] as number;
    const beta = 2 / (v[0] ** 2 + sigma);
    // p = β A₂₂ v from the upper triangle, row by row (contiguous).
    p.fill(0, 0, m);
    for (let i = 0; i < m; i += 1) {
      const row = (off + i) * n + off;
      const vi = v[i] as number;
      let s = (a[row + i] as number) * vi;
      for (let j = i + 1; j < m; j += 1) {
        const aij = a[row + j] as number;
        s += aij * (v[j] as number);
        p[j] = (p[j] as number) + aij * vi;
      }
      p[i] = (p[i] as number) + s;
    }
    let vp = 0;
    for (let i = 0; i < m; i += 1) {
      p[i] = beta * (p[i] as number);
      vp += (v[i] as number) * (p[i] as number);
    }
    const half = 0.5 * beta * vp;
    for (let i = 0; i < m; i += 1) p[i] = (p[i] as number) - half * (v[i] as number);
    for (let i = 0; i < m; i += 1) {
      const row = (off + i) * n + off;
      const vi = v[i] as number;
      const qi = p[i] as number;
      for (let j = i; j < m; j += 1)
        a[row + j] = (a[row + j] as number) - vi * (p[j] as number) - qi * (v[j] as number);
    }
    let vu = 0;
    for (let i = 0; i < m; i += 1) vu += (v[i] as number) * (u[off + i] as number);
    const scale = beta * vu;
    for (let i = 0; i < m; i += 1) u[off + i] = (u[off + i] as number) - scale * (v[i] as number);
  }
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
