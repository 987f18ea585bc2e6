import { centredGram, crossGram } from '@ballast/domain-linalg';
import { isMissing } from './numbers';
import { ConstantSeriesError } from './errors';
import { fixNonPositiveSemidefinite } from './psd';
import { checkReturns, rowCount, type SeriesMatrix } from './price-matrix';

/** An annualised covariance matrix with its asset order and any repair warning. */
export interface RiskModel {
  readonly symbols: readonly string[];
  /** `n x n`, row-major, symmetric. */
  readonly matrix: Float64Array;
  readonly warnings: readonly string[];
  /** Shrinkage intensity, for the shrinkage estimators. */
  readonly shrinkage?: number;
}

export interface FrequencyOptions {
  /** Periods per year used to annualise; 252 (trading days) by default. */
  frequency?: number;
}

/**
 * Pairwise-complete sample covariance (ddof 1) and Pearson correlation of the columns of
 * `returns`, as pandas `DataFrame.cov()` / `.corr()`: each pair uses the rows where both are
 * present, with that pair's own means (pandas/_libs/algos.pyx `nancorr`, Welford updates, which
 * the correlation still uses). Complete data takes the blocked centred Gram path; the covariance
 * alone of data with gaps takes {@link pairwiseCovarianceByGram}. Not annualised.
 *
 * Throws {@link ConstantSeriesError} for a correlation with a zero-variance column.
 */
export function pairwiseMoments(
  returns: SeriesMatrix,
  wantCorrelation = false,
): { cov: Float64Array; corr: Float64Array | undefined } {
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  const x = returns.values;
  let complete = true;
  for (let k = 0; k < x.length; k += 1) {
    if (isMissing(x[k] as number)) {
      complete = false;
      break;
    }
  }
  if (complete) {
    const means = new Float64Array(n);
    for (let t = 0; t < rows; t += 1) {
      for (let j = 0; j < n; j += 1) means[j] = (means[j] as number) + (x[t * n + j] as number);
    }
    for (let j = 0; j < n; j += 1) means[j] = (means[j] as number) / rows;
    // Scaled in place: at N = 2000 a second n x n array would be another 32 MB to allocate and fill.
    const cov = centredGram(x, n, rows, means);
    for (let k = 0; k < n * n; k += 1) cov[k] = (cov[k] as number) / (rows - 1);
    if (!wantCorrelation) return { cov, corr: undefined };
    const corr = new Float64Array(n * n);
    for (let i = 0; i < n; i += 1) {
      const vi = cov[i * n + i] as number;
      if (!(vi > 0)) throw new ConstantSeriesError(returns.symbols[i] ?? String(i));
      for (let j = 0; j < n; j += 1) {
        corr[i * n + j] = (cov[i * n + j] as number) / Math.sqrt(vi * (cov[j * n + j] as number));
      }
      corr[i * n + i] = 1;
    }
    return { cov, corr };
  }
  if (!wantCorrelation) return { cov: pairwiseCovarianceByGram(x, n, rows), corr: undefined };
  const cov = new Float64Array(n * n);
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let nobs = 0;
      let meanX = 0;
      let meanY = 0;
      let ssqX = 0;
      let ssqY = 0;
      let cxy = 0;
      for (let t = 0; t < rows; t += 1) {
        const vx = x[t * n + i] as number;
        const vy = x[t * n + j] as number;
        if (isMissing(vx) || isMissing(vy)) continue;
        nobs += 1;
        const dx = vx - meanX;
        const dy = vy - meanY;
        meanX += dx / nobs;
        meanY += dy / nobs;
        ssqX += (vx - meanX) * dx;
        ssqY += (vy - meanY) * dy;
        cxy += (vx - meanX) * dy;
      }
      const v = nobs > 1 ? cxy / (nobs - 1) : Number.NaN;
      cov[i * n + j] = v;
      cov[j * n + i] = v;
      const d = Math.sqrt(ssqX * ssqY);
      if (!(d > 0)) throw new ConstantSeriesError(returns.symbols[ssqX > 0 ? j : i] ?? String(i));
      corr[i * n + j] = i === j ? 1 : cxy / d;
      corr[j * n + i] = corr[i * n + j] as number;
    }
  }
  return { cov, corr };
}

