// The Householder + implicit-QL eigen-solver (symmetric-eigen.ts) and the blocked covariance kernel
// against independent implementations: ml-matrix's EigenvalueDecomposition (mljs/matrix, a port of
// JAMA's tred2/tql2) and a plain two-pass covariance, on seeded random matrices, to 1e-9.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import fc from 'fast-check';
import { covarianceMatrix, effectiveNumberOfBets, symmetricEigenProjection } from '../index';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296 - 0.5;
  };
}

/** A random covariance BᵀB / (k - 1) of `n` assets over `k` periods (rank-deficient when k ≤ n). */
function randomCovariance(n: number, k: number, seed: number): Float64Array {
  const rand = lcg(seed);
  const b = Array.from({ length: k }, () => Array.from({ length: n }, () => rand() * 0.02));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < n; j += 1) {
      let s = 0;
      for (let t = 0; t < k; t += 1) s += (b[t]?.[i] as number) * (b[t]?.[j] as number);
      out[i * n + j] = s / (k - 1);
    }
  return out;
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rand = lcg(seed);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = i; j < n; j += 1) {
      const v = rand();
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  return out;
}

/** ml-matrix reference: sorted eigenvalues and, per eigenvalue, the squared projection of w. */
function reference(a: Float64Array, n: number, w: Float64Array): { values: number[]; shares: number[] } {
  const rows = Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vectors = evd.eigenvectorMatrix;
  const pairs = evd.realEigenvalues.map((value, k) => {
    let p = 0;
    for (let i = 0; i < n; i += 1) p += vectors.get(i, k) * (w[i] as number);
    return { value, share: p * p };
  });
  pairs.sort((x, y) => x.value - y.value);
  return { values: pairs.map((p) => p.value), shares: pairs.map((p) => p.share) };
}

function mlMatrixEnb(a: Float64Array, n: number, w: Float64Array): number {
  const { values, shares } = reference(a, n, w);
  const parts = values.map((v, k) => (shares[k] as number) * Math.max(0, v));
  const total = parts.reduce((s, x) => s + x, 0);
  return Math.exp(-parts.reduce((s, x) => (x > 0 ? s + (x / total) * Math.log(x / total) : s), 0));
}

describe('symmetricEigenProjection', () => {
  it.each([
    ['1×1', 1, randomSymmetric(1, 1)],
    ['2×2', 2, randomSymmetric(2, 2)],
    ['3×3', 3, randomSymmetric(3, 3)],
    ['indefinite 17×17', 17, randomSymmetric(17, 4)],
    ['covariance 60 assets × 250 periods', 60, randomCovariance(60, 250, 5)],
    ['rank-deficient covariance 80 assets × 30 periods', 80, randomCovariance(80, 30, 6)],
  ])('%s: eigenvalues and projections equal ml-matrix to 1e-9', (_name, n, a) => {
    const w = Float64Array.from({ length: n }, (_, i) => 1 / n + (i % 3) * 0.01);
    const ours = symmetricEigenProjection(a, n, w);
    const ref = reference(a, n, w);
    const order = Array.from(ours.values.keys()).sort(
      (x, y) => (ours.values[x] as number) - (ours.values[y] as number),
    );
    const scale = Math.max(1e-300, ...ref.values.map(Math.abs));
    order.forEach((k, rank) => {
      expect(Math.abs((ours.values[k] as number) - (ref.values[rank] as number)) / scale).toBeLessThan(1e-9);
    });
    // Projections are defined up to sign (and only per eigenspace): compare the variance shares
    // p²λ, which is what the effective number of bets consumes, and the total ‖w‖².
    const norm2 = w.reduce((s, x) => s + x * x, 0);
    const oursNorm2 = ours.projections.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(oursNorm2 - norm2) / norm2).toBeLessThan(1e-12);
    if (n <= 60)
      order.forEach((k, rank) => {
        expect(Math.abs((ours.projections[k] as number) ** 2 - (ref.shares[rank] as number))).toBeLessThan(
          1e-9,
        );
      });
  });

  it('the effective number of bets equals the ml-matrix computation to 1e-9 (random covariances)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 3, max: 120 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (n, k, seed) => {
          const cov = randomCovariance(n, k, seed);
          const rand = lcg(seed + 1);
          const w = Float64Array.from({ length: n }, () => rand() + 0.6);
          const ours = effectiveNumberOfBets(w, { size: n, values: cov });
          const ref = mlMatrixEnb(cov, n, w);
          expect(Math.abs(ours - ref)).toBeLessThan(1e-9 * Math.max(1, ref));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('covarianceMatrix (blocked kernel)', () => {
  it('equals a plain two-pass covariance for sizes around the 2×4 tile and the 256-period block', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.constantFrom(2, 3, 127, 255, 256, 257, 600),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (n, t, seed) => {
          const rand = lcg(seed);
          const assets = Array.from({ length: n }, () =>
            Float64Array.from({ length: t }, () => rand() * 0.03),
          );
          const cov = covarianceMatrix(assets);
          const means = assets.map((a) => a.reduce((s, x) => s + x, 0) / t);
          for (let i = 0; i < n; i += 1)
            for (let j = 0; j < n; j += 1) {
              let s = 0;
              for (let k = 0; k < t; k += 1)
                s +=
                  ((assets[i]?.[k] as number) - (means[i] as number)) *
                  ((assets[j]?.[k] as number) - (means[j] as number));
              expect(Math.abs((cov.values[i * n + j] as number) - s / (t - 1))).toBeLessThan(1e-15);
            }
        },
      ),
      { numRuns: 40 },
    );
  });
});
