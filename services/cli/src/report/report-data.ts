import {
  type BacktestInput,
  type BacktestPolicy,
  type BacktestResult,
  type PolicyResult,
} from '@ballast/domain-backtest';
import { type PortfolioFile, parsePortfolioFile } from '@ballast/domain-portfolio';
import { drawdownSeries } from '@ballast/domain-risk';
import { optionalNumber } from './comparison-table';

/** How the daily series were thinned for the charts (see {@link samplingBuckets}). */
export type Sampling = 'daily' | 'weekly' | 'monthly';

/** The charts' data, embedded in the report as JSON. Numbers are rounded (see {@link reportData}). */
export interface ReportData {
  readonly sampling: Sampling;
  /** The sampled dates: the last trading day of each bucket, and the first day of the run. */
  readonly dates: readonly string[];
  readonly symbols: readonly string[];
  readonly policies: readonly ReportPolicy[];
  /** Calendar years of the run, the x axis of the per-year bars. */
  readonly years: readonly string[];
  /** `true` when at least one policy carries `taxByYear`: the tax chart is drawn. */
  readonly hasTaxByYear: boolean;
}

export interface ReportPolicy {
  readonly name: string;
  /** Household value at each sampled date, money (cents). */
  readonly value: readonly number[];
  /** Drawdown of the time-weighted index (cash flows taken out), ≤ 0: the deepest day of each bucket. */
  readonly drawdown: readonly number[];
  /** Symbol -> weight at each sampled date; `cash` is the rest (1 - Σ weights). */
  readonly weights: Readonly<Record<string, readonly number[]>>;
  readonly cash: readonly number[];
  /** Symbol -> weight - target: within each bucket, the day farthest from the target. */
  readonly drift: Readonly<Record<string, readonly number[]>>;
  /** Symbol -> target weight, from the household's targets. */
  readonly targets: Readonly<Record<string, number>>;
  /** Symbol -> band as a weight (`min(absolute, relative × target)`, the planner's rule), `null`: no band. */
  readonly bands: Readonly<Record<string, number | null>>;
  /** One-way turnover in each year of {@link ReportData.years}: traded / 2 / the year's average value. */
  readonly turnoverByYear: readonly number[];
  /** Tax paid in each year, money; `null` when the result has no `taxByYear` for this policy. */
  readonly taxByYear: readonly number[] | null;
}

/** Up to this many points per series, daily; beyond it weekly, then monthly. */
export const MAX_POINTS = 750;

/**
 * Builds the charts' data from a backtest result and its configuration.
 *
 * Down-sampling, so the report stays small and the charts fast: a run of at most {@link MAX_POINTS}
 * days keeps every day; a longer one keeps the last trading day of each ISO week (nine years: about
 * 440 points instead of 2 150), and one with more than {@link MAX_POINTS} weeks the last day of
 * each month. The first day is always kept. Value and weights are the bucket's last close; drawdown
 * and drift keep the bucket's extreme day instead, so the chart's lowest drawdown equals the table's
 * maximum drawdown and a band breach that lasted a day still shows. Values are rounded to cents,
 * weights and drawdowns to 1e-6.
 *
 * Targets and bands come from the configuration's household with each policy's override, parsed
 * by `parsePortfolioFile` exactly as the backtest does (buy and hold is `mode: cash-flow`, bands kept).
 *
 * @throws Error when a policy of the result is not in the configuration, or the policies' dates
 *   differ (a result and a configuration that do not belong together: a bug of the caller).
 */
