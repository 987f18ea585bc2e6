import { DimensionMismatchError } from './errors';
import { type GramKernelName, type GramOptions, wasmOrNull } from './gram';
import { reserveWasmMemory } from './wasm-module';

/** A symmetric tridiagonal `T = Hᵀ A H` and a vector carried into the same basis. */
export interface Tridiagonal {
  /** T's diagonal, n entries. */
  readonly diagonal: Float64Array;
  /** T's off-diagonal: `offDiagonal[i]` couples entries i and i + 1; the last entry is 0. */
  readonly offDiagonal: Float64Array;
  /** `Hᵀ x` for the vector `x` given: its coordinates in the basis in which A is tridiagonal. */
  readonly rotated: Float64Array;
}

/** One pass over rows [off, n): see `tridiagonalRows` in tools/gram-wat.ts; offsets in elements. */
type RowsPass = (
  m: Float64Array,
  n: number,
  off: number,
  v: number,
  q: number,
  pv: number,
  pq: number,
) => void;

/**
 * The JavaScript mirror of the WebAssembly `tridiagonalRows`, adding in the same order (the columns
 * right of each 2 x 2 diagonal block in even and odd lanes), so that both give the same bits.
 */
const jsRowsPass: RowsPass = (m, n, off, v, q, pv, pq) => {
  let gi = off;
  for (; gi + 1 < n; gi += 2) {
    const row0 = gi * n;
    const row1 = row0 + n;
    const g1 = gi + 1;
    const v0 = m[v + gi] as number;
    const v1 = m[v + g1] as number;
    const pv0 = m[pv + gi] as number;
    const pq0 = m[pq + gi] as number;
    const pv1 = m[pv + g1] as number;
    const pq1 = m[pq + g1] as number;
    const a00 = (m[row0 + gi] as number) - 2 * pv0 * pq0;
    const a01 = (m[row0 + g1] as number) - pv0 * pq1 - pq0 * pv1;
    const a11 = (m[row1 + g1] as number) - 2 * pv1 * pq1;
    m[row0 + gi] = a00;
    m[row0 + g1] = a01;
    m[row1 + g1] = a11;
    let s0 = a00 * v0 + a01 * v1;
    let s1 = a01 * v0 + a11 * v1;
    let even0 = 0;
    let odd0 = 0;
    let even1 = 0;
    let odd1 = 0;
    let j = gi + 2;
    for (; j + 1 < n; j += 2) {
      const k = j + 1;
      const x0 = (m[row0 + j] as number) - pv0 * (m[pq + j] as number) - pq0 * (m[pv + j] as number);
      const y0 = (m[row0 + k] as number) - pv0 * (m[pq + k] as number) - pq0 * (m[pv + k] as number);
      const x1 = (m[row1 + j] as number) - pv1 * (m[pq + j] as number) - pq1 * (m[pv + j] as number);
      const y1 = (m[row1 + k] as number) - pv1 * (m[pq + k] as number) - pq1 * (m[pv + k] as number);
      m[row0 + j] = x0;
      m[row0 + k] = y0;
      m[row1 + j] = x1;
      m[row1 + k] = y1;
      const vj = m[v + j] as number;
      const vk = m[v + k] as number;
      even0 += x0 * vj;
      odd0 += y0 * vk;
      even1 += x1 * vj;
      odd1 += y1 * vk;
      m[q + j] = (m[q + j] as number) + x0 * v0 + x1 * v1;
      m[q + k] = (m[q + k] as number) + y0 * v0 + y1 * v1;
    }
    s0 += even0 + odd0;
    s1 += even1 + odd1;
    if (j < n) {
      const pvj = m[pv + j] as number;
      const pqj = m[pq + j] as number;
      const vj = m[v + j] as number;
      const x0 = (m[row0 + j] as number) - pv0 * pqj - pq0 * pvj;
      const x1 = (m[row1 + j] as number) - pv1 * pqj - pq1 * pvj;
      m[row0 + j] = x0;
      m[row1 + j] = x1;
      s0 += x0 * vj;
      s1 += x1 * vj;
      m[q + j] = (m[q + j] as number) + x0 * v0 + x1 * v1;
    }
    m[q + gi] = (m[q + gi] as number) + s0;
    m[q + g1] = (m[q + g1] as number) + s1;
  }
  if (gi < n) {
    // The last row on its own: only its diagonal entry is in the upper triangle.
    const row = gi * n;
    const aii = (m[row + gi] as number) - 2 * (m[pv + gi] as number) * (m[pq + gi] as number);
    m[row + gi] = aii;
    m[q + gi] = (m[q + gi] as number) + aii * (m[v + gi] as number);
  }
};

