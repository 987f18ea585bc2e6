import fc from 'fast-check';
import { householderTridiagonal } from './tridiagonal';
import { DimensionMismatchError } from './errors';

function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296 - 0.5;
  };
}

function symmetric(n: number, seed: number): Float64Array {
  const rand = uniform(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = i; j < n; j += 1) {
      const v = rand();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

const bits = (x: Float64Array): bigint[] => Array.from(new BigInt64Array(x.buffer, x.byteOffset, x.length));

// An orthogonal similarity keeps the trace, the Frobenius norm (Golub & Van Loan, Matrix
// Computations, 4th ed., §8.3.1: T = QᵀAQ) and the length of the rotated vector; the SIMD pass and
// its JavaScript mirror must agree to the bit (same additions in the same order). Odd and even sizes
// cover the single last row and the odd column left over by the two-column SIMD loop.
describe('householderTridiagonal', () => {
  it('is an orthogonal similarity (trace, Frobenius norm, |Hᵀx|) and the same bits from both kernels', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (n, seed) => {
        const a = symmetric(n, seed);
        const rand = uniform(seed + 1);
        const x = Float64Array.from({ length: n }, () => rand());
        const simd = householderTridiagonal(a, n, x, { kernel: 'wasm-simd' });
        const js = householderTridiagonal(a, n, x, { kernel: 'js' });
        expect(bits(simd.diagonal)).toEqual(bits(js.diagonal));
        expect(bits(simd.offDiagonal)).toEqual(bits(js.offDiagonal));
        expect(bits(simd.rotated)).toEqual(bits(js.rotated));
        let traceA = 0;
        let normA = 0;
        for (let i = 0; i < n; i += 1) traceA += a[i * n + i] as number;
        for (const v of a) normA += v * v;
        let traceT = 0;
        let normT = 0;
        for (let i = 0; i < n; i += 1) {
          const d = simd.diagonal[i] as number;
          const e = simd.offDiagonal[i] as number;
          traceT += d;
          normT += d * d + 2 * e * e;
        }
        expect(simd.offDiagonal[n - 1]).toBe(0);
        expect(Math.abs(traceT - traceA)).toBeLessThanOrEqual(1e-12 * Math.max(1, normA));
        expect(Math.abs(normT - normA)).toBeLessThanOrEqual(1e-12 * Math.max(1, normA));
        const length = (v: Float64Array) => Math.sqrt(v.reduce((s, y) => s + y * y, 0));
        expect(Math.abs(length(simd.rotated) - length(x))).toBeLessThanOrEqual(
          1e-12 * Math.max(1, length(x)),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('leaves a matrix that is already tridiagonal as it is', () => {
    const t = householderTridiagonal([2, 1, 0, 1, 3, 4, 0, 4, 5], 3, [1, 2, 3]);
    expect(Array.from(t.diagonal)).toEqual([2, 3, 5]);
    expect(Array.from(t.offDiagonal)).toEqual([1, 4, 0]);
    expect(Array.from(t.rotated)).toEqual([1, 2, 3]);
  });

  it('names a length that does not match the dimensions', () => {
    expect(() => householderTridiagonal(new Float64Array(8), 3, [1, 2, 3])).toThrow(DimensionMismatchError);
    expect(() => householderTridiagonal(new Float64Array(9), 3, [1, 2])).toThrow(
      'vector: 2 values where the dimensions need 3',
    );
  });
});
