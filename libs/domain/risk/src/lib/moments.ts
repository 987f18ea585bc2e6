/**
 * Unchecked moment kernels over Float64Array (callers validate first). Two-pass algorithms with the
 * compensating term of Chan, Golub & LeVeque ("Algorithms for computing the sample variance", 1983),
 * as in numpy's var: the mean is computed first, then centred sums.
 */

/** Arithmetic mean. */
export function meanOf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i += 1) s += x[i] as number;
  return s / x.length;
}

/**
 * Variance with `ddof` delta degrees of freedom: Σ(x - x̄)² / (n - ddof), corrected two-pass.
 * ddof = 1 is the sample variance (empyrical's nanstd(ddof=1)), ddof = 0 the population variance.
 */
export function varianceOf(x: Float64Array, ddof: number, mean = meanOf(x)): number {
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < x.length; i += 1) {
    const d = (x[i] as number) - mean;
    ss += d * d;
    comp += d;
  }
  const n = x.length;
  return Math.max(0, (ss - (comp * comp) / n) / (n - ddof));
}

/**
 * A standard deviation counts as zero when it is below 8 ulps of the data's scale: a constant series
 * such as 1% every day leaves rounding noise of about 1e-18 in a two-pass variance, which would
 * otherwise turn a Sharpe ratio of +∞ (empyrical's answer) into a meaningless 1e16.
 */
export function isZeroDeviation(std: number, x: Float64Array): boolean {
  let scale = 0;
  for (let i = 0; i < x.length; i += 1) scale = Math.max(scale, Math.abs(x[i] as number));
  return std <= 8 * Number.EPSILON * Math.max(scale, Number.MIN_VALUE);
}

/** Central moments m2, m3, m4 with divisor n (population), for skewness and kurtosis. */
export function centralMoments(x: Float64Array): { mean: number; m2: number; m3: number; m4: number } {
  const mean = meanOf(x);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < x.length; i += 1) {
    const d = (x[i] as number) - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const n = x.length;
  return { mean, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Covariance of two equal-length series with `ddof`, two-pass. */
export function covarianceOf(x: Float64Array, y: Float64Array, ddof: number): number {
  const mx = meanOf(x);
  const my = meanOf(y);
  let s = 0;
  for (let i = 0; i < x.length; i += 1) s += ((x[i] as number) - mx) * ((y[i] as number) - my);
  return s / (x.length - ddof);
}

/**
 * Percentile with linear interpolation between closest ranks, numpy's default ("linear", Hyndman & Fan
 * type 7): position h = (n - 1)·q, value x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]) over the sorted data.
 * `sorted` must be ascending; q in [0, 1].
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Ascending sorted copy (Float64Array sorts numerically). */
export function sortedCopy(x: Float64Array): Float64Array {
  return Float64Array.from(x).sort();
}
