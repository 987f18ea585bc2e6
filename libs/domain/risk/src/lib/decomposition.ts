import { centredColumnGram } from '@ballast/domain-linalg';
import { checkedReadOnly, checkedSeries, type Series } from './series';
import { symmetricEigenProjection } from './symmetric-eigen';
import {
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  ZeroVarianceError,
} from './errors';

/** A symmetric n×n matrix stored row-major in a Float64Array. */
export interface SymmetricMatrix {
  readonly size: number;
  readonly values: Float64Array;
}

/** Rows of a SymmetricMatrix as plain arrays (for JSON output). */
export function matrixRows(m: SymmetricMatrix): number[][] {
  const n = m.size;
  const rows: number[][] = [];
  for (let i = 0; i < n; i += 1) {
    // An indexed copy: Array.from on a typed array goes through the iterator protocol, several times slower.
    const row = new Array<number>(n);
    for (let j = 0; j < n; j += 1) row[j] = m.values[i * n + j] as number;
    rows.push(row);
  }
  return rows;
}

/**
 * Sample covariance matrix (divisor n - 1, as numpy.cov and pandas.DataFrame.cov) of asset return
 * series given one series per asset, all the same length: each series' mean, then the centred
 * `XᵀX` by the shared Gram kernel of @ballast/domain-linalg (WebAssembly SIMD, register-tiled, in
 * 512-period chunks), divided by n - 1. Multiply by the periods per year to annualise.
 * Throws InsufficientDataError below two observations, LengthMismatchError for ragged input.
 */
export function covarianceMatrix(assets: readonly Series[]): SymmetricMatrix {
  const n = assets.length;
  if (n === 0) throw new InsufficientDataError('covariance matrix', 1, 0);
  const t = assets[0]?.length ?? 0;
  if (t < 2) throw new InsufficientDataError('covariance matrix', 2, t);
  const columns: Float64Array[] = [];
  for (let a = 0; a < n; a += 1) {
    const series = assets[a] as Series;
    if (series.length !== t) throw new LengthMismatchError('asset 0', t, `asset ${a}`, series.length);
    columns.push(checkedReadOnly(series, `asset ${a}`, 'covariance matrix', 2));
  }
  return covarianceOfChecked(columns);
}

/**
 * The unchecked core of {@link covarianceMatrix}: at least one column, all finite, of one length ≥ 2
 * (the report checks its inputs once and comes here directly).
 */
export function covarianceOfChecked(columns: readonly Float64Array[]): SymmetricMatrix {
  const n = columns.length;
  const t = (columns[0] as Float64Array).length;
  const means = new Float64Array(n);
  for (let a = 0; a < n; a += 1) {
    const col = columns[a] as Float64Array;
    let s = 0;
    for (let i = 0; i < t; i += 1) s += col[i] as number;
    // A constant series centres to exact zeros (its float mean may differ from the value by an ulp),
    // so that its variance is exactly 0 and the correlation matrix names it (ZeroVarianceError).
    let constant = true;
    for (let i = 1; i < t && constant; i += 1) constant = col[i] === col[0];
    means[a] = constant ? (col[0] as number) : s / t;
  }
  const values = centredColumnGram(columns, t, means);
  const divisor = t - 1;
  for (let k = 0; k < values.length; k += 1) values[k] = (values[k] as number) / divisor;
  return { size: n, values };
}

/** Checks a covariance matrix: square, symmetric to 1e-12 relative, finite, non-negative diagonal. */
export function checkCovariance(cov: SymmetricMatrix): void {
  const n = cov.size;
  if (cov.values.length !== n * n)
    throw new InvalidParameterError('covariance', `${cov.values.length} values`, `${n}×${n} values`);
  for (let i = 0; i < n; i += 1) {
    const d = cov.values[i * n + i] as number;
    if (!(Number.isFinite(d) && d >= 0))
      throw new InvalidParameterError(`covariance[${i}][${i}]`, d, 'finite and ≥ 0');
    for (let j = i + 1; j < n; j += 1) {
      const a = cov.values[i * n + j] as number;
      const b = cov.values[j * n + i] as number;
      if (!Number.isFinite(a) || Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(b)))
        throw new InvalidParameterError(
          `covariance[${i}][${j}]`,
          a,
          `finite and equal to covariance[${j}][${i}] (${b})`,
        );
    }
  }
}

/**
 * Correlation matrix ρᵢⱼ = Σᵢⱼ / (σᵢσⱼ) from a covariance matrix. Throws ZeroVarianceError naming the
 * first asset with zero variance.
 */
export function correlationMatrix(cov: SymmetricMatrix): SymmetricMatrix {
  checkCovariance(cov);
  return correlationMatrixOfChecked(cov);
}

/** {@link correlationMatrix} of a covariance that is known to pass checkCovariance (the report's own). */
export function correlationMatrixOfChecked(cov: SymmetricMatrix): SymmetricMatrix {
  const n = cov.size;
  const sd = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    sd[i] = Math.sqrt(cov.values[i * n + i] as number);
    if (!((sd[i] as number) > 0)) throw new ZeroVarianceError('correlation matrix', `asset ${i}`);
  }
  const values = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1)
    for (let j = 0; j < n; j += 1)
      values[i * n + j] =
        i === j ? 1 : (cov.values[i * n + j] as number) / ((sd[i] as number) * (sd[j] as number));
  return { size: n, values };
}

