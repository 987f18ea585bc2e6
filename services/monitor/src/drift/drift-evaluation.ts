import {
  type DriftDetectedPayload,
  type DriftRegime,
  type DriftTrigger,
  type PortfolioStatePayload,
} from '@ballast/contracts';
import { evaluateTriggers, isDiscretionary, outOfBandSymbols, type Trigger } from '@ballast/domain-planner';
import {
  aggregateAccounts,
  computeDrift,
  type DriftReport,
  type PortfolioFile,
  type PriceQuote,
  valuePortfolio,
} from '@ballast/domain-portfolio';

/** A price as the monitor holds it: the domain's quote plus its currency, reported in drift.detected. */
export type MonitorQuote = PriceQuote & { readonly currency: string };

export interface DriftInput {
  readonly state: PortfolioStatePayload;
  /** The `ballast plan` policy of the snapshot, already scaled by the regime when bands are adaptive. */
  readonly policy: PortfolioFile['policy'];
  readonly sleeves: PortfolioFile['sleeves'];
  /** Latest price of each symbol the portfolio holds or targets (absent: none yet). */
  readonly prices: ReadonlyMap<string, MonitorQuote>;
  /** Symbols market-data reported stale and no fresh tick has ended since. */
  readonly stale: ReadonlySet<string>;
  /** Trigger keys ({@link triggerKey}) active at the previous evaluation. */
  readonly previouslyActive: ReadonlySet<string>;
  readonly maxPriceSkewMs: number;
  /** The regime behind adaptive bands, reported in the event; absent without adaptive bands. */
  readonly regime?: DriftRegime;
}

export type DriftEvaluation =
  | { kind: 'missing-prices'; symbols: string[] }
  | { kind: 'stale-prices'; symbols: string[] }
  | { kind: 'prices-not-aligned'; oldest: MonitorQuote; newest: MonitorQuote }
  | {
      kind: 'evaluated';
      /** The valuation's as-of: the newest price used (the snapshot's time for an all-cash portfolio). */
      asOf: string;
      report: DriftReport;
      /** Symbols whose own or sleeve band fired (after the cooldown). */
      outOfBand: string[];
      /** Keys of every trigger that fired and was not held back by the cooldown. */
      active: string[];
      /** Discretionary triggers the cooldown held back, by kind (for the log). */
      heldBack: string[];
      driftDetected: DriftDetectedPayload | null;
    };

/** A stable identity of a trigger across evaluations: an episode lasts while its key stays active. */
export function triggerKey(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'absolute-band':
    case 'relative-band':
      return `${trigger.kind}:${trigger.symbol}`;
    case 'sleeve-band':
      return `sleeve-band:${trigger.sleeve}`;
    case 'calendar':
      return `calendar:${trigger.scheduled}`;
    case 'cash-flow':
      return `cash-flow:${trigger.account}:${trigger.amount}`;
    case 'cash-buffer':
      return `cash-buffer:${trigger.account}`;
  }
}

/**
 * Values a portfolio at the given prices and decides whether a `drift.detected` is due.
 *
 * - Every price the run needs (each held symbol with a non-zero quantity, and each targeted symbol,
 *   which the optimizer may have to buy) must be present, not stale, and within `maxPriceSkewMs` of
 *   the others; otherwise nothing is decided (stale or missing prices never produce a drift event).
 * - Triggers come from the planner library's `evaluateTriggers`, the same as `ballast plan`: absolute
 *   and relative bands per symbol, sleeve bands, the calendar and a pending cash flow. During the
 *   cooldown (`lastRebalance + cooldownDays` after the valuation date) discretionary triggers are held
 *   back as the planner does; a held-back trigger is not active, so it fires once the cooldown ends.
 * - `drift.detected` fires once per episode: when the portfolio goes from no active trigger to at
 *   least one, listing every trigger active at that moment (a 60/40 portfolio's two legs leave their
 *   bands together, though their prices arrive on separate ticks). It re-arms once none is active.
 */