function workspace(
  kernel: GramKernelName | undefined,
  elements: number,
): { m: Float64Array; pass: RowsPass } {
  const wasm = wasmOrNull(kernel);
  const m = wasm === null ? null : reserveWasmMemory(wasm, elements);
  if (wasm === null || m === null) return { m: new Float64Array(elements), pass: jsRowsPass };
  return {
    m,
    pass: (_m, n, off, v, q, pv, pq) => wasm.tridiagonalRows(0, n, off, 8 * v, 8 * q, 8 * pv, 8 * pq),
  };
}

/**
 * Householder reduction of the symmetric `n x n` row-major `matrix` (only the upper triangle is
 * read) to tridiagonal form `A = H T Hᵀ`, and `Hᵀ x` for one vector `x`, without forming H: O(⅔n³).
 *
 * As LAPACK dsytd2 (unblocked, upper-triangle storage): reflector `v` with β = 2 / vᵀv, `p = βA₂₂v`,
 * `q = p - (β/2)(vᵀp)v`, `A₂₂ ← A₂₂ - vqᵀ - qvᵀ`. Each step's rank-2 update is applied to a row in the
 * same pass that multiplies that row into the next step's `A₂₂v`, so every step reads the trailing
 * matrix once rather than twice (the look-ahead of LAPACK's dsytrd). The pass runs in WebAssembly
 * SIMD (f64x2, tools/gram-wat.ts) where available, else in its JavaScript mirror; both give the same
 * bits. The QL iteration on T is the caller's (it is short: O(n²)).
 *
 * Throws {@link DimensionMismatchError} when `matrix` is not `n * n` long or `vector` not `n`.
 */
export function householderTridiagonal(
  matrix: ArrayLike<number>,
  n: number,
  vector: ArrayLike<number>,
  options: GramOptions = {},
): Tridiagonal {
  if (matrix.length !== n * n) throw new DimensionMismatchError('matrix', matrix.length, n * n);
  if (vector.length !== n) throw new DimensionMismatchError('vector', vector.length, n);
  const { m: a, pass } = workspace(options.kernel, n * n + 4 * n);
  for (let k = 0; k < n * n; k += 1) a[k] = matrix[k] as number;
  const u = Float64Array.from(vector);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Reflector v and q of the current step, and those of the previous step whose rank-2 update is
  // still pending; offsets into `a` past the matrix, vectors indexed by global row/column.
  let v = n * n;
  let q = v + n;
  let pv = q + n;
  let pq = pv + n;
  a.fill(0, v, v + 4 * n);
  let pending = false;
  let pendingFrom = 0;
  const applyPending = (gi: number): void => {
    const row = gi * n;
    const vi = a[pv + gi] as number;
    const qi = a[pq + gi] as number;
    for (let j = gi; j < n; j += 1)
      a[row + j] = (a[row + j] as number) - vi * (a[pq + j] as number) - qi * (a[pv + j] as number);
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
    a[v + off] = x0 - alpha;
    for (let j = off + 1; j < n; j += 1) a[v + j] = a[base + j] as number;
    const beta = 2 / ((a[v + off] as number) ** 2 + sigma);
    a.fill(0, q + off, q + n);
    if (!pending) {
      // No pending update: zero vectors make the pass apply nothing, with one code path.
      a.fill(0, pv + off, pv + n);
      a.fill(0, pq + off, pq + n);
    }
    pass(a, n, off, v, q, pv, pq);
    let vq = 0;
    for (let i = off; i < n; i += 1) {
      a[q + i] = beta * (a[q + i] as number);
      vq += (a[v + i] as number) * (a[q + i] as number);
    }
    const half = 0.5 * beta * vq;
    for (let i = off; i < n; i += 1) a[q + i] = (a[q + i] as number) - half * (a[v + i] as number);
    let vu = 0;
    for (let i = off; i < n; i += 1) vu += (a[v + i] as number) * (u[i] as number);
    const scale = beta * vu;
    for (let i = off; i < n; i += 1) u[i] = (u[i] as number) - scale * (a[v + i] as number);
    [pv, v] = [v, pv];
    [pq, q] = [q, pq];
    pending = true;
    pendingFrom = off;
  }
  if (pending) for (let gi = pendingFrom; gi < n; gi += 1) applyPending(gi);
  for (let i = 0; i < n; i += 1) d[i] = a[i * n + i] as number;
  if (n >= 2) e[n - 2] = a[(n - 2) * n + n - 1] as number;
  if (n >= 1) e[n - 1] = 0;
  return { diagonal: d, offDiagonal: e, rotated: u };
}
