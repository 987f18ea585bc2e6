/**
 * Conventions shared by every statistic, following empyrical (quantopian/empyrical, empyrical/stats.py):
 * simple (not log) returns per period, 252 periods a year for daily data, a per-period risk-free
 * rate of 0 unless given.
 */
export const DEFAULT_PERIODS_PER_YEAR = 252;

export interface PeriodOptions {
  /** Periods per year used to annualise: 252 daily (default), 52 weekly, 12 monthly, 1 for none. */
  periodsPerYear?: number;
}

export interface RiskFreeOptions extends PeriodOptions {
  /** Risk-free return per period (not annual), subtracted from every return; default 0. */
  riskFree?: number;
}
