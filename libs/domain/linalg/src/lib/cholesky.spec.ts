import { choleskyLower, choleskySucceeds } from './cholesky';
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

/** `XᵀX / t` of `t` rows of uniform draws: a covariance, positive definite when t > n. */
function covariance(seed: number, n: number, t: number): Float64Array {
  const rand = uniform(seed);
  const x = Float64Array.from({ length: n * t }, () => rand());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j <= i; j += 1) {
      let s = 0;
      for (let r = 0; r < t; r += 1) s += (x[r * n + i] as number) * (x[r * n + j] as number);
      a[i * n + j] = s / t;
      a[j * n + i] = s / t;
    }
  return a;
}

const bits = (x: Float64Array): bigint[] => Array.from(new BigInt64Array(x.buffer, x.byteOffset, x.length));

// The blocked factorisation against its defining invariant, L·Lᵀ = A (Golub & Van Loan, Alg. 4.2.2),
// on sizes around the 4-column tiles and the 64-column blocks, and its refusal of matrices that are
// not positive definite.
describe('choleskyLower', () => {
  it.each([1, 2, 3, 4, 5, 13, 63, 64, 65, 130])(
    'factors a %i x %i covariance with L·Lᵀ = A to 1e-13 relative, the same bits from both kernels',
    (n) => {
      const a = covariance(n * 31 + 7, n, 2 * n + 5);
      const input = Float64Array.from(a);
      for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) input[i * n + j] = Number.NaN; // never read
      const l = choleskyLower(input, n, { kernel: 'wasm-simd' }) as Float64Array;
      expect(l).not.toBeNull();
      expect(bits(l)).toEqual(bits(choleskyLower(input, n, { kernel: 'js' }) as Float64Array));
      let scale = 0;
      for (let i = 0; i < n; i += 1) scale = Math.max(scale, a[i * n + i] as number);
      let worst = 0;
      for (let i = 0; i < n; i += 1) {
        expect(l[i * n + i]).toBeGreaterThan(0);
        for (let j = 0; j <= i; j += 1) {
          let s = 0;
          for (let k = 0; k <= j; k += 1) s += (l[i * n + k] as number) * (l[j * n + k] as number);
          worst = Math.max(worst, Math.abs(s - (a[i * n + j] as number)));
        }
        for (let j = i + 1; j < n; j += 1) expect(l[i * n + j]).toBe(0);
      }
      expect(worst).toBeLessThan(1e-13 * scale);
      expect(Number.isNaN(input[n > 1 ? 1 : 0] as number)).toBe(n > 1); // the input is not modified
    },
  );

  it('fails for a zero-variance asset, an indefinite matrix and a rank-deficient one (T < n)', () => {
    const n = 70;
    const a = covariance(3, n, 2 * n + 5);
    const zero = Float64Array.from(a);
    for (let k = 0; k < n; k += 1) {
      zero[66 * n + k] = 0;
      zero[k * n + 66] = 0;
    }
    expect(choleskySucceeds(zero, n)).toBe(false);
    expect(choleskySucceeds(zero, n, { kernel: 'js' })).toBe(false);
    const indefinite = Float64Array.from(a);
    indefinite[67 * n + 67] = -1;
    expect(choleskySucceeds(indefinite, n)).toBe(false);
    expect(choleskySucceeds(a, n)).toBe(true);
    expect(choleskySucceeds(covariance(5, n, 20), n)).toBe(false);
  });

  it('adds the diagonal shift before factoring', () => {
    expect(choleskySucceeds([0, 0, 0, 0], 2)).toBe(false);
    expect(choleskySucceeds([0, 0, 0, 0], 2, { diagonalShift: 1e-16 })).toBe(true);
    expect(Array.from(choleskyLower([4, 2, 2, 2], 2, { diagonalShift: 1 }) as Float64Array)).toEqual([
      Math.sqrt(5),
      0,
      2 / Math.sqrt(5),
      Math.sqrt(3 - 4 / 5),
    ]);
  });

  it('names a length that does not match the dimensions', () => {
    expect(() => choleskySucceeds(new Float64Array(3), 2)).toThrow(DimensionMismatchError);
  });
});
