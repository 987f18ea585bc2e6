import { householderTridiagonal } from '@ballast/domain-linalg';
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
 * Householder tridiagonalisation A = H T Hᵀ (LAPACK dsytd2 with a one-step look-ahead, in WebAssembly
 * SIMD: householderTridiagonal of @ballast/domain-linalg), then the implicit QL algorithm with
 * Wilkinson shifts of Numerical Recipes' `tqli` (Press et al., 3rd ed., §11.4). With A = (HV) Λ (HV)ᵀ
 * the wanted projections are Vᵀ(Hᵀv): Hᵀv comes with the reduction, and every QL Givens rotation
 * Z ← ZG updates the running Zᵀ(Hᵀv) by the same formula `tqli` applies to one row of Z.
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
  const { diagonal: d, offDiagonal: e, rotated: u } = householderTridiagonal(matrix, n, vector);
  tridiagonalQl(d, e, u);
  return { values: d, projections: u };
}

/**
 * √(x² + y²) without needless cost: V8's Math.hypot is an order of magnitude slower than a square
 * root and dominated the QL sweeps; the plain formula is exact to an ulp while the squares stay in
 * the normal range, and the scaled Math.hypot takes the rare operands that would overflow or underflow.
 */
function hypot(x: number, y: number): number {
  const s = x * x + y * y;
  return s > 1e-300 && s < 1e300 ? Math.sqrt(s) : Math.hypot(x, y);
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
        let r = hypot(g, 1);
        g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i -= 1) {
          const f = s * (e[i] as number);
          const b = c * (e[i] as number);
          r = hypot(f, g);
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
