/**
 * Seeded test and benchmark data: a covariance `XᵀX / T` (centred by construction, population
 * normalisation) of `T` rows of `n` independent uniform(-0.5, 0.5) draws from xorshift32, and
 * matching expected returns. Deterministic for a seed; full rank when `T > n`.
 */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export function randomCovariance(seed: number, n: number, t: number): Float64Array {
  const rand = xorshift(seed);
  const x = new Float64Array(n * t);
  for (let k = 0; k < x.length; k += 1) x[k] = rand() - 0.5;
  // Column-major copy for contiguous dot products.
  const cols = new Float64Array(n * t);
  for (let r = 0; r < t; r += 1) for (let i = 0; i < n; i += 1) cols[i * t + r] = x[r * n + i] as number;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let v = 0;
      for (let r = 0; r < t; r += 1) v += (cols[i * t + r] as number) * (cols[j * t + r] as number);
      out[i * n + j] = v / t;
      out[j * n + i] = v / t;
    }
  }
  return out;
}

/** Expected returns uniform in [-0.05, 0.25), seeded. */
export function randomReturns(seed: number, n: number): Float64Array {
  const rand = xorshift(seed ^ 0x9e3779b9);
  return Float64Array.from({ length: n }, () => -0.05 + 0.3 * rand());
}
