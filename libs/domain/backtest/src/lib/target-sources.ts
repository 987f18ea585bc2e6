import { type CalendarFrequency, type PortfolioFile } from '@ballast/domain-portfolio';
import { latestScheduledDate } from '@ballast/domain-planner';
import {
  EXPECTED_RETURN_MODELS,
  type FallbackStep,
  OBJECTIVES,
  RISK_MODELS,
  type WeightBounds,
  type ObjectiveName,
  type OptimizeRequest,
  optimizePortfolio,
} from '@ballast/domain-optimizer';
import {
  type AdaptiveBandPolicy,
  DEFAULT_ADAPTIVE_BAND_POLICY,
  type MarketRegime,
  RegimeClassifier,
  type RegimeThresholds,
  adaptPolicyBands,
} from '@ballast/domain-signals';
import { BacktestConfigError } from './errors';

/**
 * Targets re-estimated by the optimizer on a schedule, from the closes of a trailing window (no
 * look-ahead: the estimate on day t uses closes up to t). Until the window is full, the household's
 * own targets apply. The universe is the household's targeted symbols.
 */
export interface OptimizedTargets {
  /** Any objective of `ballast optimize`. */
  readonly objective: ObjectiveName;
  /** Trading days of closes each estimate uses; default 252 (one year). */
  readonly lookbackDays?: number;
  /** When targets are re-estimated (the first close of each period); default `monthly`. */
  readonly every?: CalendarFrequency;
  /**
   * Other options of the optimizer, as in `ballast optimize`: expectedReturns, riskModel, span,
   * riskFreeRate, targetVolatility, targetReturn, riskAversion, bounds, l2Gamma, fallback. The fallback
   * defaults to min-volatility, then the previous targets: a failed estimate never stops a backtest,
   * and every fallback is counted in the results.
   */
  readonly options?: Readonly<Record<string, unknown>>;
}

/** Drift bands (and the cooldown) scaled by the market regime of a benchmark column. */
export interface AdaptiveBands {
  /** A column of the prices file (it need not be held). */
  readonly benchmark: string;
  readonly thresholds?: Partial<RegimeThresholds>;
  readonly multipliers?: Partial<AdaptiveBandPolicy['multipliers']>;
  readonly minBandBps?: number;
  readonly maxBandBps?: number;
}

/** A re-estimation of optimizer-driven targets, for the results. */
export interface TargetChange {
  readonly date: string;
  readonly weights: Readonly<Record<string, number>>;
  /** The fallback step that answered, or null when the objective itself did. */
  readonly fallbackUsed: string | null;
}

const OPTION_FIELDS = [
  'expectedReturns',
  'riskModel',
  'span',
  'riskFreeRate',
  'targetVolatility',
  'targetReturn',
  'riskAversion',
  'bounds',
  'l2Gamma',
  'fallback',
] as const;

/** Checks an optimizer-driven target source, naming the field at fault. */
export function checkOptimizedTargets(
  source: OptimizedTargets,
  field: string,
  template: PortfolioFile,
): void {
  if (!(OBJECTIVES as readonly string[]).includes(source.objective)) {
    throw new BacktestConfigError(
      `${field}.objective`,
      `unknown objective ${JSON.stringify(source.objective)}; expected one of ${OBJECTIVES.join(', ')}`,
    );
  }
  const lookback = source.lookbackDays ?? 252;
  if (!Number.isInteger(lookback) || lookback < 20) {
    throw new BacktestConfigError(
      `${field}.lookbackDays`,
      `expected a whole number of days >= 20, got ${lookback}`,
    );
  }
  if (source.every !== undefined && !['monthly', 'quarterly', 'annually'].includes(source.every)) {
    throw new BacktestConfigError(
      `${field}.every`,
      `expected monthly, quarterly or annually, got ${JSON.stringify(source.every)}`,
    );
  }
  for (const [key, value] of Object.entries(source.options ?? {})) {
    checkOption(`${field}.options.${key}`, key, value);
  }
  if (template.sleeves.length > 0) {
    throw new BacktestConfigError(
      field,
      'optimizer-driven targets replace symbol weights; a household with sleeves cannot use them (give symbol targets)',
    );
  }
  if (template.targets.length < 2) {
    throw new BacktestConfigError(field, 'the optimizer needs at least two targeted symbols');
  }
}