/**
 * Pairwise-complete covariance (ddof 1) from Gram products, for data with missing values: each
 * column centred on the mean of its own observations and zero-filled (x̃), M the presence mask;
 * for a pair, `k = (MᵀM)_ij`, `S_x = (X̃ᵀM)_ij`, `S_y = (X̃ᵀM)_ji`, `S_xy = (X̃ᵀX̃)_ij`, and
 * `cov = (S_xy - S_x S_y / k) / (k - 1)`: the pair's own means enter through the correction, and
 * the column centring keeps it free of cancellation. NaN for a pair with fewer than 2 rows.
 */
function pairwiseCovarianceByGram(x: Float64Array, n: number, rows: number): Float64Array {
  const means = new Float64Array(n);
  const counts = new Float64Array(n);
  for (let t = 0; t < rows; t += 1) {
    for (let j = 0; j < n; j += 1) {
      const v = x[t * n + j] as number;
      if (isMissing(v)) continue;
      means[j] = (means[j] as number) + v;
      counts[j] = (counts[j] as number) + 1;
    }
  }
  for (let j = 0; j < n; j += 1) means[j] = (means[j] as number) / (counts[j] as number);
  const filled = new Float64Array(n * rows);
  const mask = new Float64Array(n * rows);
  for (let k = 0; k < n * rows; k += 1) {
    const v = x[k] as number;
    if (isMissing(v)) continue;
    filled[k] = v - (means[k % n] as number);
    mask[k] = 1;
  }
  const zero = new Float64Array(n);
  const pairs = centredGram(mask, n, rows, zero);
  const sums = crossGram(filled, mask, n, rows);
  const products = centredGram(filled, n, rows, zero);
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      const k = pairs[i * n + j] as number;
      const v =
        k > 1
          ? ((products[i * n + j] as number) -
              ((sums[i * n + j] as number) * (sums[j * n + i] as number)) / k) /
            (k - 1)
          : Number.NaN;
      cov[i * n + j] = v;
      cov[j * n + i] = v;
    }
  }
  return cov;
}

function scaleAndFix(symbols: readonly string[], raw: Float64Array, frequency: number): RiskModel {
  const n = symbols.length;
  for (let k = 0; k < raw.length; k += 1) raw[k] = (raw[k] as number) * frequency;
  const fixed = fixNonPositiveSemidefinite(raw, n);
  return { symbols, matrix: fixed.matrix, warnings: fixed.warnings };
}

/**
 * Annualised sample covariance `frequency * cov(r)` (ddof 1, pairwise-complete observations
 * when series start on different dates), repaired by eigenvalue clipping with a warning when the
 * pairwise estimate is not positive semidefinite. As PyPortfolioOpt `risk_models.sample_cov`.
 *
 * Throws {@link InsufficientDataError} when a column has fewer than 2 observations.
 */
export function sampleCovariance(
  returns: SeriesMatrix,
  { frequency = 252 }: FrequencyOptions = {},
): RiskModel {
  checkReturns(returns, 'sample covariance');
  return scaleAndFix(returns.symbols, pairwiseMoments(returns).cov, frequency);
}

/**
 * Annualised semicovariance `frequency / T * Σ_t min(r_ti - B, 0) min(r_tj - B, 0)` over all `T`
 * rows, a missing return counting as no shortfall (numpy `fmin` ignores NaN), as PyPortfolioOpt
 * `risk_models.semicovariance` (Estrada 2006). `benchmark` is a per-period return: the default
 * 0.000079 is 1.02^(1/252) - 1.
 */