export function reportData(result: BacktestResult, input: BacktestInput): ReportData {
  const first = result.policies[0];
  const dates = first?.series.dates ?? [];
  for (const policy of result.policies) {
    if (policy.series.dates.length !== dates.length || policy.series.dates[0] !== dates[0]) {
      throw new Error(`policy "${policy.name}" was simulated over other dates than "${first?.name ?? ''}"`);
    }
  }
  const { sampling, buckets } = samplingBuckets(dates);
  const years = [...new Set(dates.map((date) => date.slice(0, 4)))];
  const hasTaxByYear = result.policies.some((policy) => taxByYear(policy) !== undefined);
  const flows = dailyFlows(dates, input);
  return {
    sampling,
    dates: buckets.map((bucket) => dates[bucket.last] as string),
    symbols: result.symbols,
    years,
    hasTaxByYear,
    policies: result.policies.map((policy) => {
      const template = policyTemplate(input, policy.name);
      const targets = Object.fromEntries(
        result.symbols.map((symbol) => [
          symbol,
          template.targets.find((target) => target.symbol === symbol)?.weight ?? 0,
        ]),
      );
      const { value, weights } = policy.series;
      const returns = new Float64Array(Math.max(0, value.length - 1));
      for (let t = 1; t < value.length; t += 1) {
        returns[t - 1] = ((value[t] ?? 0) - (flows[t] ?? 0)) / (value[t - 1] ?? 1) - 1;
      }
      // drawdownSeries gives the drawdown after each return; day 0 is the start, at its peak.
      const drawdown = Float64Array.from([0, ...drawdownSeries(returns)]);
      const weightsAt = (t: number) => result.symbols.map((symbol) => weights[symbol]?.[t] ?? 0);
      const taxes = taxByYear(policy);
      return {
        name: policy.name,
        value: buckets.map((b) => round(value[b.last] ?? 0, 2)),
        drawdown: buckets.map((b) => round(minOver(drawdown, b), 6)),
        weights: Object.fromEntries(
          result.symbols.map((symbol) => [
            symbol,
            buckets.map((b) => round(weights[symbol]?.[b.last] ?? 0, 6)),
          ]),
        ),
        cash: buckets.map((b) => round(Math.max(0, 1 - weightsAt(b.last).reduce((a, w) => a + w, 0)), 6)),
        drift: Object.fromEntries(
          result.symbols.map((symbol) => [
            symbol,
            buckets.map((b) => round(farthestGap(weights[symbol], targets[symbol] ?? 0, b), 6)),
          ]),
        ),
        targets,
        bands: Object.fromEntries(
          result.symbols.map((symbol) => [symbol, bandWidth(template, symbol, targets[symbol] ?? 0)]),
        ),
        turnoverByYear: turnoverByYear(policy, years),
        taxByYear: taxes === undefined ? null : years.map((year) => round(taxes.get(year) ?? 0, 2)),
      };
    }),
  };
}

interface Bucket {
  readonly first: number;
  readonly last: number;
}

/** Splits the dates into consecutive buckets (days, ISO weeks or months), the first day alone. */
export function samplingBuckets(dates: readonly string[]): { sampling: Sampling; buckets: Bucket[] } {
  const bucketsBy = (key: (date: string) => string): Bucket[] => {
    const buckets: Bucket[] = [];
    dates.forEach((date, t) => {
      const previous = buckets[buckets.length - 1];
      if (previous !== undefined && t > 1 && key(date) === key(dates[t - 1] as string)) {
        buckets[buckets.length - 1] = { first: previous.first, last: t };
      } else {
        buckets.push({ first: t, last: t });
      }
    });
    return buckets;
  };
  if (dates.length <= MAX_POINTS) return { sampling: 'daily', buckets: bucketsBy((date) => date) };
  const weekly = bucketsBy(isoWeek);
  if (weekly.length <= MAX_POINTS) return { sampling: 'weekly', buckets: weekly };
  return { sampling: 'monthly', buckets: bucketsBy((date) => date.slice(0, 7)) };
}

/** The Monday-based week a date falls in, as a number of weeks since 1969-12-29 (a Monday). */
function isoWeek(date: string): string {
  const day = Date.parse(`${date}T00:00:00Z`) / 86_400_000;
  return String(Math.floor((day + 3) / 7));
}

