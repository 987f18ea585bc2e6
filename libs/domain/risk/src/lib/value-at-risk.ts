import { checkConfidence, checkedSeries, checkPositiveInteger, type Series } from './series';
import {
  InsufficientDataError,
  InvalidParameterError,
  UndefinedStatisticError,
  ZeroVarianceError,
} from './errors';
import { centralMoments, meanOf, quantileSorted, sortedCopy, varianceOf } from './moments';
import { normalDensity, normalQuantile } from './normal';

export type VarMethod = 'historical' | 'normal' | 'cornish-fisher';

export interface VarOptions {
  /** Confidence level in (0, 1); default 0.95 (the 5% left tail). */
  confidence?: number;
  /** Default 'historical'. */
  method?: VarMethod;
  /** Horizon in periods; default 1 (one day for daily returns). */
  horizon?: number;
}

/**
 * Value at Risk as a RETURN (negative = loss), the empyrical convention: the (1 - confidence)
 * quantile of the horizon return distribution.
 *
 * - historical: numpy.percentile (linear interpolation) of the returns at 100·(1 - c)
 *   (empyrical.value_at_risk); for a horizon h > 1, of the overlapping h-period compounded returns
 *   Π(1 + rᵢ) - 1 (needs n ≥ h).
 * - normal: μₕ + z·σₕ with z = Φ⁻¹(1 - c), μₕ = h·μ, σₕ = √h·σ (sample σ, n - 1); i.i.d. scaling.
 * - cornish-fisher: z replaced by z + (z² - 1)S/6 + (z³ - 3z)K/24 - (2z³ - 5z)S²/36 with the biased
 *   skewness S and excess kurtosis K (scipy defaults), scaled to the horizon as S/√h and K/h
 *   (Favre & Galeano 2002; PerformanceAnalytics VaR(method = "modified")). Throws
 *   UndefinedStatisticError where the expansion is not monotone on the tail t ≤ z (Maillard 2012,
 *   "A User's Guide to the Cornish Fisher Expansion": outside that domain it is no quantile function).
 *
 * Needs two observations (and at least h for historical); throws ZeroVarianceError for a constant
 * series under the parametric methods.
 */
export function valueAtRisk(returns: Series, options: VarOptions = {}): number {
  const { r, confidence, method, horizon } = checkVarInput(returns, options, 'value at risk');
  return varCore(r, confidence, method, horizon);
}

/**
 * Conditional VaR (expected shortfall) as a return: the mean return in the (1 - c) left tail.
 *
 * - historical: mean of the k + 1 smallest returns, k = ⌊(n - 1)(1 - c)⌋, exactly
 *   empyrical.conditional_value_at_risk (the returns at or below the historical VaR).
 * - normal: μₕ - σₕ·φ(z)/(1 - c).
 * - cornish-fisher: E[q(Z) | Z ≤ z] for the Cornish-Fisher transform q of a standard normal, in closed
 *   form from the truncated normal moments ∫₋∞ᶻ tᵏφ(t)dt (k ≤ 3). This is the tail mean consistent with
 *   the modified VaR above; it is not Boudt, Peterson & Croux's Edgeworth-based modified ES.
 */
export function conditionalValueAtRisk(returns: Series, options: VarOptions = {}): number {
  const { r, confidence, method, horizon } = checkVarInput(returns, options, 'conditional value at risk');
  return cvarCore(r, confidence, method, horizon);
}

function checkVarInput(
  returns: Series,
  options: VarOptions,
  statistic: string,
): { r: Float64Array; confidence: number; method: VarMethod; horizon: number } {
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? 'historical';
  const horizon = options.horizon ?? 1;
  checkConfidence(confidence);
  checkPositiveInteger('horizon', horizon);
  if (method !== 'historical' && method !== 'normal' && method !== 'cornish-fisher')
    throw new InvalidParameterError('method', method, "'historical', 'normal' or 'cornish-fisher'");
  const r = checkedSeries(returns, 'returns', statistic, 2);
  if (method === 'historical' && r.length < horizon)
    throw new InsufficientDataError(statistic, horizon, r.length);
  return { r, confidence, method, horizon };
}

/** Overlapping h-period compounded returns; h = 1 returns the input. */
function horizonReturns(r: Float64Array, h: number): Float64Array {
  if (h === 1) return r;
  const out = new Float64Array(r.length - h + 1);
  for (let t = 0; t < out.length; t += 1) {
    let w = 1;
    for (let i = t; i < t + h; i += 1) w *= 1 + (r[i] as number);
    out[t] = w - 1;
  }
  return out;
}

