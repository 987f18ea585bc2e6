import { isMissing } from './numbers';
import { ewmLast } from './covariance';
import { InvalidInputError, ConstantSeriesError } from './errors';
import { checkReturns, rowCount, type SeriesMatrix } from './price-matrix';

/** Annualised expected return per asset, in the order of `symbols`. */
export interface ExpectedReturns {
  readonly symbols: readonly string[];
  readonly values: Float64Array;
}

export interface ReturnOptions {
  /** Periods per year; 252 by default. */
  frequency?: number;
  /** Geometric (CAGR) when true (the default), arithmetic mean times `frequency` otherwise. */
  compounding?: boolean;
}

/**
 * Annualised mean historical return of each column of periodic `returns`, over that column's
 * present observations only. Compounding (default): `Π(1 + r_t)^(frequency / count) - 1` (CAGR);
 * otherwise `frequency * mean(r)`. As PyPortfolioOpt `expected_returns.mean_historical_return`.
 *
 * Throws {@link InsufficientDataError} when a column has no observation.
 */
export function meanHistoricalReturn(
  returns: SeriesMatrix,
  { frequency = 252, compounding = true }: ReturnOptions = {},
): ExpectedReturns {
  checkReturns(returns, 'mean historical return', 1);
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    let logGrowth = 0;
    let sum = 0;
    let count = 0;
    for (let t = 0; t < rows; t += 1) {
      const r = returns.values[t * n + j] as number;
      if (isMissing(r)) continue;
      // Sum of log1p rather than a running product: same value, no overflow over decades of data.
      logGrowth += Math.log1p(r);
      sum += r;
      count += 1;
    }
    out[j] = compounding ? Math.expm1((logGrowth * frequency) / count) : (sum / count) * frequency;
  }
  return { symbols: returns.symbols, values: out };
}

/**
 * Annualised exponentially weighted mean return: `m` = last value of the EWM mean with `span`
 * (pandas `ewm(span, adjust=True)`, see {@link ewmLast}); `(1 + m)^frequency - 1` when compounding
 * (default), `frequency * m` otherwise. As PyPortfolioOpt `expected_returns.ema_historical_return`
 * (span 500 by default).
 */
export function emaHistoricalReturn(
  returns: SeriesMatrix,
  { frequency = 252, compounding = true, span = 500 }: ReturnOptions & { span?: number } = {},
): ExpectedReturns {
  checkReturns(returns, 'EMA historical return', 1);
  if (!(span >= 1)) throw new InvalidInputError(`span must be >= 1, got ${span}`);
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    const m = ewmLast(returns.values, rows, n, j, span);
    out[j] = compounding ? (1 + m) ** frequency - 1 : m * frequency;
  }
  return { symbols: returns.symbols, values: out };
}

export interface CapmOptions extends ReturnOptions {
  /** Annual risk-free rate; 0.02 by default (PyPortfolioOpt <= 1.5.x; later releases default to 0). */
  riskFreeRate?: number;
  /**
   * Market returns aligned row by row with `returns` (NaN where the market has no return that
   * day). When absent the market is the cross-sectional mean of the present returns each day.
   */
  marketReturns?: Float64Array;
}

/**
 * CAPM expected returns `R_f + β_i (E[R_m] - R_f)`, β_i = cov(r_i, r_m) / var(r_m) from
 * pairwise-complete observations (ddof 1), E[R_m] the market's mean historical return (CAGR when
 * compounding). As PyPortfolioOpt `expected_returns.capm_return` (Sharpe 1964).
 *
 * Throws {@link ConstantSeriesError} when the market return is constant,
 * {@link InvalidInputError} when `marketReturns` has the wrong length.
 */
export function capmReturn(
  returns: SeriesMatrix,
  { frequency = 252, compounding = true, riskFreeRate = 0.02, marketReturns }: CapmOptions = {},
): ExpectedReturns {
  checkReturns(returns, 'CAPM return');
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  const x = returns.values;
  let mkt: Float64Array;
  if (marketReturns) {
    if (marketReturns.length !== rows) {
      throw new InvalidInputError(`market returns have ${marketReturns.length} rows, returns have ${rows}`);
    }
    mkt = marketReturns;
  } else {
    mkt = new Float64Array(rows);
    for (let t = 0; t < rows; t += 1) {
      let s = 0;
      let k = 0;
      for (let j = 0; j < n; j += 1) {
        const v = x[t * n + j] as number;
        if (!isMissing(v)) {
          s += v;
          k += 1;
        }
      }
      mkt[t] = k === 0 ? Number.NaN : s / k;
    }
  }
  // Market variance over all its observations, each beta's covariance over the pair's rows.
  let mCount = 0;
  let mMean = 0;
  let mSsq = 0;
  let logGrowth = 0;
  let mSum = 0;
  for (let t = 0; t < rows; t += 1) {
    const v = mkt[t] as number;
    if (isMissing(v)) continue;
    mCount += 1;
    const d = v - mMean;
    mMean += d / mCount;
    mSsq += (v - mMean) * d;
    logGrowth += Math.log1p(v);
    mSum += v;
  }
  if (mCount < 2) throw new InvalidInputError('the market has fewer than 2 returns');
  const mVar = mSsq / (mCount - 1);
  if (!(mVar > 0)) throw new ConstantSeriesError('market');
  const mktMean = compounding ? Math.expm1((logGrowth * frequency) / mCount) : (mSum / mCount) * frequency;
  const out = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    let k = 0;
    let mx = 0;
    let my = 0;
    let cxy = 0;
    for (let t = 0; t < rows; t += 1) {
      const vx = x[t * n + j] as number;
      const vy = mkt[t] as number;
      if (isMissing(vx) || isMissing(vy)) continue;
      k += 1;
      const dx = vx - mx;
      const dy = vy - my;
      mx += dx / k;
      my += dy / k;
      cxy += (vx - mx) * dy;
    }
    const beta = cxy / (k - 1) / mVar;
    out[j] = riskFreeRate + beta * (mktMean - riskFreeRate);
  }
  return { symbols: returns.symbols, values: out };
}

/**
 * Aligns a one-column benchmark returns series to the dates of `returns` (a left join on the
 * date, NaN where the benchmark has no return), for {@link capmReturn}'s `marketReturns`.
 */
export function alignByDate(returns: SeriesMatrix, benchmark: SeriesMatrix): Float64Array {
  if (benchmark.symbols.length !== 1) {
    throw new InvalidInputError(`benchmark must have one column, has ${benchmark.symbols.length}`);
  }
  const byDate = new Map<string, number>();
  benchmark.dates.forEach((d, t) => byDate.set(d, benchmark.values[t] as number));
  return Float64Array.from(returns.dates, (d) => byDate.get(d) ?? Number.NaN);
}
