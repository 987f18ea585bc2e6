import { centredGram, crossGram } from './gram';
import { xorshift } from '../testing/random-covariance';

// The blocked kernel against the textbook double loop: column counts that are not multiples of 4
// (padding) and row counts across several 512-row chunks (chunk boundaries, a short last chunk).
describe('centredGram', () => {
  it.each([
    [1, 3],
    [5, 2],
    [7, 1100],
    [13, 512],
    [33, 1537],
  ])('equals Σ (x - m)(y - m) for n = %i, rows = %i to 1e-12 relative', (n, rows) => {
    const rand = xorshift(n * 1000 + rows);
    const x = Float64Array.from({ length: n * rows }, () => rand() - 0.3);
    const means = new Float64Array(n);
    for (let t = 0; t < rows; t += 1)
      for (let j = 0; j < n; j += 1) means[j] = (means[j] as number) + (x[t * n + j] as number) / rows;
    const g = centredGram(x, n, rows, means);
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < n; j += 1) {
        let s = 0;
        for (let t = 0; t < rows; t += 1)
          s +=
            ((x[t * n + i] as number) - (means[i] as number)) *
            ((x[t * n + j] as number) - (means[j] as number));
        expect(Math.abs((g[i * n + j] as number) - s)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(s)));
      }
    }
  });

  it.each([
    [3, 5],
    [6, 700],
  ])('crossGram: Σ a_ti b_tj for n = %i, rows = %i to 1e-12 relative (not symmetric)', (n, rows) => {
    const rand = xorshift(n * 7 + rows);
    const a = Float64Array.from({ length: n * rows }, () => rand() - 0.5);
    const b = Float64Array.from({ length: n * rows }, () => rand() + 0.1);
    const g = crossGram(a, b, n, rows);
    for (let i = 0; i < n; i += 1) {
      for (let j = 0; j < n; j += 1) {
        let s = 0;
        for (let t = 0; t < rows; t += 1) s += (a[t * n + i] as number) * (b[t * n + j] as number);
        expect(Math.abs((g[i * n + j] as number) - s)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(s)));
      }
    }
  });
});
