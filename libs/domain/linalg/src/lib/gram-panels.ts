/**
 * The layout shared by both Gram kernels (WebAssembly SIMD and JavaScript) and the driver that
 * feeds them: the data are taken in chunks of {@link CHUNK_ROWS} rows, each chunk packed (centred
 * where asked) into a panel of 4-column groups, and the tiles of `PᵀQ` accumulated chunk by chunk
 * into an `np x np` column-major accumulator (`np` = n rounded up to a multiple of 4). Both kernels
 * read the same panels and add in the same order, so they return the same bits.
 *
 * Panel layout (element offsets): column `j` of chunk row `k` at `4 (j >> 2) lenP + 4 k + (j & 3)`
 * with `lenP` the chunk's row count rounded up to a multiple of 4 (rows and columns beyond the data
 * are zeros, adding nothing). A 4 x 4 tile then streams two contiguous runs, which is what lets the
 * SIMD kernel load a group's 4 values of a row as two f64x2 vectors (Goto & van de Geijn, "Anatomy
 * of high-performance matrix multiplication", ACM TOMS 34(3), 2008: packed panels, an L1-resident
 * micro-panel, register tiles).
 */

/** Rows per chunk: one 4-column group of a 512-row panel is 16 KiB and stays in L1 across a row of tiles. */
export const CHUNK_ROWS = 512;
/** Column groups of the second panel per sweep (128 columns x 512 rows = 512 KiB, resident in L2). */
const J_GROUPS_PER_SWEEP = 32;
/**
 * Row groups per kernel call. Small calls matter for the WebAssembly kernel: V8 starts it in its
 * baseline compiler (Liftoff) and swaps in the optimised code only between calls, so one call over the
 * whole matrix would run unoptimised from start to end.
 */
const I_GROUPS_PER_CALL = 16;

/** Writes rows [t0, t0 + len) of a source into a panel at `offset` (see the layout above). */
export type PanelPacker = (
  panel: Float64Array,
  offset: number,
  t0: number,
  len: number,
  lenP: number,
) => void;

/** The 4 x 4 tile routine over a flat f64 memory; offsets and `ld` in elements. */
export interface TileBackend {
  /** A zero-based view of at least `elements` f64 of working memory, or null if it cannot be had. */
  reserve(elements: number): Float64Array | null;
  /**
   * Adds `Σ_k a[k, 4gi + r] b[k, 4gj + c]` into `acc[(4gj + c) ld + 4gi + r]` for gi in [gi0, gi1),
   * gj in [gj0, gj1), and only gj <= gi when `lower`; subtracts instead when `negate`. `memory` is
   * the view reserve() returned.
   */
  tiles(
    memory: Float64Array,
    a: number,
    b: number,
    acc: number,
    ld: number,
    lenP: number,
    gi0: number,
    gi1: number,
    gj0: number,
    gj1: number,
    lower: boolean,
    negate: boolean,
  ): void;
}

const roundUp4 = (k: number): number => (k + 3) & ~3;

/**
 * The `np x np` column-major accumulator of `PᵀQ` over all rows, `P` from `packA` and `Q` from
 * `packB` (or `P` again, lower block triangle only, when `packB` is null), in the memory `backend`
 * reserved (offset 0), or null if the backend could not reserve the memory.
 */
function accumulate(
  backend: TileBackend,
  n: number,
  rows: number,
  packA: PanelPacker,
  packB: PanelPacker | null,
): Float64Array | null {
  const np = roundUp4(n);
  const groups = np >> 2;
  const maxLenP = roundUp4(Math.min(CHUNK_ROWS, rows));
  const accSize = np * np;
  const aOffset = accSize;
  const bOffset = aOffset + np * maxLenP;
  const memory = backend.reserve(packB === null ? bOffset : bOffset + np * maxLenP);
  if (memory === null) return null;
  memory.fill(0, 0, accSize);
  const lower = packB === null;
  for (let t0 = 0; t0 < rows; t0 += CHUNK_ROWS) {
    const len = Math.min(CHUNK_ROWS, rows - t0);
    const lenP = roundUp4(len);
    if (lenP !== len || np !== n) {
      memory.fill(0, aOffset, aOffset + np * lenP);
      if (packB !== null) memory.fill(0, bOffset, bOffset + np * lenP);
    }
    packA(memory, aOffset, t0, len, lenP);
    if (packB !== null) packB(memory, bOffset, t0, len, lenP);
    const b = packB === null ? aOffset : bOffset;
    for (let gj0 = 0; gj0 < groups; gj0 += J_GROUPS_PER_SWEEP) {
      const gj1 = Math.min(groups, gj0 + J_GROUPS_PER_SWEEP);
      for (let gi0 = lower ? gj0 : 0; gi0 < groups; gi0 += I_GROUPS_PER_CALL) {
        backend.tiles(
          memory,
          aOffset,
          b,
          0,
          np,
          lenP,
          gi0,
          Math.min(groups, gi0 + I_GROUPS_PER_CALL),
          gj0,
          gj1,
          lower,
          false,
        );
      }
    }
  }
  return memory;
}

