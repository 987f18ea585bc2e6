import { checkedSeries, type Series } from './series';
import { LengthMismatchError } from './errors';

/**
 * Drawdown after each period: Wₜ / max(W₀..Wₜ) - 1 where W₀ = 1 is the wealth before the first return
 * and Wₜ = Π(1 + rᵢ). Always ≤ 0 (empyrical.max_drawdown's cumulative series, starting value included).
 */
export function drawdownSeries(returns: Series): Float64Array {
  const r = checkedSeries(returns, 'returns', 'drawdown', 0);
  const out = new Float64Array(r.length);
  let wealth = 1;
  let peak = 1;
  for (let i = 0; i < r.length; i += 1) {
    wealth *= 1 + (r[i] as number);
    if (wealth > peak) peak = wealth;
    out[i] = wealth / peak - 1;
  }
  return out;
}

/**
 * The deepest drawdown of a return series. Indices refer to observations of `returns` (the wealth
 * after observation i); `peakIndex` is -1 when the peak is the starting wealth, before the first
 * observation. Dates, when given (one ISO date per return), are the dates of those observations, and
 * `peakDate` is null for the starting wealth.
 */
export interface MaxDrawdown {
  /** Wealth at the trough / wealth at the peak - 1; ≤ 0, and 0 when the series never falls. */
  maxDrawdown: number;
  /** Last observation at the peak level before the trough (-1: the starting wealth). */
  peakIndex: number;
  troughIndex: number;
  /** First observation after the trough at or above the peak's wealth; null if not yet recovered. */
  recoveryIndex: number | null;
  /** Periods from peak to trough. */
  declinePeriods: number;
  /** Periods from trough to recovery; null if not yet recovered. */
  recoveryPeriods: number | null;
  peakDate: string | null;
  troughDate: string | null;
  recoveryDate: string | null;
}

/**
 * Maximum drawdown with its peak, trough and recovery (empyrical.max_drawdown for the value; the first
 * deepest drawdown wins ties). With no drawdown, the result is 0 with peak = trough = the last
 * all-time high. Throws InsufficientDataError on an empty series, LengthMismatchError when `dates`
 * does not have one entry per return.
 */
export function maxDrawdown(returns: Series, options: { dates?: readonly string[] } = {}): MaxDrawdown {
  const r = checkedSeries(returns, 'returns', 'maximum drawdown');
  const dates = options.dates;
  if (dates !== undefined && dates.length !== r.length)
    throw new LengthMismatchError('returns', r.length, 'dates', dates.length);
  const core = maxDrawdownCore(r);
  const at = (i: number | null): string | null =>
    dates === undefined || i === null || i < 0 ? null : (dates[i] ?? null);
  return {
    ...core,
    declinePeriods: core.troughIndex - core.peakIndex,
    recoveryPeriods: core.recoveryIndex === null ? null : core.recoveryIndex - core.troughIndex,
    peakDate: at(core.peakIndex),
    troughDate: at(core.troughIndex),
    recoveryDate: at(core.recoveryIndex),
  };
}

/** @internal One pass, O(n), no allocation. */
export function maxDrawdownCore(r: Float64Array): {
  maxDrawdown: number;
  peakIndex: number;
  troughIndex: number;
  recoveryIndex: number | null;
} {
  let wealth = 1;
  let peak = 1;
  let peakIndex = -1;
  let worst = 0;
  let worstPeakIndex = -1;
  let worstPeakWealth = 1;
  let troughIndex = -1;
  let recoveryIndex: number | null = null;
  for (let i = 0; i < r.length; i += 1) {
    wealth *= 1 + (r[i] as number);
    if (wealth >= peak) {
      peak = wealth;
      peakIndex = i;
    }
    const dd = wealth / peak - 1;
    if (dd < worst) {
      worst = dd;
      worstPeakIndex = peakIndex;
      worstPeakWealth = peak;
      troughIndex = i;
      recoveryIndex = null;
    } else if (recoveryIndex === null && troughIndex >= 0 && i > troughIndex && wealth >= worstPeakWealth) {
      recoveryIndex = i;
    }
  }
  if (troughIndex < 0) {
    // Never below a previous high: report the last all-time high as both peak and trough.
    return { maxDrawdown: 0, peakIndex, troughIndex: peakIndex, recoveryIndex: null };
  }
  return { maxDrawdown: worst, peakIndex: worstPeakIndex, troughIndex, recoveryIndex };
}
