import { DimensionMismatchError } from './errors';
import { backendFor, type GramOptions, wasmOrNull } from './gram';
import { jsTileBackend } from './gram-js';

/**
 * Columns per block of the Cholesky factorisation: the rank-`BLOCK` update of the trailing matrix is
 * a Gram product through the SIMD tiles (BLOCK rows of the packed panel per tile, 32 KiB per group),
 * while the panel itself (O(n² BLOCK / 2) in all) is factored column by column (SIMD column updates,
 * pivots and scaling in JavaScript).
 */
const BLOCK = 64;

export interface CholeskyOptions extends GramOptions {
  /** Added to every diagonal entry before factoring (PyPortfolioOpt's PSD test adds 1e-16). */
  diagonalShift?: number;
}

/**
 * Whether the Cholesky factorisation `A + shift I = L Lᵀ` of the symmetric `n x n` row-major `matrix`
 * (only its lower triangle is read) runs to the end with every pivot strictly positive: the test for
 * positive definiteness in floating point. Golub & Van Loan, Matrix Computations, 4th ed., Alg. 4.2.2
 * (gaxpy Cholesky) blocked right-looking as LAPACK dpotrf: each block of 64 columns is factored
 * left-looking within the block (pivots and the column scaling of `L₂₁`), then the trailing matrix is
 * updated `A₂₂ -= L₂₁ L₂₁ᵀ` by the Gram tiles of {@link centredGram} (WebAssembly SIMD where the
 * runtime has it), on a copy: `matrix` is not modified.
 *
 * Throws {@link DimensionMismatchError} when `matrix` is not `n * n` long.
 */
export function choleskySucceeds(
  matrix: ArrayLike<number>,
  n: number,
  options: CholeskyOptions = {},
): boolean {
  return factor(matrix, n, options) !== null;
}

/**
 * The lower Cholesky factor `L` of `A + shift I` (as {@link choleskySucceeds}), `n x n` row-major
 * with zeros above the diagonal, or null when a pivot is not strictly positive.
 *
 * Throws {@link DimensionMismatchError} when `matrix` is not `n * n` long.
 */
export function choleskyLower(
  matrix: ArrayLike<number>,
  n: number,
  options: CholeskyOptions = {},
): Float64Array | null {
  const m = factor(matrix, n, options);
  if (m === null) return null;
  const np = (n + 3) & ~3;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j += 1) for (let i = j; i < n; i += 1) l[i * n + j] = m[j * np + i] as number;
  return l;
}

