import { DimensionMismatchError, WasmSimdUnavailableError } from './errors';
import { jsTileBackend } from './gram-js';
import {
  columnPacker,
  productGram,
  rowMajorPacker,
  symmetricGram,
  type PanelPacker,
  type TileBackend,
} from './gram-panels';
import { linalgWasm, reserveWasmMemory, type LinalgExports } from './wasm-module';

/** Which implementation computes the Gram products. */
export type GramKernelName = 'wasm-simd' | 'js';

function wasmBackend(wasm: LinalgExports): TileBackend {
  return {
    reserve: (elements) => reserveWasmMemory(wasm, elements),
    tiles: (_memory, a, b, acc, ld, lenP, gi0, gi1, gj0, gj1, lower, negate) =>
      wasm.gramTiles(8 * a, 8 * b, 8 * acc, ld, lenP, gi0, gi1, gj0, gj1, lower ? 1 : 0, negate ? 1 : 0),
  };
}

/**
 * The WebAssembly instance for `kernel` (default: whichever the runtime supports), or null for the
 * JavaScript path. Throws {@link WasmSimdUnavailableError} when 'wasm-simd' is asked for where it
 * cannot run.
 */
export function wasmOrNull(kernel: GramKernelName | undefined): LinalgExports | null {
  if (kernel === 'js') return null;
  const wasm = linalgWasm();
  if (wasm === null && kernel === 'wasm-simd') throw new WasmSimdUnavailableError();
  return wasm;
}

export function backendFor(kernel: GramKernelName | undefined): TileBackend {
  const wasm = wasmOrNull(kernel);
  return wasm === null ? jsTileBackend : wasmBackend(wasm);
}

/** The kernel used when none is asked for: WebAssembly SIMD where the runtime validates it, else JS. */
export function defaultGramKernel(): GramKernelName {
  return linalgWasm() === null ? 'js' : 'wasm-simd';
}

/** Options of the Gram products. */
export interface GramOptions {
  /**
   * Forces one implementation (tests, benchmarks); by default {@link defaultGramKernel}. Both give
   * the same bits: same packing, same order of every addition, no fused multiply-add.
   */
  kernel?: GramKernelName;
}

function symmetric(
  n: number,
  rows: number,
  pack: PanelPacker,
  kernel: GramKernelName | undefined,
): Float64Array {
  return (
    symmetricGram(backendFor(kernel), n, rows, pack) ??
    (symmetricGram(jsTileBackend, n, rows, pack) as Float64Array)
  );
}

function checkLength(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new DimensionMismatchError(what, actual, expected);
}

/**
 * `Σ_t (x_ti - m_i)(x_tj - m_j)` for every pair (i, j) of columns of the row-major `rows x n`
 * matrix `x` (no missing values): `XᵀX` of the centred data, the O(T n²) heart of a sample
 * covariance. Returns the full symmetric `n x n` matrix, row-major. Rows are summed in chunks of 512
 * (each chunk's partial sum added to the running total), which keeps the rounding error of each
 * entry near that of pairwise summation for long series. Pass zero means for the raw `XᵀX`.
 *
 * Throws {@link DimensionMismatchError} when `x.length !== rows * n` or `means.length !== n`.
 */
export function centredGram(
  x: ArrayLike<number>,
  n: number,
  rows: number,
  means: ArrayLike<number>,
  options: GramOptions = {},
): Float64Array {
  checkLength('matrix', x.length, rows * n);
  checkLength('means', means.length, n);
  return symmetric(n, rows, rowMajorPacker(x, n, means), options.kernel);
}

/**
 * {@link centredGram} of data given one array per column (`columns[j][t]`, each exactly `rows`
 * long), without transposing it first: what a caller holding one return series per asset has.
 *
 * Throws {@link DimensionMismatchError} for a column of another length or `means.length !== columns.length`.
 */
export function centredColumnGram(
  columns: readonly ArrayLike<number>[],
  rows: number,
  means: ArrayLike<number>,
  options: GramOptions = {},
): Float64Array {
  checkLength('means', means.length, columns.length);
  columns.forEach((column, j) => checkLength(`column ${j}`, column.length, rows));
  return symmetric(columns.length, rows, columnPacker(columns, means), options.kernel);
}

/**
 * `Σ_t a_ti b_tj` for every (i, j) of two row-major `rows x n` matrices without missing values:
 * `AᵀB`, not symmetric. Returns `n x n`, row-major, summed in the same chunks as {@link centredGram}.
 *
 * Throws {@link DimensionMismatchError} when either matrix is not `rows * n` long.
 */
export function crossGram(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  rows: number,
  options: GramOptions = {},
): Float64Array {
  checkLength('first matrix', a.length, rows * n);
  checkLength('second matrix', b.length, rows * n);
  const zero = new Float64Array(n);
  const packA = rowMajorPacker(a, n, zero);
  const packB = rowMajorPacker(b, n, zero);
  return (
    productGram(backendFor(options.kernel), n, rows, packA, packB) ??
    (productGram(jsTileBackend, n, rows, packA, packB) as Float64Array)
  );
}
