import { choleskySucceeds } from '@ballast/domain-linalg';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';

/** Warning text PyPortfolioOpt emits when it repairs a matrix (pypfopt/risk_models.py). */
export const NON_PSD_WARNING = 'The covariance matrix is non positive semidefinite. Amending eigenvalues.';

/**
 * Whether `matrix` (symmetric, `n x n`, row-major) is positive semidefinite, tested as
 * PyPortfolioOpt does: a Cholesky factorisation of `matrix + 1e-16 I` succeeds
 * (pypfopt/risk_models.py, `_is_positive_semidefinite`). The factorisation is the blocked one of
 * @ballast/domain-linalg, whose trailing updates run in WebAssembly SIMD.
 */
export function isPositiveSemidefinite(matrix: Float64Array, n: number): boolean {
  return choleskySucceeds(matrix, n, { diagonalShift: 1e-16 });
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