/** The factor in column-major storage (leading dimension n rounded up to 4), or null. */
function factor(matrix: ArrayLike<number>, n: number, options: CholeskyOptions): Float64Array | null {
  if (matrix.length !== n * n) throw new DimensionMismatchError('matrix', matrix.length, n * n);
  const shift = options.diagonalShift ?? 0;
  const np = (n + 3) & ~3;
  const panel = np * np;
  const size = panel + np * BLOCK;
  const wanted = backendFor(options.kernel);
  const reserved = wanted.reserve(size);
  // WebAssembly memory that cannot grow that far: the JavaScript tiles on an ordinary array.
  const backend = reserved === null ? jsTileBackend : wanted;
  const wasm = reserved === null ? null : wasmOrNull(options.kernel);
  const m = reserved ?? new Float64Array(size);
  // Column-major lower triangle with leading dimension np: L(i, j) at m[j np + i], i ≥ j, so that a
  // column of the panel is contiguous, and the tiles (which write whole 4 x 4 blocks) stay in bounds.
  // Nothing needs zeroing: the copy writes every entry that is read (i ≥ j < n), the tiles' writes
  // above the diagonal and beyond n land in entries that are never read.
  // The transposing copy in 32 x 32 blocks: element by element, each write of a row would land on
  // another page (a stride of 8 np bytes), and the copy cost more than the SIMD updates.
  for (let i0 = 0; i0 < n; i0 += 32) {
    const i1 = Math.min(n, i0 + 32);
    for (let j0 = 0; j0 <= i0; j0 += 32) {
      for (let i = i0; i < i1; i += 1) {
        const row = i * n;
        const j1 = Math.min(i + 1, j0 + 32);
        for (let j = j0; j < j1; j += 1) m[j * np + i] = matrix[row + j] as number;
      }
    }
  }
  for (let i = 0; i < n; i += 1) m[i * np + i] = (m[i * np + i] as number) + shift;
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(n, k0 + BLOCK);
    for (let c = k0; c < k1; c += 1) {
      const colC = c * np;
      // Column c less the block's earlier columns (the earlier blocks were subtracted by the updates).
      if (wasm === null) panelColumnJs(m, np, n, k0, c);
      else wasm.panelColumn(np, n, k0, c);
      const d = m[colC + c] as number;
      if (!(d > 0)) return null;
      const lcc = Math.sqrt(d);
      m[colC + c] = lcc;
      for (let i = c + 1; i < n; i += 1) m[colC + i] = (m[colC + i] as number) / lcc;
    }
    if (k1 === n) break;
    // A₂₂ -= L₂₁ L₂₁ᵀ: L₂₁'s columns are the panel's rows; k1 is a multiple of 4, so the trailing
    // matrix starts on a tile boundary and ends at np.
    const len = k1 - k0;
    const lenP = (len + 3) & ~3;
    const groups = (np - k1) >> 2;
    m.fill(0, panel, panel + 4 * groups * lenP);
    for (let k = 0; k < len; k += 1) {
      const col = (k0 + k) * np;
      for (let i = k1; i < n; i += 1) {
        const r = i - k1;
        m[panel + 4 * (r >> 2) * lenP + 4 * k + (r & 3)] = m[col + i] as number;
      }
    }
    const trailing = k1 * np + k1;
    for (let gj0 = 0; gj0 < groups; gj0 += 32)
      for (let gi0 = gj0; gi0 < groups; gi0 += 16)
        backend.tiles(
          m,
          panel,
          panel,
          trailing,
          np,
          lenP,
          gi0,
          Math.min(groups, gi0 + 16),
          gj0,
          Math.min(groups, gj0 + 32),
          true,
          true,
        );
  }
  return m;
}

/**
 * Column c of the panel less the panel's earlier columns k in [k0, c) (the earlier blocks were
 * subtracted by the trailing updates): four columns per sweep over column c (one load and store of it
 * per four multiply-adds), the subtractions one after another in k. The JavaScript mirror of the
 * WebAssembly `panelColumn` (tools/gram-wat.ts), which does the same operations two rows at a time.
 */
function panelColumnJs(m: Float64Array, np: number, n: number, k0: number, c: number): void {
  const colC = c * np;
  // Four columns per sweep over column c (one load and store of it per four multiply-adds), the
  // subtractions still one after another in k.
  let k = k0;
  for (; k + 3 < c; k += 4) {
    const col0 = k * np;
    const col1 = col0 + np;
    const col2 = col1 + np;
    const col3 = col2 + np;
    const l0 = m[col0 + c] as number;
    const l1 = m[col1 + c] as number;
    const l2 = m[col2 + c] as number;
    const l3 = m[col3 + c] as number;
    for (let i = c; i < n; i += 1) {
      let x = m[colC + i] as number;
      x -= (m[col0 + i] as number) * l0;
      x -= (m[col1 + i] as number) * l1;
      x -= (m[col2 + i] as number) * l2;
      x -= (m[col3 + i] as number) * l3;
      m[colC + i] = x;
    }
  }
  for (; k < c; k += 1) {
    const colK = k * np;
    const lck = m[colK + c] as number;
    for (let i = c; i < n; i += 1) m[colC + i] = (m[colC + i] as number) - (m[colK + i] as number) * lck;
  }
}
