/**
 * Sum of floats with Neumaier's improved Kahan summation: the error stays near one rounding of the
 * result whatever the number and order of the terms, where naive summation accumulates one rounding
 * per term. Used for weights, so that "sums to 1" and "drifts sum to 0" hold to ~1e-16.
 *
 * Source: A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur Summation endlicher Summen",
 * ZAMM 54 (1974) 39-51; the algorithm as given in N. J. Higham, "Accuracy and Stability of Numerical
 * Algorithms", 2nd ed., section 4.3.
 */
export function sumFloats(values: Iterable<number>): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}
