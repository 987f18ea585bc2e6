import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Warning text PyPortfolioOpt emits when it repairs a matrix (pypfopt/risk_models.py). */
export const NON_PSD_WARNING = 'The covariance matrix is non positive semidefinite. Amending eigenvalues.';

/**
 * In-place lower Cholesky factor of the symmetric `n x n` row-major `a` (only the lower triangle
 * is read or written); returns false as soon as a pivot is not strictly positive. Unchecked core:
 * callers validate dimensions. Golub & Van Loan, Matrix Computations, 4th ed., Alg. 4.2.2, in a
 * left-looking form blocked by 4 columns: each panel `a[j:, J]` is first updated by the factored
 * columns with 4 x 4 register tiles of row dot products (contiguous in row-major storage, 16
 * multiply-adds per 8 loads), then factored column by column within the panel.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let jb = 0; jb < n; jb += 4) {
    const je = Math.min(jb + 4, n);
    if (jb > 0) panelUpdate(a, n, jb, je);
    for (let c = jb; c < je; c += 1) {
      const rc = c * n;
      let d = a[rc + c] as number;
      for (let k = jb; k < c; k += 1) {
        const l = a[rc + k] as number;
        d -= l * l;
      }
      if (!(d > 0)) return false;
      const lcc = Math.sqrt(d);
      a[rc + c] = lcc;
      for (let i = c + 1; i < n; i += 1) {
        const ri = i * n;
        let s = a[ri + c] as number;
        for (let k = jb; k < c; k += 1) s -= (a[ri + k] as number) * (a[rc + k] as number);
        a[ri + c] = s / lcc;
      }
    }
  }
  return true;
}

/**
 * `a[i, c] -= Σ_{k < jb} a[i, k] a[c, k]` for rows `i ≥ jb` and panel columns `c ∈ [jb, je)`,
 * lower triangle only.
 */
function panelUpdate(a: Float64Array, n: number, jb: number, je: number): void {
  const width = je - jb;
  const c0 = jb * n;
  const c1 = c0 + n;
  const c2 = c1 + n;
  const c3 = c2 + n;
  let i = jb;
  if (width === 4) {
    for (; i + 4 <= n; i += 4) {
      const r0 = i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      let s20 = 0;
      let s21 = 0;
      let s22 = 0;
      let s23 = 0;
      let s30 = 0;
      let s31 = 0;
      let s32 = 0;
      let s33 = 0;
      for (let k = 0; k < jb; k += 1) {
        const x0 = a[r0 + k] as number;
        const x1 = a[r1 + k] as number;
        const x2 = a[r2 + k] as number;
        const x3 = a[r3 + k] as number;
        const y0 = a[c0 + k] as number;
        const y1 = a[c1 + k] as number;
        const y2 = a[c2 + k] as number;
        const y3 = a[c3 + k] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      const sums = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
      for (let r = 0; r < 4; r += 1) {
        for (let c = 0; c < 4; c += 1) {
          if (jb + c > i + r) continue;
          const idx = (i + r) * n + jb + c;
          a[idx] = (a[idx] as number) - (sums[r * 4 + c] as number);
        }
      }
    }
  }
  for (; i < n; i += 1) {
    const ri = i * n;
    for (let c = jb; c < je && c <= i; c += 1) {
      const rc = c * n;
      let s = 0;
      for (let k = 0; k < jb; k += 1) s += (a[ri + k] as number) * (a[rc + k] as number);
      a[ri + c] = (a[ri + c] as number) - s;
    }
  }
}

/**
 * Whether `matrix` (symmetric, `n x n`, row-major) is positive semidefinite, tested as
 * PyPortfolioOpt does: a Cholesky factorisation of `matrix + 1e-16 I` succeeds
 * (pypfopt/risk_models.py, `_is_positive_semidefinite`).
 */
export function isPositiveSemidefinite(matrix: Float64Array, n: number): boolean {
  const a = Float64Array.from(matrix);
  for (let i = 0; i < n; i += 1) a[i * n + i] = (a[i * n + i] as number) + 1e-16;
  return choleskyInPlace(a, n);
}

/**
 * Returns `matrix` unchanged when it is positive semidefinite; otherwise rebuilds it from its
 * eigen-decomposition with negative eigenvalues set to zero (`V max(Λ, 0) Vᵀ`, the "spectral" fix
 * of pypfopt/risk_models.py `fix_nonpositive_semidefinite`) and reports {@link NON_PSD_WARNING}.
 * Eigenvalues by ml-matrix's symmetric QL (EISPACK tql2).
 */
export function fixNonPositiveSemidefinite(
  matrix: Float64Array,
  n: number,
): { matrix: Float64Array; warnings: string[] } {
  if (isPositiveSemidefinite(matrix, n)) return { matrix, warnings: [] };
  const rows: number[][] = [];
  for (let i = 0; i < n; i += 1) rows.push(Array.from(matrix.subarray(i * n, i * n + n)));
  const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const q = eig.realEigenvalues.map((x) => (x > 0 ? x : 0));
  const v = eig.eigenvectorMatrix;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i; j < n; j += 1) {
      let s = 0;
      for (let k = 0; k < n; k += 1) s += v.get(i, k) * (q[k] as number) * v.get(j, k);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return { matrix: out, warnings: [NON_PSD_WARNING] };
}
