import { InvalidInputError } from './errors';

/** Linkage matrix row as scipy returns it: the two merged cluster ids, the distance, the size. */
export interface LinkageRow {
  readonly left: number;
  readonly right: number;
  readonly distance: number;
  readonly size: number;
}

/**
 * Single-linkage hierarchical clustering of `n` items from a symmetric distance matrix, with
 * scipy's exact conventions so that the leaf order (and hence HRP weights) match: Prim's minimum
 * spanning tree from item 0 (ties to the lowest index), edges stably sorted by distance, then
 * relabelled with union-find, the smaller cluster id on the left, new clusters numbered `n + row`
 * (scipy/cluster/_hierarchy.pyx, `mst_single_linkage` and `label`).
 */
export function singleLinkage(distance: Float64Array, n: number): LinkageRow[] {
  if (n < 2) throw new InvalidInputError('clustering needs at least 2 assets');
  const merged = new Uint8Array(n);
  const d = new Float64Array(n).fill(Infinity);
  const edges: { x: number; y: number; dist: number }[] = [];
  let x = 0;
  for (let k = 0; k < n - 1; k += 1) {
    let currentMin = Infinity;
    let y = 0;
    merged[x] = 1;
    for (let i = 0; i < n; i += 1) {
      if (merged[i] === 1) continue;
      const dist = distance[x * n + i] as number;
      if ((d[i] as number) > dist) d[i] = dist;
      if ((d[i] as number) < currentMin) {
        y = i;
        currentMin = d[i] as number;
      }
    }
    edges.push({ x, y, dist: currentMin });
    x = y;
  }
  // Array.prototype.sort is stable (ES2019), like numpy's mergesort.
  edges.sort((p, q) => p.dist - q.dist);
  const parent = new Int32Array(2 * n - 1).map((_, i) => i);
  const size = new Int32Array(2 * n - 1).fill(1);
  const find = (v: number): number => {
    let r = v;
    while (parent[r] !== r) r = parent[r] as number;
    let c = v;
    while (parent[c] !== r) {
      const next = parent[c] as number;
      parent[c] = r;
      c = next;
    }
    return r;
  };
  return edges.map((e, i) => {
    const rx = find(e.x);
    const ry = find(e.y);
    const id = n + i;
    parent[rx] = id;
    parent[ry] = id;
    size[id] = (size[rx] as number) + (size[ry] as number);
    return { left: Math.min(rx, ry), right: Math.max(rx, ry), distance: e.dist, size: size[id] };
  });
}

/** Leaves of the linkage tree in pre-order, left first (scipy `to_tree(link).pre_order()`). */
export function quasiDiagonalOrder(link: readonly LinkageRow[], n: number): number[] {
  const order: number[] = [];
  const stack = [n + link.length - 1];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (id < n) {
      order.push(id);
      continue;
    }
    const row = link[id - n] as LinkageRow;
    stack.push(row.right, row.left);
  }
  return order;
}

/** Variance of the inverse-variance portfolio of `items` (López de Prado 2016, `getClusterVar`). */
export function clusterVariance(covariance: Float64Array, n: number, items: readonly number[]): number {
  let total = 0;
  for (const i of items) total += 1 / (covariance[i * n + i] as number);
  let v = 0;
  for (const i of items) {
    const wi = 1 / (covariance[i * n + i] as number) / total;
    for (const j of items)
      v += wi * (covariance[i * n + j] as number) * (1 / (covariance[j * n + j] as number) / total);
  }
  return v;
}

export interface HrpResult {
  readonly weights: Float64Array;
  /** Asset indices in the quasi-diagonal (dendrogram leaf) order. */
  readonly order: readonly number[];
  readonly linkage: readonly LinkageRow[];
}

/**
 * Hierarchical risk parity (López de Prado 2016, "Building diversified portfolios that outperform
 * out of sample"), as PyPortfolioOpt `HRPOpt.optimize` with single linkage: distance
 * `sqrt((1 - ρ_ij) / 2)`, single-linkage tree, quasi-diagonal order, then recursive bisection of
 * the ordered list into halves, each half weighted by `1 - V_1 / (V_1 + V_2)` with `V` the
 * inverse-variance cluster variance. Long only, weights sum to 1. The covariance scale does not
 * matter (daily or annualised give the same weights).
 *
 * Throws {@link InvalidInputError} for mismatched sizes or fewer than 2 assets.
 */
export function hierarchicalRiskParity(
  covariance: Float64Array,
  correlation: Float64Array,
  n: number,
): HrpResult {
  if (covariance.length !== n * n || correlation.length !== n * n) {
    throw new InvalidInputError(`covariance and correlation must be ${n} x ${n}`);
  }
  const dist = new Float64Array(n * n);
  for (let k = 0; k < n * n; k += 1) dist[k] = Math.sqrt(Math.max(0, (1 - (correlation[k] as number)) / 2));
  for (let i = 0; i < n; i += 1) dist[i * n + i] = 0;
  const linkage = singleLinkage(dist, n);
  const order = quasiDiagonalOrder(linkage, n);
  const w = new Float64Array(n).fill(1);
  let clusters: number[][] = [order];
  while (clusters.length > 0) {
    const next: number[][] = [];
    for (const cl of clusters) {
      if (cl.length <= 1) continue;
      const half = Math.floor(cl.length / 2);
      next.push(cl.slice(0, half), cl.slice(half));
    }
    for (let i = 0; i < next.length; i += 2) {
      const first = next[i] as number[];
      const second = next[i + 1] as number[];
      const v1 = clusterVariance(covariance, n, first);
      const v2 = clusterVariance(covariance, n, second);
      const alpha = 1 - v1 / (v1 + v2);
      for (const k of first) w[k] = (w[k] as number) * alpha;
      for (const k of second) w[k] = (w[k] as number) * (1 - alpha);
    }
    clusters = next;
  }
  return { weights: w, order, linkage };
}

/** Correlation from covariance, `Σ_ij / sqrt(Σ_ii Σ_jj)` (PyPortfolioOpt `risk_models.cov_to_corr`). */
export function covarianceToCorrelation(covariance: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      out[i * n + j] =
        (covariance[i * n + j] as number) /
        Math.sqrt((covariance[i * n + i] as number) * (covariance[j * n + j] as number));
    }
  }
  return out;
}
