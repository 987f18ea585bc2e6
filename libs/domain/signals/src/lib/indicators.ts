import { ATR, BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import { InvalidParameterError, NonFiniteValueError } from '@ballast/domain-risk';

/** One bar. `high` and `low` default to `close` (then ATR is the average |Δclose|). */
export interface Bar {
  close: number;
  high?: number;
  low?: number;
}

export interface IndicatorConfig {
  /** SMA period; default 50. */
  smaPeriod?: number;
  /** EMA period; default 20. */
  emaPeriod?: number;
  /** MACD fast / slow / signal EMA periods; default 12 / 26 / 9 (Appel). */
  macd?: { fast: number; slow: number; signal: number };
  /** RSI period; default 14 (Wilder). */
  rsiPeriod?: number;
  /** Bollinger period and width in standard deviations; default 20 and 2 (Bollinger). */
  bollinger?: { period: number; deviations: number };
  /** ATR period; default 14 (Wilder). */
  atrPeriod?: number;
}

/** Indicator values after the latest bar; null until an indicator has seen enough bars. */
export interface IndicatorSnapshot {
  bars: number;
  sma: number | null;
  ema: number | null;
  macd: { macd: number; signal: number; histogram: number } | null;
  rsi: number | null;
  bollinger: { upper: number; middle: number; lower: number } | null;
  atr: number | null;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidParameterError(name, value, 'a positive integer');
  return value;
}

/**
 * A streaming set of technical indicators over one symbol, a thin wrapper over `trading-signals`
 * (bennycode/trading-signals): each `add(bar)` is O(period) at most and returns the snapshot. The
 * library's own definitions apply (verified there against Tulip Indicators): SMA; EMA seeded with the
 * SMA of its first `period` prices; MACD = EMA(fast) - EMA(slow) with an EMA signal line; RSI with
 * Wilder smoothing (WSMA); Bollinger Bands = SMA ± k·population σ; ATR = Wilder average of the true range.
 * Throws NonFiniteValueError for a NaN/∞ price (naming the bar index) and InvalidParameterError for
 * a bad period or a bar with high < low.
 */
export class IndicatorSuite {
  private readonly sma: SMA;
  private readonly ema: EMA;
  private readonly macd: MACD;
  private readonly rsi: RSI;
  private readonly bollinger: BollingerBands;
  private readonly atr: ATR;
  private count = 0;
  private last: IndicatorSnapshot;

  constructor(config: IndicatorConfig = {}) {
    const macd = config.macd ?? { fast: 12, slow: 26, signal: 9 };
    const bollinger = config.bollinger ?? { period: 20, deviations: 2 };
    if (!(bollinger.deviations > 0 && Number.isFinite(bollinger.deviations)))
      throw new InvalidParameterError('bollinger.deviations', bollinger.deviations, 'a positive number');
    this.sma = new SMA(positiveInteger('smaPeriod', config.smaPeriod ?? 50));
    this.ema = new EMA(positiveInteger('emaPeriod', config.emaPeriod ?? 20));
    this.macd = new MACD(
      new EMA(positiveInteger('macd.fast', macd.fast)),
      new EMA(positiveInteger('macd.slow', macd.slow)),
      new EMA(positiveInteger('macd.signal', macd.signal)),
    );
    this.rsi = new RSI(positiveInteger('rsiPeriod', config.rsiPeriod ?? 14));
    this.bollinger = new BollingerBands(
      positiveInteger('bollinger.period', bollinger.period),
      bollinger.deviations,
    );
    this.atr = new ATR(positiveInteger('atrPeriod', config.atrPeriod ?? 14));
    this.last = { bars: 0, sma: null, ema: null, macd: null, rsi: null, bollinger: null, atr: null };
  }

  /** Adds the next bar and returns the updated snapshot. Invalid input leaves the state unchanged. */
  add(bar: Bar): IndicatorSnapshot {
    const close = bar.close;
    const high = bar.high ?? close;
    const low = bar.low ?? close;
    for (const [name, v] of [
      ['close', close],
      ['high', high],
      ['low', low],
    ] as const) {
      if (!Number.isFinite(v)) throw new NonFiniteValueError(`bar.${name}`, this.count, v);
    }
    if (high < low)
      throw new InvalidParameterError(`bar ${this.count}`, `high ${high} < low ${low}`, 'high ≥ low');
    this.count += 1;
    this.sma.add(close);
    this.ema.add(close);
    this.macd.add(close);
    this.rsi.add(close);
    this.bollinger.add(close);
    this.atr.add({ close, high, low });
    // EMA and MACD report a running value before they are stable; only stable values are exposed.
    this.last = {
      bars: this.count,
      sma: this.sma.isStable ? this.sma.getResult() : null,
      ema: this.ema.isStable ? this.ema.getResult() : null,
      macd: this.macd.isStable ? this.macd.getResult() : null,
      rsi: this.rsi.isStable ? this.rsi.getResult() : null,
      bollinger: this.bollinger.isStable ? this.bollinger.getResult() : null,
      atr: this.atr.isStable ? this.atr.getResult() : null,
    };
    return this.last;
  }

  /** The snapshot after the latest bar. */
  snapshot(): IndicatorSnapshot {
    return this.last;
  }
}
