import { type DriftRiskSnapshot, type RiskAlertPayload } from '@ballast/contracts';
import { annualVolatility, drawdownSeries } from '@ballast/domain-risk';
import { type RiskLimits } from './monitor-policy';

/** One day of the portfolio's value series as the monitor keeps it: the last valuation of that day. */
export interface DailyValue {
  /** `YYYY-MM-DD` (UTC) of the valuation's as-of. */
  readonly day: string;
  /** Total value (positions and cash), a decimal string in the base currency. */
  readonly value: string;
  /** The `portfolio.state` version valued. */
  readonly version: number;
}

/**
 * Daily returns of a value series, oldest first. A return is only taken between two days valued at
 * the same ledger version: a new version (a deposit, a withdrawal, a fill) changes the value without
 * any market move, and counting it would show a deposit as a gain and a withdrawal as a drawdown.
 * Between such days the series is simply joined (the return is left out, not set to 0).
 */
export function dailyReturns(series: readonly DailyValue[]): number[] {
  const returns: number[] = [];
  for (let i = 1; i < series.length; i += 1) {
    const previous = series[i - 1] as DailyValue;
    const current = series[i] as DailyValue;
    if (previous.version !== current.version) continue;
    const before = Number(previous.value);
    const after = Number(current.value);
    // Statistics are floats (STYLE.md); money stays decimal everywhere else.
    if (before > 0 && Number.isFinite(after)) returns.push(after / before - 1);
  }
  return returns;
}

/**
 * The risk snapshot of a portfolio, from the risk library:
 * - drawdown: `1 − Wₜ / max(W₀..Wₜ)` of the compounded daily returns (`drawdownSeries`, empyrical's
 *   convention, reported as a positive fraction);
 * - annualised volatility: sample standard deviation × √252 (`annualVolatility`), once there are at
 *   least `minReturnsForVolatility` returns (fewer say little and swing wildly), else null;
 * - the largest current weight of one holding.
 */
export function riskSnapshot(
  series: readonly DailyValue[],
  weights: readonly { symbol: string; currentWeight: number }[],
  minReturnsForVolatility: number,
): DriftRiskSnapshot {
  const returns = dailyReturns(series);
  const drawdowns = returns.length === 0 ? null : drawdownSeries(returns);
  const last = drawdowns === null ? 0 : (drawdowns[drawdowns.length - 1] ?? 0);
  const volatility =
    returns.length >= Math.max(2, minReturnsForVolatility) ? annualVolatility(returns) : null;
  return {
    drawdown: Math.min(1, Math.max(0, -last)),
    annualVolatility: volatility,
    observations: returns.length,
    maxPositionWeight: Math.min(1, Math.max(0, ...weights.map((row) => row.currentWeight))),
  };
}

/** A limit of the policy that the snapshot exceeds; `key` identifies its episode. */
export interface RiskBreach {
  readonly key: string;
  readonly limit: RiskAlertPayload['limit'];
  readonly value: number;
  readonly threshold: number;
  readonly symbol?: string;
}

/**
 * Every limit of `riskLimits` the snapshot exceeds (value > limit). `maxPositionWeight` is checked per
 * holding, so each symbol over the limit is its own breach.
 */
export function riskBreaches(
  snapshot: DriftRiskSnapshot,
  weights: readonly { symbol: string; currentWeight: number }[],
  limits: RiskLimits,
): RiskBreach[] {
  const breaches: RiskBreach[] = [];
  if (limits.maxDrawdown !== undefined && snapshot.drawdown > limits.maxDrawdown) {
    breaches.push({
      key: 'max-drawdown',
      limit: 'max-drawdown',
      value: snapshot.drawdown,
      threshold: limits.maxDrawdown,
    });
  }
  if (
    limits.annualVolatility !== undefined &&
    snapshot.annualVolatility !== null &&
    snapshot.annualVolatility > limits.annualVolatility
  ) {
    breaches.push({
      key: 'annual-volatility',
      limit: 'annual-volatility',
      value: snapshot.annualVolatility,
      threshold: limits.annualVolatility,
    });
  }
  if (limits.maxPositionWeight !== undefined) {
    for (const row of weights) {
      if (row.currentWeight > limits.maxPositionWeight) {
        breaches.push({
          key: `max-position-weight:${row.symbol}`,
          limit: 'max-position-weight',
          value: row.currentWeight,
          threshold: limits.maxPositionWeight,
          symbol: row.symbol,
        });
      }
    }
  }
  return breaches;
}

/**
 * Alerts are per episode: a breach whose key was not breached at the previous evaluation starts one
 * (and is alerted); it ends when the value is back within the limit, and a later breach alerts again.
 */
export function newBreaches(
  breaches: readonly RiskBreach[],
  previouslyBreached: ReadonlySet<string>,
): RiskBreach[] {
  return breaches.filter((breach) => !previouslyBreached.has(breach.key));
}

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}%`;

/** The `risk.alert` payload of a breach, with one sentence for people. */
export function riskAlertOf(
  breach: RiskBreach,
  context: { portfolioId: string; stateVersion: number; asOf: string; name: string },
): RiskAlertPayload {
  const what =
    breach.limit === 'max-drawdown'
      ? 'drawdown from its peak'
      : breach.limit === 'annual-volatility'
        ? 'annualised volatility'
        : `weight of ${breach.symbol ?? ''}`;
  return {
    portfolioId: context.portfolioId,
    stateVersion: context.stateVersion,
    asOf: context.asOf,
    limit: breach.limit,
    value: breach.value,
    threshold: breach.threshold,
    ...(breach.symbol === undefined ? {} : { symbol: breach.symbol }),
    message: `${context.name}: ${what} is ${percent(breach.value)}, above the policy limit of ${percent(breach.threshold)}`,
  };
}
