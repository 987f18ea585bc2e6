import { InvalidParameterError, NonFiniteValueError } from '@ballast/domain-risk';
import { type IndicatorSnapshot } from './indicators';

/** One reading of the timing view: a label, or null (not enough bars) with the reason either way. */
export interface TimingReading<L extends string> {
  label: L | null;
  reason: string;
}

/**
 * A per-symbol summary of trend, momentum and volatility for people and for the defer-or-trade
 * decision. Information only: nothing here places or blocks an order.
 */
export interface TimingView {
  /** `up`: close above both the SMA and the EMA; `down`: below both; `mixed` otherwise. */
  trend: TimingReading<'up' | 'down' | 'mixed'>;
  /** RSI (Wilder) ≥ 70 `overbought`, ≤ 30 `oversold`, else the sign of the MACD histogram (`flat` at 0). */
  momentum: TimingReading<'overbought' | 'oversold' | 'rising' | 'falling' | 'flat'>;
  /** Bollinger bandwidth (upper - lower) / middle against `wideBandwidth`, and where the close sits. */
  volatility: TimingReading<'wide' | 'normal'>;
}

export interface TimingPolicy {
  overbought: number;
  oversold: number;
  /** Bollinger bandwidth at or above which volatility reads `wide`; 0.1 = bands 10% of price apart. */
  wideBandwidth: number;
}

/**
 * RSI 70/30 are Wilder's own levels (J. Welles Wilder, "New Concepts in Technical Trading Systems",
 * 1978). A 20-day ±2σ bandwidth of 10% corresponds to a daily σ of about 1.25%, roughly 20% annualised,
 * the edge of the `high-vol` regime's default (22%).
 */
export const DEFAULT_TIMING_POLICY: TimingPolicy = { overbought: 70, oversold: 30, wideBandwidth: 0.1 };

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(2) : x.toPrecision(4));

/**
 * The timing view of one symbol from its indicator snapshot and last close. Throws
 * NonFiniteValueError for a NaN/∞ close and InvalidParameterError for an inconsistent policy.
 */
export function timingView(
  close: number,
  snapshot: IndicatorSnapshot,
  policy: TimingPolicy = DEFAULT_TIMING_POLICY,
): TimingView {
  if (!Number.isFinite(close)) throw new NonFiniteValueError('close', snapshot.bars - 1, close);
  if (!(policy.oversold < policy.overbought && policy.wideBandwidth > 0))
    throw new InvalidParameterError(
      'timing policy',
      JSON.stringify(policy),
      'oversold < overbought, bandwidth > 0',
    );
  const notYet = (what: string): string => `${what} not available yet after ${snapshot.bars} bars`;

  let trend: TimingView['trend'];
  if (snapshot.sma === null || snapshot.ema === null) trend = { label: null, reason: notYet('SMA or EMA') };
  else {
    const above = close > snapshot.sma && close > snapshot.ema;
    const below = close < snapshot.sma && close < snapshot.ema;
    trend = {
      label: above ? 'up' : below ? 'down' : 'mixed',
      reason: `close ${fmt(close)} vs SMA ${fmt(snapshot.sma)} and EMA ${fmt(snapshot.ema)}`,
    };
  }

  let momentum: TimingView['momentum'];
  if (snapshot.rsi !== null && snapshot.rsi >= policy.overbought)
    momentum = { label: 'overbought', reason: `RSI ${fmt(snapshot.rsi)} ≥ ${policy.overbought}` };
  else if (snapshot.rsi !== null && snapshot.rsi <= policy.oversold)
    momentum = { label: 'oversold', reason: `RSI ${fmt(snapshot.rsi)} ≤ ${policy.oversold}` };
  else if (snapshot.macd === null) momentum = { label: null, reason: notYet('MACD') };
  else {
    const h = snapshot.macd.histogram;
    const rsi = snapshot.rsi === null ? 'RSI not available yet' : `RSI ${fmt(snapshot.rsi)} neutral`;
    momentum = {
      label: h > 0 ? 'rising' : h < 0 ? 'falling' : 'flat',
      reason: `${rsi}; MACD histogram ${fmt(h)} ${h > 0 ? '>' : h < 0 ? '<' : '='} 0`,
    };
  }

  let volatility: TimingView['volatility'];
  const bands = snapshot.bollinger;
  if (bands === null || !(bands.middle > 0)) volatility = { label: null, reason: notYet('Bollinger Bands') };
  else {
    const width = (bands.upper - bands.lower) / bands.middle;
    const where =
      close > bands.upper
        ? 'above the upper band'
        : close < bands.lower
          ? 'below the lower band'
          : 'inside the bands';
    volatility = {
      label: width >= policy.wideBandwidth ? 'wide' : 'normal',
      reason: `Bollinger bandwidth ${(width * 100).toFixed(2)}% ${width >= policy.wideBandwidth ? '≥' : '<'} ${(policy.wideBandwidth * 100).toFixed(0)}%; close ${where}`,
    };
  }
  return { trend, momentum, volatility };
}