interface Parametric {
  mean: number;
  std: number;
  skew: number;
  kurt: number;
}

function parametric(r: Float64Array, h: number, statistic: string): Parametric {
  const mean = meanOf(r);
  const variance = varianceOf(r, 1, mean);
  if (!(variance > 0)) throw new ZeroVarianceError(statistic, 'returns');
  const { m2, m3, m4 } = centralMoments(r);
  const skew = m3 / Math.pow(m2, 1.5) / Math.sqrt(h);
  const kurt = (m4 / (m2 * m2) - 3) / h;
  // Subnormal spreads (|r| ~ 1e-300) underflow m2² to 0: numerically a zero variance.
  if (!Number.isFinite(skew) || !Number.isFinite(kurt)) throw new ZeroVarianceError(statistic, 'returns');
  return { mean: mean * h, std: Math.sqrt(variance * h), skew, kurt };
}

/** Cornish-Fisher quantile transform of a standard normal quantile z. */
function cornishFisher(z: number, s: number, k: number): number {
  const z2 = z * z;
  const z3 = z2 * z;
  return z + ((z2 - 1) * s) / 6 + ((z3 - 3 * z) * k) / 24 - ((2 * z3 - 5 * z) * s * s) / 36;
}

/** d/dz of the transform; the expansion is a valid quantile function only where this is positive. */
function cornishFisherSlope(z: number, s: number, k: number): number {
  return 1 + (z * s) / 3 + ((3 * z * z - 3) * k) / 24 - ((6 * z * z - 5) * s * s) / 36;
}

function checkCornishFisherMonotone(z: number, s: number, k: number, statistic: string): void {
  // The slope a·t² + b·t + c must stay positive on the whole tail t ≤ z, where the quantile and the
  // tail mean are read: with a < 0 (or a = 0 and b ≠ 0) it turns negative far out in the tail; with
  // a > 0 its minimum is at the vertex when the vertex lies in the tail, else at z.
  const a = (3 * k) / 24 - (6 * s * s) / 36;
  const b = s / 3;
  let minimum: number;
  if (a < 0 || (a === 0 && b !== 0)) minimum = Number.NEGATIVE_INFINITY;
  else {
    const vertex = a > 0 ? -b / (2 * a) : z;
    minimum = cornishFisherSlope(Math.min(vertex, z), s, k);
  }
  if (!(minimum > 0))
    throw new UndefinedStatisticError(
      statistic,
      `the Cornish-Fisher expansion is not monotone in the tail for skewness ${s.toFixed(4)} and excess kurtosis ${k.toFixed(4)}`,
    );
}

/** @internal */
export function varCore(r: Float64Array, confidence: number, method: VarMethod, horizon: number): number {
  const alpha = 1 - confidence;
  if (method === 'historical') return quantileSorted(sortedCopy(horizonReturns(r, horizon)), alpha);
  const p = parametric(r, horizon, 'value at risk');
  const z = normalQuantile(alpha);
  if (method === 'normal') return p.mean + z * p.std;
  checkCornishFisherMonotone(z, p.skew, p.kurt, 'value at risk');
  return p.mean + cornishFisher(z, p.skew, p.kurt) * p.std;
}

/** @internal */
export function cvarCore(r: Float64Array, confidence: number, method: VarMethod, horizon: number): number {
  const alpha = 1 - confidence;
  if (method === 'historical') {
    const sorted = sortedCopy(horizonReturns(r, horizon));
    // The 1e-9 guards against 1 - c rounding below a whole index (1 - 0.8 = 0.19999999999999996).
    const k = Math.floor((sorted.length - 1) * alpha + 1e-9);
    let s = 0;
    for (let i = 0; i <= k; i += 1) s += sorted[i] as number;
    return s / (k + 1);
  }
  const p = parametric(r, horizon, 'conditional value at risk');
  const z = normalQuantile(alpha);
  const phi = normalDensity(z);
  // Truncated standard normal moments Mₖ = ∫₋∞ᶻ tᵏ φ(t) dt.
  const m0 = alpha;
  const m1 = -phi;
  const m2 = alpha - z * phi;
  const m3 = -(z * z + 2) * phi;
  if (method === 'normal') return p.mean + (p.std * m1) / m0;
  checkCornishFisherMonotone(z, p.skew, p.kurt, 'conditional value at risk');
  const s = p.skew;
  const k = p.kurt;
  const tail = m1 + (s / 6) * (m2 - m0) + (k / 24) * (m3 - 3 * m1) - ((s * s) / 36) * (2 * m3 - 5 * m1);
  return p.mean + (p.std * tail) / m0;
}
