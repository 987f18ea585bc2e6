import { checkedReadOnly, checkedSeries, checkPositiveInteger, type Series } from './series';
import {
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  NonFiniteValueError,
  UnknownSymbolError,
} from './errors';
import { maxDrawdownCore } from './drawdown';
import { checkDates, weightedReturns } from './portfolio';

/**
 * A portfolio for stress testing: weights (fractions of value; 1 - Σw is cash) and the holdings'
 * dated return history, one series per symbol.
 */
export interface StressPortfolio {
  readonly dates: readonly string[];
  readonly symbols: readonly string[];
  readonly assetReturns: readonly Series[];
  readonly weights: Series;
}

/** One holding's part in a scenario's P&L. */
export interface StressDriver {
  symbol: string;
  weight: number;
  /** The holding's own return in the scenario (compounded over a historical window, or its shock). */
  assetReturn: number;
  /** weight × assetReturn: its P&L as a fraction of portfolio value; the drivers sum to portfolioReturn. */
  contribution: number;
}

export type StressKind = 'worst-period' | 'worst-window' | 'max-drawdown' | 'date-range' | 'shock';

/**
 * A scenario's outcome. P&L is a fraction of portfolio value (multiply by the value for money).
 * `portfolioReturn` is null only when the scenario cannot be replayed on this data, with `reason`.
 */
export interface StressResult {
  name: string;
  kind: StressKind;
  /** First and last return date of a historical window (null for a shock). */
  from: string | null;
  to: string | null;
  periods: number | null;
  portfolioReturn: number | null;
  /** Sorted by contribution, largest loss first (ties by symbol). */
  drivers: StressDriver[];
  reason: string | null;
}

/** A portfolio whose dates, weights and return series have been checked (see checkPortfolio). */
export interface CheckedPortfolio {
  dates: readonly string[];
  symbols: readonly string[];
  returns: Float64Array[];
  weights: Float64Array;
}

function checkPortfolio(p: StressPortfolio): CheckedPortfolio {
  const n = p.symbols.length;
  if (n === 0) throw new InsufficientDataError('stress test', 1, 0);
  if (p.assetReturns.length !== n)
    throw new LengthMismatchError('symbols', n, 'return series', p.assetReturns.length);
  if (p.weights.length !== n) throw new LengthMismatchError('symbols', n, 'weights', p.weights.length);
  checkDates(p.dates, 'stress portfolio');
  const weights = checkedSeries(p.weights, 'weights', 'stress test');
  const returns = p.assetReturns.map((r, a) => {
    if (r.length !== p.dates.length)
      throw new LengthMismatchError('dates', p.dates.length, `${p.symbols[a] as string} returns`, r.length);
    return checkedReadOnly(r, `${p.symbols[a] as string} returns`, 'stress test', 0);
  });
  return { dates: p.dates, symbols: p.symbols, returns, weights };
}

function sortDrivers(drivers: StressDriver[]): StressDriver[] {
  return drivers.sort((a, b) =>
    a.contribution !== b.contribution
      ? a.contribution - b.contribution
      : a.symbol < b.symbol
        ? -1
        : a.symbol > b.symbol
          ? 1
          : 0,
  );
}

/**
 * Replays returns [fromIndex, toIndex] (inclusive) on the current holdings, held through the window
 * without rebalancing (the usual historical-scenario convention: today's positions meet the
 * window's price moves). Holding i returns Rᵢ = Π(1 + rᵢ,ₜ) - 1, contributes wᵢRᵢ, and the portfolio
 * returns Σ wᵢRᵢ exactly (buy-and-hold P&L is additive across holdings).
 */
function replay(
  p: CheckedPortfolio,
  fromIndex: number,
  toIndex: number,
  name: string,
  kind: StressKind,
): StressResult {
  const drivers: StressDriver[] = [];
  let total = 0;
  for (let a = 0; a < p.symbols.length; a += 1) {
    const r = p.returns[a] as Float64Array;
    let wealth = 1;
    for (let t = fromIndex; t <= toIndex; t += 1) wealth *= 1 + (r[t] as number);
    const assetReturn = wealth - 1;
    const weight = p.weights[a] as number;
    const contribution = weight * assetReturn;
    total += contribution;
    drivers.push({ symbol: p.symbols[a] as string, weight, assetReturn, contribution });
  }
  return {
    name,
    kind,
    from: p.dates[fromIndex] as string,
    to: p.dates[toIndex] as string,
    periods: toIndex - fromIndex + 1,
    portfolioReturn: total,
    drivers: sortDrivers(drivers),
    reason: null,
  };
}

