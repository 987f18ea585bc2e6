import fc from 'fast-check';
import { centredColumnGram, centredGram, crossGram, defaultGramKernel } from './gram';
import { DimensionMismatchError } from './errors';

/** xorshift32 in [0, 1): seeded data, reproducible from the failing case fast-check prints. */
function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

function columnMeans(x: Float64Array, n: number, rows: number): Float64Array {
  const means = new Float64Array(n);
  for (let t = 0; t < rows; t += 1)
    for (let j = 0; j < n; j += 1) means[j] = (means[j] as number) + (x[t * n + j] as number);
  return means.map((s) => s / rows);
}

/** The textbook triple loop, the definition both kernels must reproduce. */
function naiveCross(
  a: Float64Array,
  am: Float64Array,
  b: Float64Array,
  bm: Float64Array,
  n: number,
  rows: number,
): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < n; j += 1) {
      let s = 0;
      for (let t = 0; t < rows; t += 1)
        s += ((a[t * n + i] as number) - (am[i] as number)) * ((b[t * n + j] as number) - (bm[j] as number));
      out[i * n + j] = s;
    }
  return out;
}

/** Largest |actual - expected| over the largest |expected| (or 1): one expectation per matrix. */
function relativeError(actual: Float64Array, expected: Float64Array): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  let worst = 0;
  for (let k = 0; k < expected.length; k += 1) {
    scale = Math.max(scale, Math.abs(expected[k] as number));
    worst = Math.max(worst, Math.abs((actual[k] as number) - (expected[k] as number)));
  }
  return worst / scale;
}

/** Index of the first entry whose bits differ (NaN payloads and the sign of zero included), or -1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  const x = new BigInt64Array(a.buffer, a.byteOffset, a.length);
  const y = new BigInt64Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < x.length; k += 1) if (x[k] !== y[k]) return k;
  return -1;
}

// Shapes around every boundary of the blocking: n = 1 and n not a multiple of the 4-column tile,
// rows = 2, rows not a multiple of the 4-row unroll or of the 512-row chunk, several chunks, and
// more than one 128-column sweep of the second panel.
const shapes = fc.record({
  n: fc.oneof(fc.integer({ min: 1, max: 13 }), fc.integer({ min: 125, max: 133 })),
  rows: fc.oneof(
    fc.integer({ min: 2, max: 9 }),
    fc.integer({ min: 509, max: 515 }),
    fc.integer({ min: 1020, max: 1100 }),
  ),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
});

describe('Gram kernels', () => {
  it('runs the WebAssembly SIMD kernel on this runtime (Node 20 validates fixed-width SIMD)', () => {
    expect(defaultGramKernel()).toBe('wasm-simd');
  });

  it("centredGram: the SIMD kernel returns the JS kernel's bits, and both equal the definition to 1e-12 relative", () => {
    fc.assert(
      fc.property(shapes, ({ n, rows, seed }) => {
        const rand = uniform(seed);
        const x = Float64Array.from({ length: n * rows }, () => rand() - 0.3);
        const means = columnMeans(x, n, rows);
        const simd = centredGram(x, n, rows, means, { kernel: 'wasm-simd' });
        const js = centredGram(x, n, rows, means, { kernel: 'js' });
        expect(firstDifference(simd, js)).toBe(-1);
        expect(relativeError(simd, naiveCross(x, means, x, means, n, rows))).toBeLessThanOrEqual(1e-12);
        for (let i = 0; i < n; i += 1)
          for (let j = 0; j < i; j += 1) expect(simd[i * n + j]).toBe(simd[j * n + i]);
      }),
      { numRuns: 30 },
    );
  });

  it('centredColumnGram equals centredGram of the same data held row-major', () => {
    fc.assert(
      fc.property(shapes, ({ n, rows, seed }) => {
        const rand = uniform(seed);
        const x = Float64Array.from({ length: n * rows }, () => 2 * rand() - 1);
        const means = columnMeans(x, n, rows);
        const columns = Array.from({ length: n }, (_, j) =>
          Float64Array.from({ length: rows }, (_, t) => x[t * n + j] as number),
        );
        const byRows = centredGram(x, n, rows, means, { kernel: 'js' });
        expect(
          firstDifference(centredColumnGram(columns, rows, means, { kernel: 'wasm-simd' }), byRows),
        ).toBe(-1);
        expect(firstDifference(centredColumnGram(columns, rows, means, { kernel: 'js' }), byRows)).toBe(-1);
      }),
      { numRuns: 15 },
    );
  });

  it('crossGram: AᵀB (not symmetric), the same bits from both kernels, the definition to 1e-12 relative', () => {
    fc.assert(
      fc.property(shapes, ({ n, rows, seed }) => {
        const rand = uniform(seed);
        const a = Float64Array.from({ length: n * rows }, () => rand() - 0.5);
        const b = Float64Array.from({ length: n * rows }, () => rand() + 0.1);
        const simd = crossGram(a, b, n, rows, { kernel: 'wasm-simd' });
        expect(firstDifference(simd, crossGram(a, b, n, rows, { kernel: 'js' }))).toBe(-1);
        const zero = new Float64Array(n);
        expect(relativeError(simd, naiveCross(a, zero, b, zero, n, rows))).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 15 },
    );
  });

  it('reuses the grown memory: a small product after a large one is still exact', () => {
    const rand = uniform(7);
    const big = Float64Array.from({ length: 300 * 700 }, () => rand());
    centredGram(big, 300, 700, new Float64Array(300));
    const x = Float64Array.from([1, 2, 3, 5]);
    // Columns (1, 3) and (2, 5) about their means (2, 3.5): [[2, 3], [3, 4.5]].
    expect(Array.from(centredGram(x, 2, 2, [2, 3.5]))).toEqual([2, 3, 3, 4.5]);
  });

  it('names a length that does not match the dimensions', () => {
    expect(() => centredGram(new Float64Array(5), 2, 3, new Float64Array(2))).toThrow(DimensionMismatchError);
    expect(() => centredGram(new Float64Array(6), 2, 3, new Float64Array(3))).toThrow(
      'means: 3 values where the dimensions need 2',
    );
    expect(() =>
      centredColumnGram([new Float64Array(3), new Float64Array(2)], 3, new Float64Array(2)),
    ).toThrow('column 1: 2 values where the dimensions need 3');
    expect(() => crossGram(new Float64Array(6), new Float64Array(4), 2, 3)).toThrow(DimensionMismatchError);
  });
});