/** `PᵀP`, symmetric `n x n` row-major, computed over the lower block triangle and mirrored. */
export function symmetricGram(
  backend: TileBackend,
  n: number,
  rows: number,
  pack: PanelPacker,
): Float64Array | null {
  const acc = accumulate(backend, n, rows, pack, null);
  if (acc === null) return null;
  const np = roundUp4(n);
  const out = new Float64Array(n * n);
  // The accumulator's lower triangle, column-major, is the upper triangle row-major: a contiguous
  // copy, then the mirror image in 32 x 32 blocks so that the strided half stays within a few pages.
  for (let j = 0; j < n; j += 1) {
    const col = j * np;
    const row = j * n;
    for (let i = j; i < n; i += 1) out[row + i] = acc[col + i] as number;
  }
  for (let i0 = 0; i0 < n; i0 += MIRROR_BLOCK) {
    const i1 = Math.min(n, i0 + MIRROR_BLOCK);
    for (let j0 = 0; j0 <= i0; j0 += MIRROR_BLOCK) {
      const j1 = Math.min(n, j0 + MIRROR_BLOCK);
      for (let i = i0; i < i1; i += 1) {
        const row = i * n;
        for (let j = j0; j < j1 && j < i; j += 1) out[row + j] = out[j * n + i] as number;
      }
    }
  }
  return out;
}

const MIRROR_BLOCK = 32;

/** `PᵀQ`, `n x n` row-major. */
export function productGram(
  backend: TileBackend,
  n: number,
  rows: number,
  packA: PanelPacker,
  packB: PanelPacker,
): Float64Array | null {
  const acc = accumulate(backend, n, rows, packA, packB);
  if (acc === null) return null;
  const np = roundUp4(n);
  const out = new Float64Array(n * n);
  // The column-major accumulator transposed into row-major `out` in blocks, as in symmetricGram.
  for (let j0 = 0; j0 < n; j0 += MIRROR_BLOCK) {
    const j1 = Math.min(n, j0 + MIRROR_BLOCK);
    for (let i0 = 0; i0 < n; i0 += MIRROR_BLOCK) {
      const i1 = Math.min(n, i0 + MIRROR_BLOCK);
      for (let j = j0; j < j1; j += 1) {
        const col = j * np;
        for (let i = i0; i < i1; i += 1) out[i * n + j] = acc[col + i] as number;
      }
    }
  }
  return out;
}

/** Packs a row-major `rows x n` matrix minus `means[j]` from each column `j`. */
export function rowMajorPacker(x: ArrayLike<number>, n: number, means: ArrayLike<number>): PanelPacker {
  const full = n & ~3;
  return (panel, offset, t0, len, lenP) => {
    const groupStride = 4 * lenP;
    for (let r = 0; r < len; r += 1) {
      const src = (t0 + r) * n;
      let dst = offset + 4 * r;
      let j = 0;
      for (; j < full; j += 4, dst += groupStride) {
        panel[dst] = (x[src + j] as number) - (means[j] as number);
        panel[dst + 1] = (x[src + j + 1] as number) - (means[j + 1] as number);
        panel[dst + 2] = (x[src + j + 2] as number) - (means[j + 2] as number);
        panel[dst + 3] = (x[src + j + 3] as number) - (means[j + 3] as number);
      }
      for (let c = 0; j < n; j += 1, c += 1) panel[dst + c] = (x[src + j] as number) - (means[j] as number);
    }
  };
}

/** Packs one array per column (each at least `rows` long) minus `means[j]` from column `j`. */
export function columnPacker(columns: readonly ArrayLike<number>[], means: ArrayLike<number>): PanelPacker {
  return (panel, offset, t0, len, lenP) => {
    for (let j = 0; j < columns.length; j += 1) {
      const col = columns[j] as ArrayLike<number>;
      const m = means[j] as number;
      const dst = offset + 4 * (j >> 2) * lenP + (j & 3);
      for (let r = 0; r < len; r += 1) panel[dst + 4 * r] = (col[t0 + r] as number) - m;
    }
  };
}
