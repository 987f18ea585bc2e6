import { InvalidParameterError, NonFiniteValueError, RunningDrawdown } from '@ballast/domain-risk';

export const MARKET_REGIMES = ['low-vol', 'moderate', 'high-vol', 'crisis'] as const;
export type MarketRegime = (typeof MARKET_REGIMES)[number];

/**
 * Thresholds of the regime classifier. Volatilities are annualised (√periodsPerYear) sample standard
 * deviations of daily simple returns over `volatilityWindow` periods; drawdowns are ≤ 0 from the
 * running peak of the benchmark since the first price seen.
 *
 * Defaults and their rationale:
 * - volatilityWindow 21: one trading month, the horizon of VIX-style volatility (the VIX prices 30
 *   calendar days).
 * - lowVolBelow 0.12, highVolAtOrAbove 0.22, crisisVolAtOrAbove 0.40: S&P 500 realised volatility has a
 *   long-run median near 15%; below 12% is a calm tape (2017: ~7%), above 22% the top quintile of
 *   months, above 40% only 1987, 2008-09 and March 2020.
 * - crisisDrawdownAtOrBelow -0.20 with volatility ≥ highVolAtOrAbove: a 20% fall is the usual bear
 *   market definition; requiring high volatility as well stops a slow recovery from staying "crisis"
 *   for years while the drawdown heals.
 * - volatilityHysteresis 0.03, drawdownHysteresis 0.05, minDwellPeriods 5: escalation is immediate
 *   (risk arrives fast); de-escalation needs volatility 3 points below the entry threshold (drawdown
 *   5 points above), held at least 5 periods (one week), so the regime does not flap around a threshold.
 */
export interface RegimeThresholds {
  volatilityWindow: number;
  periodsPerYear: number;
  lowVolBelow: number;
  highVolAtOrAbove: number;
  crisisVolAtOrAbove: number;
  crisisDrawdownAtOrBelow: number;
  volatilityHysteresis: number;
  drawdownHysteresis: number;
  minDwellPeriods: number;
}

export const DEFAULT_REGIME_THRESHOLDS: RegimeThresholds = {
  volatilityWindow: 21,
  periodsPerYear: 252,
  lowVolBelow: 0.12,
  highVolAtOrAbove: 0.22,
  crisisVolAtOrAbove: 0.4,
  crisisDrawdownAtOrBelow: -0.2,
  volatilityHysteresis: 0.03,
  drawdownHysteresis: 0.05,
  minDwellPeriods: 5,
};

export interface RegimeReading {
  /** Null until the volatility window is full. */
  regime: MarketRegime | null;
  changed: boolean;
  previous: MarketRegime | null;
  /** Annualised realised volatility over the window; null until the window is full. */
  realizedVolatility: number | null;
  /** Current drawdown of the benchmark from its running peak (≤ 0). */
  drawdown: number;
  /** Periods spent in the current regime, this one included. */
  periodsInRegime: number;
  /** Why the regime is what it is, in words, with the numbers that decided it. */
  reason: string;
}

const rank = (r: MarketRegime): number => MARKET_REGIMES.indexOf(r);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function classify(
  vol: number,
  drawdown: number,
  t: { low: number; high: number; crisisVol: number; crisisDrawdown: number },
): { regime: MarketRegime; why: string } {
  if (vol >= t.crisisVol) return { regime: 'crisis', why: `volatility ${pct(vol)} ≥ ${pct(t.crisisVol)}` };
  if (drawdown <= t.crisisDrawdown && vol >= t.high)
    return {
      regime: 'crisis',
      why: `drawdown ${pct(drawdown)} ≤ ${pct(t.crisisDrawdown)} with volatility ${pct(vol)} ≥ ${pct(t.high)}`,
    };
  if (vol >= t.high) return { regime: 'high-vol', why: `volatility ${pct(vol)} ≥ ${pct(t.high)}` };
  if (vol < t.low) return { regime: 'low-vol', why: `volatility ${pct(vol)} < ${pct(t.low)}` };
  return { regime: 'moderate', why: `volatility ${pct(vol)} in [${pct(t.low)}, ${pct(t.high)})` };
}

function checkThresholds(t: RegimeThresholds): void {
  for (const key of ['volatilityWindow', 'periodsPerYear', 'minDwellPeriods'] as const) {
    const v = t[key];
    if (!Number.isInteger(v) || v < (key === 'volatilityWindow' ? 2 : 1))
      throw new InvalidParameterError(
        key,
        v,
        key === 'volatilityWindow' ? 'an integer ≥ 2' : 'a positive integer',
      );
  }
  if (!(t.lowVolBelow > 0 && t.lowVolBelow < t.highVolAtOrAbove && t.highVolAtOrAbove < t.crisisVolAtOrAbove))
    throw new InvalidParameterError(
      'volatility thresholds',
      `${t.lowVolBelow}, ${t.highVolAtOrAbove}, ${t.crisisVolAtOrAbove}`,
      '0 < lowVolBelow < highVolAtOrAbove < crisisVolAtOrAbove',
    );
  if (!(t.crisisDrawdownAtOrBelow < 0 && t.crisisDrawdownAtOrBelow > -1))
    throw new InvalidParameterError('crisisDrawdownAtOrBelow', t.crisisDrawdownAtOrBelow, 'in (-1, 0)');
  if (!(t.volatilityHysteresis >= 0 && t.volatilityHysteresis < t.lowVolBelow))
    throw new InvalidParameterError('volatilityHysteresis', t.volatilityHysteresis, 'in [0, lowVolBelow)');
  if (!(t.drawdownHysteresis >= 0 && t.drawdownHysteresis < -t.crisisDrawdownAtOrBelow))
    throw new InvalidParameterError(
      'drawdownHysteresis',
      t.drawdownHysteresis,
      'in [0, -crisisDrawdownAtOrBelow)',
    );
}

