/**
 * `Σ_t (x_ti - m_i)(x_tj - m_j)` for every pair (i, j) of the columns of a row-major `rows x n`
 * matrix with no missing value: `XᵀX` of the centred data, the O(T n²) heart of the sample
 * covariance. Cache-friendly (Goto & van de Geijn, "Anatomy of high-performance matrix
 * multiplication", 2008, in miniature): the rows are taken in chunks of {@link CHUNK}, each chunk
 * centred into a column-major panel (one contiguous run per column, zero-padded to a multiple of
 * 4 columns), and the lower triangle accumulated in 4 x 4 register blocks, 16 multiply-adds per 8
 * loads. Returns the full symmetric `n x n` matrix, row-major.
 */
export function centredGram(x: Float64Array, n: number, rows: number, means: Float64Array): Float64Array {
  const np = (n + 3) & ~3;
  const acc = new Float64Array(np * np);
  const panel = new Float64Array(np * CHUNK);
  for (let t0 = 0; t0 < rows; t0 += CHUNK) {
    const len = Math.min(CHUNK, rows - t0);
    if (len < CHUNK) panel.fill(0);
    for (let r = 0; r < len; r += 1) {
      const src = (t0 + r) * n;
      for (let j = 0; j < n; j += 1) panel[j * CHUNK + r] = (x[src + j] as number) - (means[j] as number);
    }
    for (let ii = 0; ii < np; ii += 4) {
      const a0 = ii * CHUNK;
      const a1 = a0 + CHUNK;
      const a2 = a1 + CHUNK;
      const a3 = a2 + CHUNK;
      for (let jj = 0; jj <= ii; jj += 4) {
        const b0 = jj * CHUNK;
        const b1 = b0 + CHUNK;
        const b2 = b1 + CHUNK;
        const b3 = b2 + CHUNK;
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
        for (let k = 0; k < len; k += 1) {
          const x0 = panel[a0 + k] as number;
          const x1 = panel[a1 + k] as number;
          const x2 = panel[a2 + k] as number;
          const x3 = panel[a3 + k] as number;
          const y0 = panel[b0 + k] as number;
          const y1 = panel[b1 + k] as number;
          const y2 = panel[b2 + k] as number;
          const y3 = panel[b3 + k] as number;
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
        let o = ii * np + jj;
        acc[o] = (acc[o] as number) + s00;
        acc[o + 1] = (acc[o + 1] as number) + s01;
        acc[o + 2] = (acc[o + 2] as number) + s02;
        acc[o + 3] = (acc[o + 3] as number) + s03;
        o += np;
        acc[o] = (acc[o] as number) + s10;
        acc[o + 1] = (acc[o + 1] as number) + s11;
        acc[o + 2] = (acc[o + 2] as number) + s12;
        acc[o + 3] = (acc[o + 3] as number) + s13;
        o += np;
        acc[o] = (acc[o] as number) + s20;
        acc[o + 1] = (acc[o + 1] as number) + s21;
        acc[o + 2] = (acc[o + 2] as number) + s22;
        acc[o + 3] = (acc[o + 3] as number) + s23;
        o += np;
        acc[o] = (acc[o] as number) + s30;
        acc[o + 1] = (acc[o + 1] as number) + s31;
        acc[o + 2] = (acc[o + 2] as number) + s32;
        acc[o + 3] = (acc[o + 3] as number) + s33;
      }
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      const v = acc[i * np + j] as number;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Rows per panel: 512 rows x 4 columns x 8 bytes = 16 KiB of the i-panel, resident in L1. */
const CHUNK = 512;

/**
 * `Σ_t a_ti b_tj` for every (i, j) of two row-major `rows x n` matrices without missing values:
 * `AᵀB`, not symmetric, by the same chunked 4 x 4 register tiles as {@link centredGram}. Returns
 * `n x n`, row-major.
 */
export function crossGram(a: Float64Array, b: Float64Array, n: number, rows: number): Float64Array {
  const np = (n + 3) & ~3;
  const acc = new Float64Array(np * np);
  const pa = new Float64Array(np * CHUNK);
  const pb = new Float64Array(np * CHUNK);
  for (let t0 = 0; t0 < rows; t0 += CHUNK) {
    const len = Math.min(CHUNK, rows - t0);
    if (len < CHUNK) {
      pa.fill(0);
      pb.fill(0);
    }
    for (let r = 0; r < len; r += 1) {
      const src = (t0 + r) * n;
      for (let j = 0; j < n; j += 1) {
        pa[j * CHUNK + r] = a[src + j] as number;
        pb[j * CHUNK + r] = b[src + j] as number;
      }
    }
    for (let ii = 0; ii < np; ii += 4) {
      const a0 = ii * CHUNK;
      const a1 = a0 + CHUNK;
      const a2 = a1 + CHUNK;
      const a3 = a2 + CHUNK;
      for (let jj = 0; jj < np; jj += 4) {
        const b0 = jj * CHUNK;
        const b1 = b0 + CHUNK;
        const b2 = b1 + CHUNK;
        const b3 = b2 + CHUNK;
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
        for (let k = 0; k < len; k += 1) {
          const x0 = pa[a0 + k] as number;
          const x1 = pa[a1 + k] as number;
          const x2 = pa[a2 + k] as number;
          const x3 = pa[a3 + k] as number;
          const y0 = pb[b0 + k] as number;
          const y1 = pb[b1 + k] as number;
          const y2 = pb[b2 + k] as number;
          const y3 = pb[b3 + k] as number;
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
        let o = ii * np + jj;
        acc[o] = (acc[o] as number) + s00;
        acc[o + 1] = (acc[o + 1] as number) + s01;
        acc[o + 2] = (acc[o + 2] as number) + s02;
        acc[o + 3] = (acc[o + 3] as number) + s03;
        o += np;
        acc[o] = (acc[o] as number) + s10;
        acc[o + 1] = (acc[o + 1] as number) + s11;
        acc[o + 2] = (acc[o + 2] as number) + s12;
        acc[o + 3] = (acc[o + 3] as number) + s13;
        o += np;
        acc[o] = (acc[o] as number) + s20;
        acc[o + 1] = (acc[o + 1] as number) + s21;
        acc[o + 2] = (acc[o + 2] as number) + s22;
        acc[o + 3] = (acc[o + 3] as number) + s23;
        o += np;
        acc[o] = (acc[o] as number) + s30;
        acc[o + 1] = (acc[o + 1] as number) + s31;
        acc[o + 2] = (acc[o + 2] as number) + s32;
        acc[o + 3] = (acc[o + 3] as number) + s33;
      }
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < n; j += 1) out[i * n + j] = acc[i * np + j] as number;
  return out;
}
