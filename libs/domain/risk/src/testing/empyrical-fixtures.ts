/**
 * Input series of empyrical's own test suite, transcribed from quantopian/empyrical,
 * empyrical/tests/test_stats.py (class TestStats), values divided by 100 as there.
 *
 * empyrical's `mixed_returns` starts with NaN. Our checked API rejects NaN (NonFiniteValueError), so the
 * two clean series below reproduce what empyrical does with that NaN:
 * - its nan-aware reductions (nanmean, nanstd: Sharpe, volatility, Sortino, downside risk, Omega,
 *   tail ratio, alpha/beta) drop it: `mixedReturnsDropped` (8 observations);
 * - cum_returns / annual_return (and so Calmar and capture) count it as a 0% period:
 *   `mixedReturnsZeroed` (9 observations), which is also exactly `weekly_returns` and `monthly_returns`.
 */
const pct = (xs: readonly number[]): number[] => xs.map((x) => x / 100);

export const simpleBenchmark = pct([0, 1, 0, 1, 0, 1, 0, 1, 0]);
export const positiveReturns = pct([1, 2, 1, 1, 1, 1, 1, 1, 1]);
export const negativeReturns = pct([0, -6, -7, -1, -9, -2, -6, -8, -5]);
export const allNegativeReturns = pct([-2, -6, -7, -1, -9, -2, -6, -8, -5]);
export const mixedReturnsDropped = pct([1, 10, -4, 2, 3, 2, 1, -10]);
export const mixedReturnsZeroed = pct([0, 1, 10, -4, 2, 3, 2, 1, -10]);
export const weeklyReturns = mixedReturnsZeroed;
export const monthlyReturns = mixedReturnsZeroed;
export const flatLine1 = pct([1, 1, 1, 1, 1, 1, 1, 1, 1]);
export const oneReturn = pct([1]);
/** `df_simple` / `df_week` / `df_month` columns (already decimals in empyrical). */
export const dfOne = [
  -0.00171614, 0.01322056, 0.03063862, -0.01422057, -0.00489779, 0.01268925, -0.03357711, 0.01797036,
];
export const dfTwo = [
  0.01846232, 0.00793951, -0.01448395, 0.00422537, -0.00339611, 0.03756813, 0.0151531, 0.03549769,
];

/**
 * numpy.testing.assert_almost_equal(actual, desired, decimal): |desired - actual| < 1.5 · 10^-decimal.
 * empyrical's DECIMAL_PLACES is 8.
 */
export function expectAlmostEqual(actual: number, desired: number, decimal = 8): void {
  const tolerance = 1.5 * Math.pow(10, -decimal);
  if (!(Math.abs(desired - actual) < tolerance)) {
    throw new Error(
      `expected ${desired} to ${decimal} decimals, got ${actual} (|Δ| = ${Math.abs(desired - actual)})`,
    );
  }
}