function unavailable(name: string, kind: StressKind, reason: string): StressResult {
  return { name, kind, from: null, to: null, periods: null, portfolioReturn: null, drivers: [], reason };
}

/**
 * The `length`-period window with the lowest compounded return Π(1 + rₜ) - 1 of `reference`; the
 * first such window wins ties. O(n × length). Throws InsufficientDataError when shorter than the window.
 */
export function worstWindow(
  reference: Series,
  length: number,
): { fromIndex: number; toIndex: number; compoundedReturn: number } {
  checkPositiveInteger('window length', length);
  const r = checkedSeries(reference, 'reference', `worst ${length}-period window`, length);
  let best = Infinity;
  let bestFrom = 0;
  for (let s = 0; s + length <= r.length; s += 1) {
    let wealth = 1;
    for (let t = s; t < s + length; t += 1) wealth *= 1 + (r[t] as number);
    if (wealth - 1 < best) {
      best = wealth - 1;
      bestFrom = s;
    }
  }
  return { fromIndex: bestFrom, toIndex: bestFrom + length - 1, compoundedReturn: best };
}

/** A named historical date range, inclusive of both ends (for example 2008-09-01..2009-03-09). */
export interface DateRangeScenario {
  name: string;
  from: string;
  to: string;
}

export interface HistoricalStressOptions {
  /**
   * Returns of the series whose worst windows and drawdown define the scenarios, on the portfolio's
   * dates (align first); the portfolio's own daily-rebalanced returns when absent.
   */
  reference?: Series;
  /** Name of the reference in scenario names; default `benchmark` when `reference` is given, else `portfolio`. */
  referenceName?: string;
  /** Window lengths in periods to search for the worst compounded return; default [1, 21] (a day, a trading month). */
  windows?: readonly number[];
  /** Replay the reference's largest drawdown (peak to trough); default true. */
  maxDrawdown?: boolean;
  ranges?: readonly DateRangeScenario[];
}

/**
 * Historical stress scenarios found in the data, replayed on the current holdings (see `replay` above
 * for the convention): the reference's worst 1-period and 21-period windows, its largest drawdown
 * from peak to trough, and any named date ranges. A range covers the returns dated from `from` to `to`
 * inclusive, i.e. the move from the close before `from` to the close of `to`. A scenario that the data
 * cannot support (series shorter than the window, a range with no returns inside, no drawdown at all)
 * is reported with `portfolioReturn: null` and its reason rather than thrown, so one short scenario
 * does not hide the others. Input errors (NaN, ragged series, unsorted dates, from > to) throw.
 */
export function historicalStress(
  portfolio: StressPortfolio,
  options: HistoricalStressOptions = {},
): StressResult[] {
  return historicalStressChecked(checkPortfolio(portfolio), options);
}

/** {@link historicalStress} of a portfolio already checked (the report's, checked once). */
export function historicalStressChecked(
  p: CheckedPortfolio,
  options: HistoricalStressOptions = {},
): StressResult[] {
  const refName = options.referenceName ?? (options.reference === undefined ? 'portfolio' : 'benchmark');
  let reference: Float64Array;
  if (options.reference === undefined) reference = weightedReturns(p.returns, p.weights);
  else {
    if (options.reference.length !== p.dates.length)
      throw new LengthMismatchError('dates', p.dates.length, `${refName} returns`, options.reference.length);
    reference = checkedSeries(options.reference, `${refName} returns`, 'stress test', 0);
  }
  const out: StressResult[] = [];
  for (const length of options.windows ?? [1, 21]) {
    checkPositiveInteger('stress window', length);
    const kind: StressKind = length === 1 ? 'worst-period' : 'worst-window';
    const name =
      length === 1 ? `worst period of the ${refName}` : `worst ${length}-period window of the ${refName}`;
    if (reference.length < length) {
      out.push(unavailable(name, kind, new InsufficientDataError(name, length, reference.length).message));
      continue;
    }
    const w = worstWindow(reference, length);
    out.push(replay(p, w.fromIndex, w.toIndex, name, kind));
  }
  if (options.maxDrawdown ?? true) {
    const name = `largest drawdown of the ${refName}`;
    const dd = reference.length === 0 ? null : maxDrawdownCore(reference);
    if (dd === null || dd.maxDrawdown === 0)
      out.push(unavailable(name, 'max-drawdown', `the ${refName} never falls below a previous high`));
    else out.push(replay(p, dd.peakIndex + 1, dd.troughIndex, name, 'max-drawdown'));
  }
  for (const range of options.ranges ?? []) {
    for (const end of [range.from, range.to]) checkDates([end], `stress range ${range.name}`);
    if (range.from > range.to)
      throw new InvalidParameterError(
        `stress range ${range.name}`,
        `${range.from}..${range.to}`,
        'from ≤ to',
      );
    let first = -1;
    let last = -1;
    for (let t = 0; t < p.dates.length; t += 1) {
      const d = p.dates[t] as string;
      if (d >= range.from && d <= range.to) {
        if (first < 0) first = t;
        last = t;
      }
    }
    if (first < 0) {
      const span =
        p.dates.length === 0
          ? 'no dates'
          : `${p.dates[0] as string}..${p.dates[p.dates.length - 1] as string}`;
      out.push(
        unavailable(
          range.name,
          'date-range',
          `no return dated in ${range.from}..${range.to} (data covers ${span})`,
        ),
      );
    } else out.push(replay(p, first, last, range.name, 'date-range'));
  }
  return out;
}