function minOver(series: Float64Array, bucket: Bucket): number {
  let min = Infinity;
  for (let t = bucket.first; t <= bucket.last; t += 1) min = Math.min(min, series[t] ?? Infinity);
  return Number.isFinite(min) ? min : 0;
}

function farthestGap(weights: Float64Array | undefined, target: number, bucket: Bucket): number {
  let gap = 0;
  for (let t = bucket.first; t <= bucket.last; t += 1) {
    const g = (weights?.[t] ?? 0) - target;
    if (t === bucket.first || Math.abs(g) > Math.abs(gap)) gap = g;
  }
  return gap;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Cash flow credited on each day, money: a flow dated on a day without prices arrives on the next one (as the backtest does). */
function dailyFlows(dates: readonly string[], input: BacktestInput): Float64Array {
  const flows = new Float64Array(dates.length);
  for (const flow of input.cashFlows ?? []) {
    const t = dates.findIndex((date) => date >= flow.date);
    if (t >= 0) flows[t] = (flows[t] ?? 0) + Number(flow.amount);
  }
  return flows;
}

/** The household with the policy's override, parsed the way `runBacktest` parses it. */
function policyTemplate(input: BacktestInput, name: string): PortfolioFile {
  const policy: BacktestPolicy | undefined = input.policies.find((p) => p.name === name);
  if (policy === undefined) throw new Error(`policy "${name}" of the result is not in the configuration`);
  return parsePortfolioFile({
    ...input.household,
    policy: {
      ...((input.household['policy'] as Record<string, unknown> | undefined) ?? {}),
      ...policy.policy,
      ...(policy.rebalance ? {} : { mode: 'cash-flow' }),
    },
  });
}

/** The narrowest band of a symbol as a weight, `min(absolute, relative × target)` of those set (the planner's `bandWidth`). */
function bandWidth(template: PortfolioFile, symbol: string, target: number): number | null {
  const { absolute, relative } = template.policy.bands.symbols[symbol] ?? template.policy.bands;
  const widths = [absolute, relative === null ? null : relative * target].filter(
    (width): width is number => width !== null,
  );
  return widths.length === 0 ? null : Math.min(...widths);
}

/** Traded value of the events filled in each year / 2 / that year's average daily value (the `annualTurnover` metric, per calendar year, not annualised). */
function turnoverByYear(policy: PolicyResult, years: readonly string[]): number[] {
  const { dates, value } = policy.series;
  return years.map((year) => {
    let sum = 0;
    let days = 0;
    dates.forEach((date, t) => {
      if (date.startsWith(year)) {
        sum += value[t] ?? 0;
        days += 1;
      }
    });
    const traded = policy.events
      .filter((event) => event.filledOn.startsWith(year))
      .reduce((total, event) => total + event.traded, 0);
    return days === 0 || sum === 0 ? 0 : round(traded / 2 / (sum / days), 6);
  });
}

/**
 * `PolicyResult.taxByYear` (`{ year, taxPaid | tax, ... }[]`, being added to the backtester), read
 * as an optional field so the report works before and after it lands: year as a number or string,
 * the tax (`taxPaid`, else `tax`; negative when a deduction saved tax) as a number or decimal string.
 * `undefined` when the policy does not carry it.
 */
export function taxByYear(policy: PolicyResult): Map<string, number> | undefined {
  const raw = (policy as unknown as Record<string, unknown>)['taxByYear'];
  if (!Array.isArray(raw)) return undefined;
  const byYear = new Map<string, number>();
  for (const entry of raw as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const year = (entry as Record<string, unknown>)['year'];
    const paid = optionalNumber(entry, 'taxPaid') ?? optionalNumber(entry, 'tax');
    if ((typeof year === 'number' || typeof year === 'string') && paid !== undefined) {
      byYear.set(String(year), (byYear.get(String(year)) ?? 0) + paid);
    }
  }
  return byYear;
}