export function evaluateDrift(input: DriftInput): DriftEvaluation {
  const { state, prices } = input;
  const holdings = aggregateAccounts(
    state.accounts.map((account) => ({
      cash: account.cash,
      positions: account.positions.map((position) => ({
        symbol: position.symbol,
        quantity: position.quantity,
      })),
    })),
  );
  const needed = neededSymbols(state);
  const missing = needed.filter((symbol) => !prices.has(symbol));
  if (missing.length > 0) return { kind: 'missing-prices', symbols: missing };
  const stale = needed.filter((symbol) => input.stale.has(symbol));
  if (stale.length > 0) return { kind: 'stale-prices', symbols: stale };
  const quotes = needed
    .map((symbol) => prices.get(symbol))
    .filter((quote): quote is MonitorQuote => quote !== undefined)
    .sort((a, b) => Date.parse(a.asOf) - Date.parse(b.asOf));
  const oldest = quotes[0];
  const newest = quotes[quotes.length - 1];
  if (
    oldest !== undefined &&
    newest !== undefined &&
    Date.parse(newest.asOf) - Date.parse(oldest.asOf) > input.maxPriceSkewMs
  ) {
    return { kind: 'prices-not-aligned', oldest, newest };
  }

  const valuation = valuePortfolio(holdings, prices);
  const report = computeDrift(valuation, state.targets);
  const asOf = newest?.asOf ?? state.updatedAt;
  const asOfDate = asOf.slice(0, 10);
  const fired = evaluateTriggers(report, input.policy, input.sleeves, asOfDate);
  const coolingUntil =
    input.policy.lastRebalance !== null && input.policy.cooldownDays > 0
      ? addDays(input.policy.lastRebalance, input.policy.cooldownDays)
      : null;
  const cooling = coolingUntil !== null && asOfDate < coolingUntil;
  const triggers = cooling ? fired.filter((trigger) => !isDiscretionary(trigger)) : fired;
  const heldBack = cooling ? fired.filter(isDiscretionary).map(triggerKey) : [];
  const active = triggers.map(triggerKey).sort();
  const outOfBand = [...outOfBandSymbols(triggers)].sort();
  const evaluated = { kind: 'evaluated' as const, asOf, report, outOfBand, active, heldBack };

  const crossed = input.previouslyActive.size === 0 && triggers.length > 0;
  const contractTriggers = triggers
    .map(toContractTrigger)
    .filter((trigger): trigger is DriftTrigger => trigger !== null);
  if (!crossed || contractTriggers.length === 0) return { ...evaluated, driftDetected: null };

  const pricesUsed = valuation.pricesUsed.map((quote) => ({
    symbol: quote.symbol,
    price: quote.price,
    currency: prices.get(quote.symbol)?.currency ?? '',
    asOf: quote.asOf,
    source: quote.source,
  }));
  // Targeted symbols not held yet were needed too (the optimizer buys them at these prices).
  for (const quote of quotes) {
    if (!pricesUsed.some((used) => used.symbol === quote.symbol)) {
      pricesUsed.push({
        symbol: quote.symbol,
        price: quote.price,
        currency: quote.currency,
        asOf: quote.asOf,
        source: quote.source,
      });
    }
  }
  pricesUsed.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return {
    ...evaluated,
    driftDetected: {
      portfolioId: state.portfolioId,
      stateVersion: state.version,
      asOf,
      baseCurrency: state.baseCurrency,
      triggers: contractTriggers,
      drift: report.rows.map((row) => ({
        symbol: row.symbol,
        targetWeight: row.targetWeight,
        currentWeight: row.currentWeight,
        drift: row.drift,
        relativeDrift: row.relativeDrift,
        marketValue: row.marketValue,
        quantity: row.quantity,
      })),
      cash: { value: report.cash.value, weight: report.cash.weight },
      totalValue: report.totalValue,
      portfolioDrift: report.portfolioDrift,
      pricesUsed,
      ...(input.regime === undefined ? {} : { regime: input.regime }),
    },
  };
}

/** Held symbols with a non-zero quantity, and targeted symbols, sorted. */
export function neededSymbols(state: PortfolioStatePayload): string[] {
  const symbols = new Set(state.targets.filter((target) => target.weight > 0).map((target) => target.symbol));
  for (const account of state.accounts) {
    for (const position of account.positions) {
      if (!/^0+(\.0+)?$/.test(position.quantity)) symbols.add(position.symbol);
    }
  }
  return [...symbols].sort();
}

/** Every symbol whose price matters to the portfolio, zero quantities included: the index's keys. */
export function indexedSymbols(state: PortfolioStatePayload): string[] {
  return [
    ...new Set([
      ...state.targets.map((target) => target.symbol),
      ...state.accounts.flatMap((account) => account.positions.map((position) => position.symbol)),
    ]),
  ].sort();
}

const toBps = (weight: number): number => Math.min(10_000, Math.max(1, Math.round(weight * 10_000)));
const directionOf = (drift: number): 'over' | 'under' => (drift > 0 ? 'over' : 'under');

/**
 * The planner's trigger in the contract's form (bands in bps, a direction). A relative band of a
 * held symbol without a target has no finite relative drift, which the contract cannot carry: it is
 * left out of the message (the drift table still shows the symbol at target 0).
 */
function toContractTrigger(trigger: Trigger): DriftTrigger | null {
  switch (trigger.kind) {
    case 'absolute-band':
      return {
        kind: 'absolute-band',
        symbol: trigger.symbol,
        drift: trigger.drift,
        bandBps: toBps(trigger.band),
        direction: directionOf(trigger.drift),
      };
    case 'relative-band':
      if (trigger.relativeDrift === null) return null;
      return {
        kind: 'relative-band',
        symbol: trigger.symbol,
        relativeDrift: trigger.relativeDrift,
        bandBps: toBps(trigger.band),
        direction: directionOf(trigger.relativeDrift),
      };
    case 'sleeve-band':
      return {
        kind: 'sleeve-band',
        sleeve: trigger.sleeve,
        symbols: [...trigger.symbols],
        currentWeight: trigger.currentWeight,
        targetWeight: trigger.targetWeight,
        drift: trigger.drift,
        band: { kind: trigger.band.kind, bandBps: toBps(trigger.band.width) },
        direction: directionOf(trigger.drift),
      };
    case 'calendar':
      return {
        kind: 'calendar',
        frequency: trigger.frequency,
        day: trigger.day,
        scheduled: trigger.scheduled,
        lastRebalance: trigger.lastRebalance,
      };
    case 'cash-flow':
      return { kind: 'cash-flow', accountId: trigger.account, amount: trigger.amount };
    case 'cash-buffer':
      return {
        kind: 'cash-buffer',
        accountId: trigger.account,
        cash: trigger.cash,
        required: trigger.required,
      };
  }
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
