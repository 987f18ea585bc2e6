// Skewness and kurtosis of a constant series: scipy.stats.skew / kurtosis answer NaN ("precision loss
// ... data are nearly identical"); here a ZeroVarianceError, never the shape of rounding noise.
import { excessKurtosis, skewness } from '../index';

describe('skewness and kurtosis of a constant series', () => {
  it('are ZeroVarianceError (0.1% every day leaves a population variance of rounding noise)', () => {
    const flat = Array<number>(30).fill(0.001);
    expect(() => skewness(flat)).toThrow('skewness is undefined: returns has zero variance');
    expect(() => excessKurtosis(flat)).toThrow('kurtosis is undefined: returns has zero variance');
  });

  it('a two-valued series still has a shape: skew 0 and excess kurtosis -2 for a symmetric one', () => {
    expect(skewness([0.01, -0.01, 0.01, -0.01])).toBeCloseTo(0, 12);
    expect(excessKurtosis([0.01, -0.01, 0.01, -0.01])).toBeCloseTo(-2, 12);
  });
});