export function semicovariance(
  returns: SeriesMatrix,
  { frequency = 252, benchmark = 0.000079 }: FrequencyOptions & { benchmark?: number } = {},
): RiskModel {
  checkReturns(returns, 'semicovariance');
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  // Shortfalls, row-major like the returns: the blocked Gram kernel with zero means gives dᵀd.
  const d = new Float64Array(n * rows);
  for (let k = 0; k < n * rows; k += 1) {
    const r = returns.values[k] as number;
    d[k] = isMissing(r) ? 0 : Math.min(r - benchmark, 0);
  }
  const raw = centredGram(d, n, rows, new Float64Array(n));
  for (let k = 0; k < n * n; k += 1) raw[k] = (raw[k] as number) / rows;
  return scaleAndFix(returns.symbols, raw, frequency);
}

/**
 * Last value of pandas `Series.ewm(span, adjust=True, ignore_na=False).mean()`: the weighted mean
 * of the present observations with weight `(1 - α)^(T-1-t)` by absolute position, α = 2/(span+1).
 * Reads `values[offset + t * stride]` for t in [0, rows).
 */
export function ewmLast(
  values: Float64Array,
  rows: number,
  stride: number,
  offset: number,
  span: number,
): number {
  const decay = 1 - 2 / (span + 1);
  let num = 0;
  let den = 0;
  let w = 1;
  for (let t = rows - 1; t >= 0; t -= 1) {
    const v = values[offset + t * stride] as number;
    if (!isMissing(v)) {
      num += w * v;
      den += w;
    }
    w *= decay;
  }
  return num / den;
}

/**
 * Annualised exponentially weighted covariance: for each pair, the EWM mean (span, see
 * {@link ewmLast}) of `(x_t - x̄)(y_t - ȳ)` with each series' own full-sample mean, times
 * `frequency`; repaired like {@link sampleCovariance}. As PyPortfolioOpt `risk_models.exp_cov`.
 */
export function exponentialCovariance(
  returns: SeriesMatrix,
  { frequency = 252, span = 180 }: FrequencyOptions & { span?: number } = {},
): RiskModel {
  checkReturns(returns, 'exponential covariance');
  const n = returns.symbols.length;
  const rows = rowCount(returns);
  const x = returns.values;
  const c = new Float64Array(n * rows);
  for (let j = 0; j < n; j += 1) {
    let s = 0;
    let k = 0;
    for (let t = 0; t < rows; t += 1) {
      const v = x[t * n + j] as number;
      if (!isMissing(v)) {
        s += v;
        k += 1;
      }
    }
    const m = s / k;
    for (let t = 0; t < rows; t += 1) c[j * rows + t] = (x[t * n + j] as number) - m;
  }
  const decay = 1 - 2 / (span + 1);
  let complete = true;
  for (let k = 0; k < x.length; k += 1) {
    if (isMissing(x[k] as number)) {
      complete = false;
      break;
    }
  }
  if (complete) {
    // Every product present: Σ_t w_t c_ti c_tj / Σ_t w_t, i.e. the Gram matrix of the rows scaled
    // by sqrt(w_t), through the blocked kernel.
    const scaled = new Float64Array(n * rows);
    let w = 1;
    let den = 0;
    for (let t = rows - 1; t >= 0; t -= 1) {
      const root = Math.sqrt(w);
      for (let j = 0; j < n; j += 1) scaled[t * n + j] = root * (c[j * rows + t] as number);
      den += w;
      w *= decay;
    }
    const raw = centredGram(scaled, n, rows, new Float64Array(n));
    for (let k = 0; k < n * n; k += 1) raw[k] = (raw[k] as number) / den;
    return scaleAndFix(returns.symbols, raw, frequency);
  }
  const raw = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let num = 0;
      let den = 0;
      let w = 1;
      for (let t = rows - 1; t >= 0; t -= 1) {
        const v = (c[i * rows + t] as number) * (c[j * rows + t] as number);
        if (!isMissing(v)) {
          num += w * v;
          den += w;
        }
        w *= decay;
      }
      raw[i * n + j] = num / den;
      raw[j * n + i] = num / den;
    }
  }
  return scaleAndFix(returns.symbols, raw, frequency);
}