function checkedWeights(weights: Series, n: number): Float64Array {
  if (weights.length !== n) throw new LengthMismatchError('weights', weights.length, 'covariance', n);
  return checkedSeries(weights, 'weights', 'risk decomposition', 1);
}

/** Σw for a row-major symmetric matrix. */
function multiply(cov: SymmetricMatrix, w: Float64Array): Float64Array {
  const n = cov.size;
  const out = new Float64Array(n);
  const v = cov.values;
  for (let i = 0; i < n; i += 1) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < n; j += 1) s += (v[row + j] as number) * (w[j] as number);
    out[i] = s;
  }
  return out;
}

export interface RiskContributions {
  /** Portfolio volatility σₚ = √(wᵀΣw), in the covariance's units (annualise Σ first for annual). */
  volatility: number;
  /** Marginal contribution ∂σₚ/∂wᵢ = (Σw)ᵢ / σₚ. */
  marginal: Float64Array;
  /** Risk contribution wᵢ(Σw)ᵢ / σₚ; sums to σₚ (Euler allocation). */
  contributions: Float64Array;
  /** contributions / σₚ; sums to 1. */
  percentages: Float64Array;
}

/**
 * Euler decomposition of portfolio volatility (Litterman 1996, "Hot Spots and Hedges"; Roncalli,
 * "Introduction to Risk Parity and Budgeting", 2013, §2.2): RCᵢ = wᵢ(Σw)ᵢ/σₚ with Σᵢ RCᵢ = σₚ.
 * Throws ZeroVarianceError when wᵀΣw = 0.
 */
export function riskContributions(weights: Series, cov: SymmetricMatrix): RiskContributions {
  checkCovariance(cov);
  return riskContributionsOfChecked(weights, cov);
}

/** {@link riskContributions} of a covariance that is known to pass checkCovariance (the report's own). */
export function riskContributionsOfChecked(weights: Series, cov: SymmetricMatrix): RiskContributions {
  const w = checkedWeights(weights, cov.size);
  const sw = multiply(cov, w);
  let variance = 0;
  for (let i = 0; i < w.length; i += 1) variance += (w[i] as number) * (sw[i] as number);
  if (!(variance > 0)) throw new ZeroVarianceError('risk contributions', 'portfolio');
  const vol = Math.sqrt(variance);
  const n = w.length;
  const marginal = new Float64Array(n);
  const contributions = new Float64Array(n);
  const percentages = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    marginal[i] = (sw[i] as number) / vol;
    contributions[i] = (w[i] as number) * (marginal[i] as number);
    percentages[i] = (contributions[i] as number) / vol;
  }
  return { volatility: vol, marginal, contributions, percentages };
}

/**
 * Diversification ratio Σ|wᵢ|σᵢ / σₚ (Choueifaty & Coignard 2008, "Toward Maximum Diversification");
 * 1 for a single asset or perfectly correlated assets, higher when diversified. Throws ZeroVarianceError
 * when wᵀΣw = 0.
 */
export function diversificationRatio(weights: Series, cov: SymmetricMatrix): number {
  checkCovariance(cov);
  return diversificationRatioOfChecked(weights, cov);
}

/** {@link diversificationRatio} of a covariance that is known to pass checkCovariance (the report's own). */
export function diversificationRatioOfChecked(weights: Series, cov: SymmetricMatrix): number {
  const w = checkedWeights(weights, cov.size);
  const n = cov.size;
  const sw = multiply(cov, w);
  let variance = 0;
  let weighted = 0;
  for (let i = 0; i < n; i += 1) {
    variance += (w[i] as number) * (sw[i] as number);
    weighted += Math.abs(w[i] as number) * Math.sqrt(cov.values[i * n + i] as number);
  }
  if (!(variance > 0)) throw new ZeroVarianceError('diversification ratio', 'portfolio');
  return weighted / Math.sqrt(variance);
}

/**
 * Effective number of bets (Meucci 2009, "Managing Diversification", Risk 22(5)): with Σ = EΛEᵀ, the
 * principal-portfolio exposures w̃ = Eᵀw carry variance shares pₖ = w̃ₖ²λₖ / wᵀΣw, and
 * ENB = exp(-Σ pₖ ln pₖ), between 1 (one bet) and n (risk spread evenly over n uncorrelated bets).
 * O(⅔n³) for the eigenvalues and the exposures Eᵀw (Householder + implicit QL on Float64Array, without
 * forming E; see symmetricEigenProjection), verified against ml-matrix's full EVD.
 */
export function effectiveNumberOfBets(weights: Series, cov: SymmetricMatrix): number {
  checkCovariance(cov);
  return effectiveNumberOfBetsOfChecked(weights, cov);
}

/** {@link effectiveNumberOfBets} of a covariance that is known to pass checkCovariance (the report's own). */
export function effectiveNumberOfBetsOfChecked(weights: Series, cov: SymmetricMatrix): number {
  const w = checkedWeights(weights, cov.size);
  const n = cov.size;
  const { values: lambda, projections } = symmetricEigenProjection(cov.values, n, w);
  const shares = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k += 1) {
    const exposure = projections[k] as number;
    const v = exposure * exposure * Math.max(0, lambda[k] as number);
    shares[k] = v;
    total += v;
  }
  if (!(total > 0)) throw new ZeroVarianceError('effective number of bets', 'portfolio');
  let entropy = 0;
  for (let k = 0; k < n; k += 1) {
    const p = (shares[k] as number) / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}