/**
 * A hypothetical shock: an instantaneous return per symbol, or per group (sleeve) through a
 * symbol → group map, for example `{ groups: { SPY: 'equities', TLT: 'bonds' }, groupShocks:
 * { equities: -0.2, bonds: 0.05 } }`. A symbol's own shock overrides its group's; holdings with neither
 * are unshocked (return 0).
 */
export interface ShockScenario {
  name: string;
  symbolShocks?: Readonly<Record<string, number>>;
  groups?: Readonly<Record<string, string>>;
  groupShocks?: Readonly<Record<string, number>>;
}

function checkShock(name: string, key: string, value: number): number {
  if (!Number.isFinite(value)) throw new NonFiniteValueError(`${name} shock`, 0, value);
  if (value < -1) throw new InvalidParameterError(`${name} shock of ${key}`, value, 'a return ≥ -1');
  return value;
}

/**
 * The P&L of an instantaneous shock on the current weights: Σ wᵢ sᵢ, with each holding's
 * contribution wᵢsᵢ. Throws UnknownSymbolError for a shocked symbol that is not held or a shocked
 * group that no held symbol belongs to (a typo would otherwise silently shock nothing),
 * InvalidParameterError for a shock below -100%, NonFiniteValueError for NaN/∞.
 */
export function applyShock(
  symbols: readonly string[],
  weights: Series,
  scenario: ShockScenario,
): StressResult {
  if (weights.length !== symbols.length)
    throw new LengthMismatchError('symbols', symbols.length, 'weights', weights.length);
  const w = checkedSeries(weights, 'weights', `shock ${scenario.name}`);
  const held = new Set(symbols);
  const symbolShocks = scenario.symbolShocks ?? {};
  const groups = scenario.groups ?? {};
  const groupShocks = scenario.groupShocks ?? {};
  for (const [symbol, value] of Object.entries(symbolShocks)) {
    if (!held.has(symbol)) throw new UnknownSymbolError(`shock ${scenario.name}`, symbol);
    checkShock(scenario.name, symbol, value);
  }
  const usedGroups = new Set(symbols.map((s) => groups[s]).filter((g) => g !== undefined));
  for (const [group, value] of Object.entries(groupShocks)) {
    if (!usedGroups.has(group)) throw new UnknownSymbolError(`shock ${scenario.name}`, group);
    checkShock(scenario.name, group, value);
  }
  const drivers: StressDriver[] = [];
  let total = 0;
  for (let a = 0; a < symbols.length; a += 1) {
    const symbol = symbols[a] as string;
    const group = groups[symbol];
    const assetReturn = symbolShocks[symbol] ?? (group === undefined ? undefined : groupShocks[group]) ?? 0;
    const weight = w[a] as number;
    const contribution = weight * assetReturn;
    total += contribution;
    drivers.push({ symbol, weight, assetReturn, contribution });
  }
  return {
    name: scenario.name,
    kind: 'shock',
    from: null,
    to: null,
    periods: null,
    portfolioReturn: total,
    drivers: sortDrivers(drivers),
    reason: null,
  };
}
