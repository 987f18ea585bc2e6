import { sumFloats } from './float-sum';

describe('sumFloats', () => {
  it('sums weights that add to 1 on paper to exactly 1', () => {
    expect(0.6 + 0.3 + 0.1).toBe(0.9999999999999999);
    expect(sumFloats([0.6, 0.3, 0.1])).toBe(1);
    const tenths = Array.from({ length: 10 }, () => 0.1);
    expect(tenths.reduce((a, b) => a + b, 0)).toBe(0.9999999999999999);
    expect(sumFloats(tenths)).toBe(1);
  });

  it('recovers small terms lost to naive summation (Higham, section 4.3)', () => {
    // Naively 1 + 1e-16 = 1 and the small terms vanish; their exact sum is 1 + 2e-16.
    expect(1 + 1e-16 + 1e-16).toBe(1);
    expect(sumFloats([1, 1e-16, 1e-16])).toBe(1 + 2e-16);
    // Neumaier's variant also handles a large term after a small running sum (where Kahan's fails).
    expect(sumFloats([1, 1e100, 1, -1e100])).toBe(2);
  });

  it('is 0 for no terms', () => {
    expect(sumFloats([])).toBe(0);
  });
});