/**
 * Market regime of a benchmark from its realised volatility and drawdown, one price at a time, with
 * hysteresis: escalation to a more severe regime happens on the period its entry threshold is crossed;
 * de-escalation only when the calmer regime holds under thresholds tightened by the hysteresis margins
 * AND the current regime has lasted `minDwellPeriods`. O(window) per price.
 */
export class RegimeClassifier {
  private readonly t: RegimeThresholds;
  private readonly window: Float64Array;
  private readonly drawdown = new RunningDrawdown();
  private prices = 0;
  private lastPrice = 0;
  private filled = 0;
  private next = 0;
  private regime: MarketRegime | null = null;
  private dwell = 0;

  constructor(thresholds: Partial<RegimeThresholds> = {}) {
    this.t = { ...DEFAULT_REGIME_THRESHOLDS, ...thresholds };
    checkThresholds(this.t);
    this.window = new Float64Array(this.t.volatilityWindow);
  }

  /** Adds the next benchmark price (> 0) and returns the reading. */
  add(price: number): RegimeReading {
    if (!Number.isFinite(price)) throw new NonFiniteValueError('price', this.prices, price);
    if (!(price > 0)) throw new InvalidParameterError(`price[${this.prices}]`, price, 'positive');
    const first = this.prices === 0;
    this.prices += 1;
    if (!first) {
      const r = price / this.lastPrice - 1;
      this.drawdown.add(r);
      this.window[this.next] = r;
      this.next = (this.next + 1) % this.window.length;
      this.filled = Math.min(this.filled + 1, this.window.length);
    }
    this.lastPrice = price;
    const dd = this.drawdown.count === 0 ? 0 : this.drawdown.currentDrawdown;
    if (this.filled < this.window.length) {
      return {
        regime: null,
        changed: false,
        previous: null,
        realizedVolatility: null,
        drawdown: dd,
        periodsInRegime: 0,
        reason: `needs ${this.window.length + 1} prices for a ${this.window.length}-period volatility, has ${this.prices}`,
      };
    }
    const vol = this.realizedVolatility();
    const t = this.t;
    const entry = classify(vol, dd, {
      low: t.lowVolBelow,
      high: t.highVolAtOrAbove,
      crisisVol: t.crisisVolAtOrAbove,
      crisisDrawdown: t.crisisDrawdownAtOrBelow,
    });
    const previous = this.regime;
    let reason: string;
    if (previous === null) {
      this.regime = entry.regime;
      reason = `initial: ${entry.why}`;
    } else if (rank(entry.regime) > rank(previous)) {
      this.regime = entry.regime;
      reason = `escalated from ${previous}: ${entry.why}`;
    } else {
      const exit = classify(vol, dd, {
        low: t.lowVolBelow - t.volatilityHysteresis,
        high: t.highVolAtOrAbove - t.volatilityHysteresis,
        crisisVol: t.crisisVolAtOrAbove - t.volatilityHysteresis,
        crisisDrawdown: t.crisisDrawdownAtOrBelow + t.drawdownHysteresis,
      });
      if (rank(exit.regime) < rank(previous) && this.dwell >= t.minDwellPeriods) {
        this.regime = exit.regime;
        reason = `eased from ${previous} after ${this.dwell} periods: ${exit.why} (exit thresholds include the hysteresis margin)`;
      } else if (rank(exit.regime) < rank(previous)) {
        reason = `held ${previous}: ${exit.why}, but only ${this.dwell} of ${t.minDwellPeriods} periods in the regime`;
      } else {
        reason = `held ${previous}: ${exit.why}`;
      }
    }
    const changed = previous !== null && previous !== this.regime;
    this.dwell = changed || previous === null ? 1 : this.dwell + 1;
    return {
      regime: this.regime,
      changed,
      previous,
      realizedVolatility: vol,
      drawdown: dd,
      periodsInRegime: this.dwell,
      reason,
    };
  }

  /** The thresholds in force (defaults merged with overrides). */
  get thresholds(): Readonly<RegimeThresholds> {
    return this.t;
  }

  private realizedVolatility(): number {
    const w = this.window;
    let s = 0;
    for (let i = 0; i < w.length; i += 1) s += w[i] as number;
    const mean = s / w.length;
    let ss = 0;
    for (let i = 0; i < w.length; i += 1) {
      const d = (w[i] as number) - mean;
      ss += d * d;
    }
    return Math.sqrt((ss / (w.length - 1)) * this.t.periodsPerYear);
  }
}

/** Runs a RegimeClassifier over a whole price series; one reading per price. */
export function classifyRegimes(
  prices: ArrayLike<number>,
  thresholds: Partial<RegimeThresholds> = {},
): RegimeReading[] {
  const classifier = new RegimeClassifier(thresholds);
  const out: RegimeReading[] = [];
  for (let i = 0; i < prices.length; i += 1) out.push(classifier.add(prices[i] as number));
  return out;
}
