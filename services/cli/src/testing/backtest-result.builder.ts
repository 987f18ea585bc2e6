// Builders of backtest results and configurations for the report's specs: defaults for everything,
// overrides for what a spec is about. No I/O.
import {
  type BacktestInput,
  type BacktestResult,
  type PolicyMetrics,
  type PolicyResult,
  type RebalanceEvent,
} from '@ballast/domain-backtest';

/** `count` weekdays from `start` (YYYY-MM-DD, a weekday). */
export function weekdays(start: string, count: number): string[] {
  const dates: string[] = [];
  for (let day = Date.parse(`${start}T00:00:00Z`); dates.length < count; day += 86_400_000) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}

// The backtester's result types are growing (tax fields being added): the builders below fill the
// fields the report reads and cast, so they compile against the types before and after that lands.

export function metrics(overrides: Partial<PolicyMetrics> & Record<string, unknown> = {}): PolicyMetrics {
  const built = {
    finalValue: 110_000,
    cagr: 0.05,
    annualVolatility: 0.1,
    sharpe: 0.5,
    sortino: 0.7,
    maxDrawdown: { depth: -0.1, peak: '2015-01-05', trough: '2015-02-02', recovery: null },
    trackingError: 0.01,
    annualTurnover: 0.12,
    rebalances: 1,
    trades: 2,
    costs: 12.5,
    timeOutOfBand: null,
    averageDrift: 0.01,
    ...overrides,
  };
  return built as unknown as PolicyMetrics;
}

export function event(overrides: Partial<RebalanceEvent> = {}): RebalanceEvent {
  return {
    date: '2015-01-05',
    filledOn: '2015-01-06',
    triggers: ['calendar'],
    orders: 2,
    traded: 10_000,
    costs: 3,
    partialFills: 0,
    ...overrides,
  };
}

/**
 * A policy over `dates` with the given daily values; AAA and BBB hold 60 % and 40 % of what is not
 * in cash (1 %). Extra fields (a future `taxByYear`) pass through.
 */
export function policy(
  name: string,
  dates: readonly string[],
  value: (t: number) => number = (t) => 100_000 + t * 10,
  extra: Record<string, unknown> = {},
): PolicyResult {
  const days = dates.length;
  const built = {
    name,
    metrics: metrics(),
    events: [event()],
    series: {
      dates,
      value: Float64Array.from({ length: days }, (_, t) => value(t)),
      drift: new Float64Array(days).fill(0.01),
      weights: {
        AAA: new Float64Array(days).fill(0.594),
        BBB: new Float64Array(days).fill(0.396),
      },
    },
    ...extra,
  };
  return built as unknown as PolicyResult;
}

export function result(
  policies: readonly PolicyResult[],
  overrides: Partial<BacktestResult> = {},
): BacktestResult {
  const dates = policies[0]?.series.dates ?? [];
  return {
    from: dates[0] ?? '',
    to: dates[dates.length - 1] ?? '',
    days: dates.length,
    symbols: ['AAA', 'BBB'],
    pricesOnly: true,
    policies,
    ...overrides,
  };
}

/** The configuration the result came from: a one-account household 60/40 in AAA/BBB, a policy per name. */
export function input(
  policies: readonly { name: string; policy?: Record<string, unknown>; rebalance?: boolean }[],
  overrides: Partial<BacktestInput> = {},
): BacktestInput {
  return {
    household: {
      id: 'test-household',
      accounts: [{ id: 'taxable', type: 'taxable', cash: '1000.00', lots: [] }],
      targets: { AAA: 0.6, BBB: 0.4 },
    },
    prices: { symbols: ['AAA', 'BBB'], rows: [] },
    policies: policies.map((p) => ({ name: p.name, rebalance: p.rebalance ?? true, policy: p.policy ?? {} })),
    ...overrides,
  };
}
