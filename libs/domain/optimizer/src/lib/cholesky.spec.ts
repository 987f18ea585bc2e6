import { choleskyInPlace } from './psd';
import { randomCovariance } from '../testing/random-covariance';

// The blocked factorisation against its defining invariant, L·Lᵀ = A, on sizes around the 4-column
// blocks (1, 3, 4, 5, 8, 13, 37), and its refusal of matrices that are not positive definite.
describe('choleskyInPlace', () => {
  it.each([1, 2, 3, 4, 5, 8, 13, 37])('factors a %i x %i covariance with L·Lᵀ = A to 1e-13 relative', (n) => {
    const a = randomCovariance(n * 31 + 7, n, 2 * n + 5);
    const l = Float64Array.from(a);
    for (let i = 0; i < n; i += 1) for (let j = i + 1; j < n; j += 1) l[i * n + j] = Number.NaN; // never read
    expect(choleskyInPlace(l, n)).toBe(true);
    let scale = 0;
    for (let i = 0; i < n; i += 1) scale = Math.max(scale, a[i * n + i] as number);
    for (let i = 0; i < n; i += 1) {
      expect(l[i * n + i]).toBeGreaterThan(0);
      for (let j = 0; j <= i; j += 1) {
        let s = 0;
        for (let k = 0; k <= j; k += 1) s += (l[i * n + k] as number) * (l[j * n + k] as number);
        expect(Math.abs(s - (a[i * n + j] as number))).toBeLessThan(1e-13 * scale);
      }
      for (let j = i + 1; j < n; j += 1) expect(l[i * n + j]).toBeNaN(); // upper triangle untouched
    }
  });

  it('returns false for a zero-variance asset and for an indefinite matrix', () => {
    const n = 9;
    const a = randomCovariance(3, n, 2 * n + 5);
    const zero = Float64Array.from(a);
    for (let k = 0; k < n; k += 1) {
      zero[6 * n + k] = 0;
      zero[k * n + 6] = 0;
    }
    expect(choleskyInPlace(zero, n)).toBe(false);
    const indefinite = Float64Array.from(a);
    indefinite[7 * n + 7] = -1;
    expect(choleskyInPlace(indefinite, n)).toBe(false);
  });
});