function checkOption(at: string, key: string, value: unknown): void {
  const fail = (problem: string): never => {
    throw new BacktestConfigError(at, problem);
  };
  if (!(OPTION_FIELDS as readonly string[]).includes(key)) {
    fail(`unknown option; expected ${OPTION_FIELDS.join(', ')}`);
  }
  if (key === 'expectedReturns' && !(EXPECTED_RETURN_MODELS as readonly unknown[]).includes(value)) {
    fail(`expected one of ${EXPECTED_RETURN_MODELS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (key === 'riskModel' && !(RISK_MODELS as readonly unknown[]).includes(value)) {
    fail(`expected one of ${RISK_MODELS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  const numeric = ['span', 'riskFreeRate', 'targetVolatility', 'targetReturn', 'riskAversion', 'l2Gamma'];
  if (numeric.includes(key) && !(typeof value === 'number' && Number.isFinite(value))) {
    fail(`expected a number, got ${JSON.stringify(value)}`);
  }
  if (key === 'bounds' && boundsOf(value) === undefined) {
    fail(`expected [lower, upper] (two numbers, lower <= upper), got ${JSON.stringify(value)}`);
  }
  const isStep = (step: unknown) =>
    step === 'previous-weights' || (OBJECTIVES as readonly unknown[]).includes(step);
  if (key === 'fallback' && !(Array.isArray(value) && value.every(isStep))) {
    fail(`expected a list of objectives or previous-weights, got ${JSON.stringify(value)}`);
  }
}

/** `[lower, upper]` weight bounds for every asset, as `ballast optimize --bounds LO,HI`. */
function boundsOf(value: unknown): WeightBounds | undefined {
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [lower, upper] = value as unknown[];
  if (typeof lower !== 'number' || typeof upper !== 'number' || Number.isNaN(lower) || Number.isNaN(upper)) {
    return undefined;
  }
  return lower <= upper ? { lower, upper } : undefined;
}

/**
 * The optimizer-driven target source of one policy's run: `update(t)` re-estimates on the first close
 * of each period once the lookback window is full, and returns the new targets (or undefined).
 */
export class TargetEstimator {
  private lastPeriod: string | null = null;
  readonly changes: TargetChange[] = [];
  private current: Record<string, number>;

  constructor(
    private readonly source: OptimizedTargets,
    private readonly universe: readonly string[],
    initial: Readonly<Record<string, number>>,
  ) {
    this.current = { ...initial };
  }

  /** `closes[k]` is universe symbol k's closes; `dates` the rows' dates; t the decision day. */
  update(
    t: number,
    dates: readonly string[],
    closes: readonly Float64Array[],
  ): Record<string, number> | undefined {
    const lookback = this.source.lookbackDays ?? 252;
    if (t < lookback) return undefined;
    const date = dates[t] ?? '';
    const period = latestScheduledDate({ frequency: this.source.every ?? 'monthly', day: 1 }, date);
    if (period === this.lastPeriod) return undefined;
    this.lastPeriod = period;

    const n = this.universe.length;
    const values = new Float64Array(lookback * n);
    for (let row = 0; row < lookback; row += 1) {
      const day = t - lookback + row + 1;
      for (let k = 0; k < n; k += 1) {
        const series = closes[k] as Float64Array;
        values[row * n + k] = (series[day] ?? Number.NaN) / (series[day - 1] ?? Number.NaN) - 1;
      }
    }
    const { bounds, ...rest } = this.source.options ?? {};
    const options = rest as Partial<OptimizeRequest>;
    const report = optimizePortfolio({
      ...options,
      ...(bounds === undefined ? {} : { bounds: boundsOf(bounds) }),
      returns: { symbols: this.universe, dates: dates.slice(t - lookback + 1, t + 1), values },
      objective: this.source.objective,
      fallback: options.fallback ?? (['min-volatility', 'previous-weights'] as FallbackStep[]),
      currentWeights: this.current,
      clock: () => 0,
    });
    // Dust below one basis point is the solver's tolerance, not a position worth holding.
    const cleaned = Object.fromEntries(
      this.universe.map((symbol) => [symbol, Math.max(0, report.weights[symbol] ?? 0)]),
    );
    for (const symbol of this.universe) if ((cleaned[symbol] ?? 0) < 1e-4) cleaned[symbol] = 0;
    const sum = Object.values(cleaned).reduce((a, b) => a + b, 0);
    if (!(sum > 0)) return undefined;
    for (const symbol of this.universe) cleaned[symbol] = (cleaned[symbol] ?? 0) / sum;
    this.current = cleaned;
    this.changes.push({ date, weights: cleaned, fallbackUsed: report.diagnostics.fallbackUsed });
    return cleaned;
  }
}

/** Bands and cooldown of one day under {@link AdaptiveBands}, with the reason. */
export interface AdaptedPolicy {
  readonly policy: PortfolioFile['policy'];
  readonly regime: MarketRegime | null;
  readonly reason: string;
}

/** Checks an adaptive-band source, naming the field at fault. */
export function checkAdaptiveBands(
  source: AdaptiveBands,
  field: string,
  policy: PortfolioFile['policy'],
  priceColumns: readonly string[],
): void {
  if (!priceColumns.includes(source.benchmark)) {
    throw new BacktestConfigError(
      `${field}.benchmark`,
      `no price column ${JSON.stringify(source.benchmark)}; the file has ${priceColumns.join(', ')}`,
    );
  }
  if (policy.bands.absolute === null && policy.bands.relative === null) {
    throw new BacktestConfigError(
      field,
      "adaptive bands scale the policy's bands: set bands.absolute or bands.relative",
    );
  }
  try {
    new RegimeClassifier(source.thresholds ?? {});
  } catch (error) {
    throw new BacktestConfigError(`${field}.thresholds`, (error as Error).message);
  }
}

/**
 * Scales a policy's bands (absolute, relative, per symbol and per sleeve) and cooldown by the
 * regime, day by day, through `adaptPolicyBands` of the signals library (as the monitor does).
 */
export class BandAdapter {
  private readonly classifier: RegimeClassifier;
  private readonly bandPolicy: AdaptiveBandPolicy;

  constructor(
    source: AdaptiveBands,
    private readonly base: PortfolioFile['policy'],
  ) {
    this.classifier = new RegimeClassifier(source.thresholds ?? {});
    this.bandPolicy = {
      multipliers: { ...DEFAULT_ADAPTIVE_BAND_POLICY.multipliers, ...source.multipliers },
      minBandBps: source.minBandBps ?? DEFAULT_ADAPTIVE_BAND_POLICY.minBandBps,
      maxBandBps: source.maxBandBps ?? DEFAULT_ADAPTIVE_BAND_POLICY.maxBandBps,
    };
  }

  /** Adds day t's benchmark close and returns the policy for that day. */
  next(benchmarkClose: number): AdaptedPolicy {
    const reading = this.classifier.add(benchmarkClose);
    const { policy, band } = adaptPolicyBands(this.base, reading.regime, this.bandPolicy);
    return { regime: reading.regime, reason: band.reason, policy };
  }
}
