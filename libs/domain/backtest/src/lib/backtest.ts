import {
  Decimal,
  type PortfolioAccount,
  type PortfolioFile,
  type PriceQuote,
  type TargetWeight,
  type TaxLot,
  type WidePrices,
  parsePortfolioFile,
  toDecimalString,
} from '@ballast/domain-portfolio';
import {
  type LinearSolver,
  type RebalancePlan,
  type Trigger,
  isDiscretionary,
  latestScheduledDate,
  planRebalance,
} from '@ballast/domain-planner';
import {
  type HouseholdTransaction,
  type LotSale,
  type SaleRequest,
  type TaxPolicy,
  findHarvestCandidates,
  lotMethodOf,
  parseTaxPolicy,
  sellFromLots,
} from '@ballast/domain-tax';
import { type CorporateActions, type Dividend, type Split } from './corporate-actions';
import { BacktestConfigError } from './errors';
import { type PolicyMetrics, policyMetrics } from './metrics';
import {
  type AdaptiveBands,
  BandAdapter,
  type OptimizedTargets,
  type TargetChange,
  TargetEstimator,
  checkAdaptiveBands,
  checkOptimizedTargets,
} from './target-sources';
import { type SimulatedLot, TaxBook, type TaxYear, fromTaxLot, toTaxLot } from './tax-book';

/**
 * When an order decided at day t's close is filled: at day t+1's close (`next-close`), at day t+1's
 * open (`next-open`, data with opens only: Lean bars), or at day t's own close (`same-close`).
 */
export type FillTiming = 'next-close' | 'next-open' | 'same-close';

const FILL_TIMINGS: readonly FillTiming[] = ['next-close', 'next-open', 'same-close'];

/**
 * How the tax of taxable accounts is settled: `cash` pays each year's tax on the first trading day
 * of the next year from the taxable accounts' cash (selling, through the planner, what the cash
 * does not cover; a year whose deduction saves tax credits the saving); `liability` pays nothing
 * and reports what is owed.
 */
export type TaxPayment = 'cash' | 'liability';

/** A deposit (positive) or withdrawal (negative) on a date, into or out of one account. */
export interface ScheduledCashFlow {
  readonly date: string;
  readonly account: string;
  /** Decimal string. */
  readonly amount: string;
}

/** One policy to simulate: a name and the policy fields that replace the household's own. */
export interface BacktestPolicy {
  readonly name: string;
  /**
   * `false` for buy and hold: the household never rebalances; cash flows are still invested (bought
   * toward the targets) or raised (sold from the most overweight), one way.
   */
  readonly rebalance: boolean;
  /** Fields of the portfolio file's `policy` block, over the household's (validated the same way). */
  readonly policy: Readonly<Record<string, unknown>>;
  /** Targets from the optimizer, re-estimated on a schedule; default: the household's fixed targets. */
  readonly targets?: OptimizedTargets;
  /** Bands and cooldown scaled by the market regime of a benchmark column. */
  readonly adaptiveBands?: AdaptiveBands;
  /**
   * Tax-loss harvesting in taxable accounts with the tax engine (`findHarvestCandidates`): on each
   * check day, lots whose loss clears the policy's thresholds are sold and the proceeds buy the
   * policy's substitute (`policy.substitutes`), which then stands in for the sold symbol's target.
   */
  readonly harvest?: { readonly every?: 'daily' | 'weekly' | 'monthly' };
}

export interface BacktestInput {
  /** The starting household as the portfolio file of `ballast plan` (raw document). */
  readonly household: Readonly<Record<string, unknown>>;
  readonly prices: WidePrices;
  /**
   * Opens of the same days, adjusted as the closes are (raw with `corporateActions`, as they are
   * otherwise); needed by `fill: 'next-open'` only. A closes CSV has none.
   */
  readonly opens?: WidePrices;
  /** First and last dates simulated (inclusive); default: the first date every needed symbol has a price, and the last row. */
  readonly from?: string;
  readonly to?: string;
  readonly cashFlows?: readonly ScheduledCashFlow[];
  /**
   * Default `next-close`: no decision trades at a price it could not have seen being made;
   * `next-open` needs `opens`.
   */
  readonly fill?: FillTiming;
  /** Market impact beyond the policy's half-spread, in basis points of each fill's value. */
  readonly slippageBps?: number;
  /** Default `cash`. */
  readonly taxPayment?: TaxPayment;
  /**
   * Dividends and splits of the held symbols, with RAW (unadjusted) closes in `prices`; without them
   * the prices are taken as they are and the result says it is prices-only.
   */
  readonly corporateActions?: CorporateActions;
  /** `reinvest` (default): each dividend buys more of its symbol at the ex-date close; `cash`: it stays cash. */
  readonly dividends?: 'reinvest' | 'cash';
  readonly policies: readonly BacktestPolicy[];
}

/** A rebalance (or cash-flow) decision and what came of it. */
export interface RebalanceEvent {
  /** The decision date (prices of that close). */
  readonly date: string;
  /** The date the orders were filled. */
  readonly filledOn: string;
  readonly triggers: readonly string[];
  readonly orders: number;
  /** Value traded at the fill prices, money. */
  readonly traded: number;
  /** Spread, slippage and commissions paid, money. */
  readonly costs: number;
  /** Orders filled for less than planned because the cash was not there at the fill price. */
  readonly partialFills: number;
  /** Harvest events: the losses realized by the harvest sales, money (positive). */
  readonly harvestedLoss?: number;
}

export interface PolicyResult {
  readonly name: string;
  readonly metrics: PolicyMetrics;
  readonly events: readonly RebalanceEvent[];
  /** Taxable accounts' realized gains and tax, year by year (empty when nothing was realized). */
  readonly taxByYear: readonly TaxYear[];
  /** Optimizer-driven targets: each re-estimation (empty for fixed targets). */
  readonly targetChanges: readonly TargetChange[];
  /** Adaptive bands: the days the regime changed, with the adjustment in words. */
  readonly regimeChanges: readonly {
    readonly date: string;
    readonly regime: string | null;
    readonly reason: string;
  }[];
  readonly series: {
    readonly dates: readonly string[];
    /** Household value at each close, money (float). */
    readonly value: Float64Array;
    /** Portfolio drift (sum of |weight - target| / 2, cash included) at each close. */
    readonly drift: Float64Array;
    /** Symbol -> weight at each close. */
    readonly weights: Readonly<Record<string, Float64Array>>;
  };
}

export interface BacktestResult {
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly symbols: readonly string[];
  /** True: the data has no dividends or splits, so returns are price returns only. */
  readonly pricesOnly: boolean;
  readonly policies: readonly PolicyResult[];
}

/** Progress callback: `done` of `total` policy-days simulated. */
export type BacktestProgress = (done: number, total: number) => void;

/**
 * One symbol in one account: its lots, their total quantity (exact) and the same as a float, kept
 * for the daily valuation, which would otherwise convert every lot's Decimal quantity every day.
 * `shares` is the float sum of the lots' quantities in lot order; both totals are recounted
 * (`refreshShares`) whenever the lots change, which also drops the lots as the planner reads them
 * (`asPortfolioLots`, decimal strings made again only after a change).
 */
interface Holding {
  lots: SimulatedLot[];
  quantity: Decimal;
  shares: number;
  asPortfolioLots?: TaxLot[] | undefined;
}

function newHolding(): Holding {
  return { lots: [], quantity: new Decimal(0), shares: 0 };
}

function refreshShares(holding: Holding): void {
  let quantity = new Decimal(0);
  let shares = 0;
  for (const lot of holding.lots) {
    quantity = quantity.plus(lot.quantity);
    shares += lot.quantity.toNumber();
  }
  holding.quantity = quantity;
  holding.shares = shares;
  holding.asPortfolioLots = undefined;
}

/** An account's cash (exact) and holdings; the cash's float is kept beside it for the daily valuation. */
class AccountBook {
  #cash: Decimal;
  /** `cash` as a float, updated on every change. */
  cashValue: number;

  constructor(
    readonly id: string,
    readonly type: PortfolioAccount['type'],
    cash: Decimal,
    readonly holdings: Map<string, Holding>,
  ) {
    this.#cash = cash;
    this.cashValue = cash.toNumber();
  }

  get cash(): Decimal {
    return this.#cash;
  }

  set cash(value: Decimal) {
    this.#cash = value;
    this.cashValue = value.toNumber();
  }
}

/**
 * Replays rebalancing policies day by day over a price history, each from the same starting
 * household, with the planner deciding at every close and fills at the next close, the next open
 * or the same close.
 *
 * - No look-ahead: the decision at day t sees the closes up to t only (the planner gets day t's
 *   prices; nothing later is read before day t+1's fill).
 * - Each fill pays the policy's half-spread plus `slippageBps` on its value, and the commission per
 *   order; sells fill first, and a buy the account's cash cannot cover at the fill price is cut to
 *   what it can (a partial fill, counted in the event).
 * - The planner is called only when something may fire: a cash flow, a calendar date come due, an
 *   account under its buffer, or a weight within a hair of a band (checked in floating point first,
 *   with a margin so that no band crossing the exact check would see is skipped).
 *
 * @throws BacktestConfigError naming the field: an unknown symbol, an empty date range, a cash flow
 *   outside the range or into an unknown account, no policy, a fill timing that does not exist or
 *   next-open without opens.
 */
export function runBacktest(
  input: BacktestInput,
  solver: LinearSolver,
  onProgress?: BacktestProgress,
): BacktestResult {
  if (input.policies.length === 0)
    throw new BacktestConfigError('policies', 'at least one policy is required');
  const fill = input.fill ?? 'next-close';
  if (!FILL_TIMINGS.includes(fill)) {
    throw new BacktestConfigError('fill', `expected ${FILL_TIMINGS.join(', ')}, got ${JSON.stringify(fill)}`);
  }
  if (fill === 'next-open' && input.opens === undefined) {
    throw new BacktestConfigError(
      'fill',
      "next-open fills at the next day's open, but the price data carries closes only (a wide CSV of closes); use next-close or same-close, or data with opens (Lean daily bars: prices: { lean, symbols })",
    );
  }
  const names = new Set<string>();
  for (const [index, policy] of input.policies.entries()) {
    if (names.has(policy.name)) {
      throw new BacktestConfigError(`policies[${index}].name`, `"${policy.name}" is used twice`);
    }
    names.add(policy.name);
  }
  const templates = input.policies.map((policy, index) => {
    try {
      return parsePortfolioFile({
        ...input.household,
        policy: {
          ...((input.household['policy'] as Record<string, unknown> | undefined) ?? {}),
          ...policy.policy,
          ...(policy.rebalance ? {} : { mode: 'cash-flow' }),
        },
      });
    } catch (error) {
      throw new BacktestConfigError(`policies[${index}] (${policy.name})`, (error as Error).message);
    }
  });
  // Every decision is tax-aware (the planner counts each taxable sale's tax, lot by lot), with the
  // household's tax fields or the tax engine's documented defaults.
  const taxPolicies = templates.map((template, index) => {
    try {
      return parseTaxPolicy(template.policy.tax, {
        accountIds: template.accounts.map((account) => account.id),
        symbols: input.prices.symbols,
      });
    } catch (error) {
      throw new BacktestConfigError(
        `policies[${index}] (${input.policies[index]?.name ?? ''})`,
        (error as Error).message,
      );
    }
  });
  taxPolicies.forEach((taxPolicy, index) => {
    if ([taxPolicy.defaultLotMethod, ...taxPolicy.lotMethod.values()].includes('specific')) {
      throw new BacktestConfigError(
        `policies[${index}] (${input.policies[index]?.name ?? ''}).tax.lotMethod`,
        'specific identification needs a lot choice for every sale, which a simulation cannot make: choose fifo, lifo, hifo, lowest-cost or tax-minimizing',
      );
    }
  });
  input.policies.forEach((policy, index) => {
    const field = `policies[${index}] (${policy.name})`;
    const template = templates[index] as PortfolioFile;
    if (policy.targets !== undefined) checkOptimizedTargets(policy.targets, `${field}.targets`, template);
    if (policy.adaptiveBands !== undefined) {
      checkAdaptiveBands(
        policy.adaptiveBands,
        `${field}.adaptiveBands`,
        template.policy,
        input.prices.symbols,
      );
    }
  });
  const base = templates[0] as PortfolioFile;
  // Harvesting policies may buy their substitutes: those need prices over the whole range too.
  const substitutes = input.policies.flatMap((policy, index) => {
    if (policy.harvest === undefined) return [];
    const every = policy.harvest.every ?? 'weekly';
    if (!['daily', 'weekly', 'monthly'].includes(every)) {
      throw new BacktestConfigError(
        `policies[${index}] (${policy.name}).harvest.every`,
        `expected daily, weekly or monthly, got ${JSON.stringify(every)}`,
      );
    }
    const listed = [...(taxPolicies[index] as TaxPolicy).substitutes.values()].flat();
    if (listed.length === 0) {
      throw new BacktestConfigError(
        `policies[${index}] (${policy.name}).harvest`,
        'harvesting needs substitutes to buy: set policy.substitutes (for example { SPY: [IVV] })',
      );
    }
    return listed;
  });
  const symbols = [
    ...new Set([
      ...base.targets.map((target) => target.symbol),
      ...base.accounts.flatMap((account) => account.lots.map((lot) => lot.symbol)),
      ...substitutes,
    ]),
  ].sort();
  const unknown = symbols.filter((symbol) => !input.prices.symbols.includes(symbol));
  if (unknown.length > 0) {
    throw new BacktestConfigError(
      'prices',
      `no price column for ${unknown.join(', ')} (held or targeted); the file has ${input.prices.symbols.join(', ')}`,
    );
  }
  const firstComplete = input.prices.rows.findIndex((row) =>
    symbols.every((symbol) => row.prices.has(symbol)),
  );
  const rows = input.prices.rows.filter(
    (row, index) =>
      index >= firstComplete &&
      firstComplete >= 0 &&
      (input.from === undefined || row.date >= input.from) &&
      (input.to === undefined || row.date <= input.to),
  );
  // Three closes give two daily returns, the fewest the volatility (and so the metrics) needs.
  if (rows.length < 3) {
    throw new BacktestConfigError(
      input.from !== undefined || input.to !== undefined ? 'from/to' : 'prices',
      `the range ${input.from ?? '(start)'}..${input.to ?? '(end)'} holds ${rows.length} day(s) with a price for every symbol (${symbols.join(', ')}); at least 3 are needed (two daily returns)`,
    );
  }
  // Closes as floats for the daily bookkeeping; the planner gets the exact decimal strings. A price
  // missing inside the range reads as NaN.
  const close = columnsOf(rows, symbols);
  const missing = rows.find((_, t) => close.some((series) => Number.isNaN(series[t])));
  if (missing !== undefined) {
    const absent = symbols.filter((symbol) => !missing.prices.has(symbol));
    throw new BacktestConfigError(
      'prices',
      `no price for ${absent.join(', ')} on ${missing.date}, inside the range`,
    );
  }
  const first = rows[0]?.date ?? '';
  const last = rows[rows.length - 1]?.date ?? '';
  const accountIds = new Set(base.accounts.map((account) => account.id));
  const flows = [...(input.cashFlows ?? [])].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  flows.forEach((flow, index) => {
    if (!accountIds.has(flow.account)) {
      throw new BacktestConfigError(`cashFlows[${index}].account`, `unknown account "${flow.account}"`);
    }
    if (flow.date < first || flow.date > last) {
      throw new BacktestConfigError(
        `cashFlows[${index}].date`,
        `${flow.date} is outside the simulated range ${first}..${last}`,
      );
    }
    if (!/^-?\d+(\.\d+)?$/.test(flow.amount)) {
      throw new BacktestConfigError(`cashFlows[${index}].amount`, `"${flow.amount}" is not a decimal amount`);
    }
    // The planner takes one pending cash flow at a time (issue 3's policy.cashFlow); a flow dated on
    // a day without prices arrives on the next trading day, which must not have one already.
    const arrives = rows.find((row) => row.date >= flow.date)?.date;
    const previous = flows[index - 1];
    if (previous !== undefined && rows.find((row) => row.date >= previous.date)?.date === arrives) {
      throw new BacktestConfigError(
        `cashFlows[${index}].date`,
        `a second cash flow arriving on ${arrives ?? flow.date}; give one flow per trading day (combine amounts, or move one a day)`,
      );
    }
  });

  // A corporate action dated on a day without a row takes effect on the next row, like a cash flow.
  const actionsByDay = new Map<string, { splits: Split[]; dividends: Dividend[] }>();
  const actionDay = (date: string, field: string) => {
    if (input.dividends !== undefined && !['reinvest', 'cash'].includes(input.dividends)) {
      throw new BacktestConfigError(
        'dividends',
        `expected reinvest or cash, got ${JSON.stringify(input.dividends)}`,
      );
    }
    const day = rows.find((row) => row.date >= date)?.date;
    if (day === undefined || date <= first) return undefined;
    const entry = actionsByDay.get(day) ?? { splits: [], dividends: [] };
    actionsByDay.set(day, entry);
    void field;
    return entry;
  };
  for (const [index, split] of (input.corporateActions?.splits ?? []).entries()) {
    if (!(Number.isFinite(split.ratio) && split.ratio > 0)) {
      throw new BacktestConfigError(
        `corporateActions.splits[${index}].ratio`,
        `expected a positive number, got ${split.ratio}`,
      );
    }
    if (symbols.includes(split.symbol)) actionDay(split.date, `splits[${index}]`)?.splits.push(split);
  }
  for (const [index, dividend] of (input.corporateActions?.dividends ?? []).entries()) {
    if (!/^\d+(\.\d+)?$/.test(dividend.amountPerShare)) {
      throw new BacktestConfigError(
        `corporateActions.dividends[${index}].amountPerShare`,
        `expected a decimal amount >= 0, got ${JSON.stringify(dividend.amountPerShare)}`,
      );
    }
    if (symbols.includes(dividend.symbol))
      actionDay(dividend.exDate, `dividends[${index}]`)?.dividends.push(dividend);
  }

  const open = fill === 'next-open' ? opensOf(input.opens as WidePrices, rows, symbols) : undefined;
  const total = rows.length * input.policies.length;
  let done = 0;
  const results = input.policies.map((policy, index) =>
    simulate({
      name: policy.name,
      template: templates[index] as PortfolioFile,
      taxPolicy: taxPolicies[index] as TaxPolicy,
      rows,
      symbols,
      close,
      fillPrices: open ?? close,
      flows,
      fill,
      slippage: (input.slippageBps ?? 0) / 10_000,
      taxPayment: input.taxPayment ?? 'cash',
      actions: actionsByDay,
      reinvestDividends: (input.dividends ?? 'reinvest') === 'reinvest',
      harvestEvery: policy.harvest === undefined ? undefined : (policy.harvest.every ?? 'weekly'),
      targetSource: policy.targets,
      adaptiveBands: policy.adaptiveBands,
      benchmarkClose:
        policy.adaptiveBands === undefined ? undefined : columnsOf(rows, [policy.adaptiveBands.benchmark])[0],
      solver,
      tick: () => {
        done += 1;
        if (onProgress !== undefined && (done % 64 === 0 || done === total)) onProgress(done, total);
      },
    }),
  );
  return {
    from: first,
    to: last,
    days: rows.length,
    symbols,
    pricesOnly: input.corporateActions === undefined,
    policies: results,
  };
}

interface SimulationInput {
  readonly name: string;
  readonly template: PortfolioFile;
  readonly taxPolicy: TaxPolicy;
  readonly rows: WidePrices['rows'];
  readonly symbols: readonly string[];
  readonly close: readonly Float64Array[];
  /** The prices pending orders fill at on the day after their decision: the opens, or the closes. */
  readonly fillPrices: readonly Float64Array[];
  readonly flows: readonly ScheduledCashFlow[];
  readonly fill: FillTiming;
  readonly slippage: number;
  readonly taxPayment: TaxPayment;
  readonly actions: ReadonlyMap<
    string,
    { readonly splits: readonly Split[]; readonly dividends: readonly Dividend[] }
  >;
  readonly reinvestDividends: boolean;
  readonly harvestEvery: 'daily' | 'weekly' | 'monthly' | undefined;
  readonly targetSource: OptimizedTargets | undefined;
  readonly adaptiveBands: AdaptiveBands | undefined;
  readonly benchmarkClose: Float64Array | undefined;
  readonly solver: LinearSolver;
  readonly tick: () => void;
}

function simulate(input: SimulationInput): PolicyResult {
  const { template, rows, symbols, close, fillPrices } = input;
  const symbolIndex = new Map(symbols.map((symbol, j) => [symbol, j]));
  // The planner counts the slippage like the spread, so that its plans leave the cash the fills need.
  const policy: PortfolioFile['policy'] = {
    ...template.policy,
    costs: { ...template.policy.costs, spreadBps: template.policy.costs.spreadBps + input.slippage * 10_000 },
  };
  const books: AccountBook[] = template.accounts.map(
    (account) =>
      new AccountBook(
        account.id,
        account.type,
        new Decimal(account.cash),
        holdingsOf(account.id, account.lots),
      ),
  );
  const taxBook = new TaxBook(input.taxPolicy, new Map(books.map((book) => [book.id, book.type])));
  let lotCount = 0;
  const trading: TradingContext = {
    policy,
    taxPolicy: input.taxPolicy,
    taxBook,
    nextLotId: () => `bought-${(lotCount += 1)}`,
    trades: [],
  };
  let taxPaid = new Decimal(0);
  const paidOn = new Map<number, string>();
  // A policy with an annual gains budget counts what the year has realized so far against it.
  const realizedThisYear = (date: string) => {
    if (input.taxPolicy.gainsBudget === null) return {};
    const year = taxBook.yearTotals().find((entry) => entry.year === Number(date.slice(0, 4)));
    return {
      realizedThisYear: {
        realizedNetGains: String((year?.realizedShortTerm ?? 0) + (year?.realizedLongTerm ?? 0)),
        estimatedTax: String(year?.tax ?? 0),
      },
    };
  };
  // Tax the taxable accounts' cash could not cover, raised by selling through the planner.
  let taxToRaise: { account: string; amount: Decimal } | undefined;
  let targets = symbols.map((symbol) => template.targets.find((t) => t.symbol === symbol)?.weight ?? 0);
  let planTargets = template.targets;
  // The targets in force each day (optimizer re-estimates, harvest stand-ins), for the metrics.
  const targetsByDay: (readonly number[])[] = [];
  const standIn = new Map<string, string>();
  const priced = new Set(symbols);
  let pendingHarvest: { orders: HarvestOrder[]; decidedOn: string } | undefined;
  const universe = template.targets.map((target) => target.symbol);
  const estimator =
    input.targetSource === undefined
      ? undefined
      : new TargetEstimator(
          input.targetSource,
          universe,
          Object.fromEntries(template.targets.map((target) => [target.symbol, target.weight])),
        );
  const universeClose = universe.map((symbol) => close[symbols.indexOf(symbol)] as Float64Array);
  const bandAdapter =
    input.adaptiveBands === undefined ? undefined : new BandAdapter(input.adaptiveBands, policy);
  const regimeChanges: { date: string; regime: string | null; reason: string }[] = [];
  const dateList = rows.map((row) => row.date);
  const days = rows.length;
  const value = new Float64Array(days);
  const drift = new Float64Array(days);
  const weights = symbols.map(() => new Float64Array(days));
  // A flow dated on a weekend or holiday arrives on the next trading day.
  const flowByDay = new Map<string, ScheduledCashFlow>();
  for (const flow of input.flows) {
    const day = rows.find((row) => row.date >= flow.date)?.date;
    if (day !== undefined) flowByDay.set(day, flow);
  }
  const flowValue = new Float64Array(days);
  const events: RebalanceEvent[] = [];
  let lastRebalance = policy.lastRebalance;
  let pending: { plan: RebalancePlan; decidedOn: string; triggers: readonly string[] } | undefined;

  let dividendsReceived = new Decimal(0);

  for (let t = 0; t < days; t += 1) {
    const row = rows[t] as WidePrices['rows'][number];
    const actions = input.actions.get(row.date);
    if (actions !== undefined) {
      // Before the day's fills: the ex-date's close is already in post-split shares, without the dividend.
      for (const split of actions.splits) {
        applySplit(books, split);
        if (pending !== undefined)
          pending = { ...pending, plan: splitOrders(pending.plan, split, policy.wholeShares) };
      }
      for (const dividend of actions.dividends) {
        dividendsReceived = dividendsReceived.plus(
          payDividend(books, dividend, row.date, price(close, symbols, dividend.symbol, t), {
            reinvest: input.reinvestDividends,
            wholeShares: policy.wholeShares,
            trading,
          }),
        );
      }
    }
    if (pendingHarvest !== undefined) {
      const { orders, decidedOn } = pendingHarvest;
      events.push(
        executeHarvest(
          books,
          orders,
          decidedOn,
          row.date,
          (s) => price(fillPrices, symbols, s, t),
          trading,
          standIn,
        ),
      );
      pendingHarvest = undefined;
    }
    if (pending !== undefined) {
      events.push(execute(books, pending, row.date, (s) => price(fillPrices, symbols, s, t), trading));
      pending = undefined;
    }
    const year = Number(row.date.slice(0, 4));
    if (input.taxPayment === 'cash' && t > 0 && year > Number(rows[t - 1]?.date.slice(0, 4))) {
      // Each year's tax is paid on the first trading day of the next (a simplification of April's
      // payment and estimated taxes); a wash sale found later re-prices its year, and the difference
      // is settled at the next payment.
      let due = taxPaid.negated();
      for (const entry of taxBook.yearTotals()) {
        if (entry.year >= year) continue;
        due = due.plus(entry.taxDecimal);
        if (!paidOn.has(entry.year)) paidOn.set(entry.year, row.date);
      }
      if (!due.isZero()) {
        taxPaid = taxPaid.plus(due);
        const shortfall = payTax(books, due);
        if (shortfall !== undefined) {
          taxToRaise = {
            account: shortfall.account,
            amount: (taxToRaise?.amount ?? new Decimal(0)).plus(shortfall.amount),
          };
        }
      }
    }
    const userFlow = flowByDay.get(row.date);
    // A tax shortfall rides on the day's cash flow when they share an account (or there is none).
    const raiseToday =
      taxToRaise !== undefined && (userFlow === undefined || userFlow.account === taxToRaise.account)
        ? taxToRaise
        : undefined;
    const flow: ScheduledCashFlow | undefined =
      raiseToday === undefined
        ? userFlow
        : {
            date: row.date,
            account: raiseToday.account,
            amount: new Decimal(userFlow?.amount ?? '0').minus(raiseToday.amount).toFixed(),
          };
    if (raiseToday !== undefined) taxToRaise = undefined;

    // Today's targets and bands, from closes up to today only.
    const estimated = estimator?.update(t, dateList, universeClose);
    if (estimated !== undefined) {
      targets = symbols.map((symbol) => estimated[symbol] ?? 0);
      planTargets = universe.map((symbol) => ({ symbol, weight: estimated[symbol] ?? 0 }));
    }
    let dayPolicy = policy;
    if (bandAdapter !== undefined) {
      const adapted = bandAdapter.next(input.benchmarkClose?.[t] ?? Number.NaN);
      dayPolicy = adapted.policy;
      if (regimeChanges.at(-1)?.regime !== adapted.regime) {
        regimeChanges.push({ date: row.date, regime: adapted.regime, reason: adapted.reason });
      }
    }

    let snapshot = valueAt(books, symbolIndex, close, t);
    // Harvest: the tax engine's candidates at today's close. A day that harvests makes no other
    // decision (the planner would not see the swap), and a day with a cash flow does not harvest.
    let harvestedToday = false;
    if (
      input.harvestEvery !== undefined &&
      flow === undefined &&
      (input.fill === 'same-close' || t + 1 < days) &&
      isCheckDay(input.harvestEvery, rows[t - 1]?.date, row.date)
    ) {
      const orders = planHarvest(books, trading, row, rows[0]?.date ?? row.date, [], priced);
      if (orders.length > 0) {
        harvestedToday = true;
        if (input.fill === 'same-close') {
          events.push(
            executeHarvest(
              books,
              orders,
              row.date,
              row.date,
              (s) => price(close, symbols, s, t),
              trading,
              standIn,
            ),
          );
          snapshot = valueAt(books, symbolIndex, close, t);
        } else {
          pendingHarvest = { orders, decidedOn: row.date };
        }
      }
    }
    const positionsNow = snapshot.positions;
    const dayPlanTargets = withStandIns(planTargets, standIn, (s) => positionsNow[symbols.indexOf(s)] ?? 0);
    const dayTargets =
      standIn.size === 0
        ? targets
        : symbols.map((s) => dayPlanTargets.find((target) => target.symbol === s)?.weight ?? 0);
    const quotesOfDay = () =>
      new Map<string, PriceQuote>(
        symbols.map((symbol) => [
          symbol,
          { symbol, price: row.prices.get(symbol) ?? '', asOf: row.date, source: 'backtest' },
        ]),
      );
    // Buy and hold (a one-way policy) still buys its targets with the cash it starts with: each
    // account's cash above its buffer is planned as a deposit into it, and the plans' buys filled as one.
    if (t === 0 && dayPolicy.mode === 'cash-flow' && flow === undefined) {
      const orders: RebalancePlan['orders'][number][] = [];
      let first: RebalancePlan | undefined;
      books.forEach((book, a) => {
        const idle = book.cash
          .minus(new Decimal(String(dayPolicy.cashBuffer)).times(String(snapshot.accounts[a] ?? 0)))
          .toDecimalPlaces(2, Decimal.ROUND_DOWN);
        if (idle.lte(dayPolicy.minTradeValue) || idle.lte(0)) return;
        const accounts = books.map((other) =>
          other === book
            ? { ...accountOf(other), cash: toDecimalString(book.cash.minus(idle)) }
            : accountOf(other),
        );
        const plan = planRebalance(
          {
            portfolio: {
              ...template,
              targets: planTargets,
              accounts,
              policy: {
                ...dayPolicy,
                lastRebalance,
                cashFlow: toDecimalString(idle),
                cashFlowAccount: book.id,
              },
            },
            prices: quotesOfDay(),
            asOf: row.date,
            taxPolicy: input.taxPolicy,
            ...realizedThisYear(row.date),
          },
          input.solver,
        );
        first ??= plan;
        orders.push(...plan.orders);
      });
      if (first !== undefined && orders.length > 0) {
        const order = { plan: { ...first, orders }, decidedOn: row.date, triggers: ['starting-cash'] };
        if (input.fill === 'same-close') {
          events.push(execute(books, order, row.date, (s) => price(close, symbols, s, t), trading));
          snapshot = valueAt(books, symbolIndex, close, t);
        } else if (t + 1 < days) {
          pending = order;
        }
      }
    }
    const decide =
      !harvestedToday &&
      (flow !== undefined ||
        mayFire(snapshot, books, symbols, dayTargets, dayPolicy, row.date, lastRebalance));
    if (decide) {
      const portfolio: PortfolioFile = {
        ...template,
        targets: dayPlanTargets,
        accounts: books.map((book) => accountOf(book)),
        policy: {
          ...dayPolicy,
          lastRebalance,
          cashFlow: flow?.amount ?? '0',
          cashFlowAccount: flow?.account ?? policy.cashFlowAccount,
        },
      };
      const plan = planRebalance(
        {
          portfolio,
          prices: quotesOfDay(),
          asOf: row.date,
          taxPolicy: input.taxPolicy,
          ...realizedThisYear(row.date),
        },
        input.solver,
      );
      if (flow !== undefined) {
        const book = books.find((b) => b.id === flow.account) as AccountBook;
        book.cash = book.cash.plus(flow.amount);
        // Only the household's own deposits and withdrawals are external flows; tax raised is a loss.
        if (userFlow !== undefined) flowValue[t] = (flowValue[t] ?? 0) + Number(userFlow.amount);
      }
      // A rebalance is a decision that a band or the calendar called for, made even when it needs no
      // order (the calendar is then satisfied until its next date); investing a cash flow is not one.
      if (plan.triggers.some(isDiscretionary) && plan.holds.length === 0) lastRebalance = row.date;
      if (plan.orders.length > 0) {
        const order = { plan, decidedOn: row.date, triggers: triggerNames(plan.triggers) };
        if (input.fill === 'same-close') {
          events.push(execute(books, order, row.date, (s) => price(close, symbols, s, t), trading));
        } else if (t + 1 < days) {
          pending = order;
        }
      }
      // The cash flow and a same-close fill changed the books.
      snapshot = valueAt(books, symbolIndex, close, t);
    }
    value[t] = snapshot.total;
    targetsByDay[t] = dayTargets;
    let sumAbs = Math.abs(
      snapshot.cash / snapshot.total - Math.max(0, 1 - dayTargets.reduce((a, b) => a + b, 0)),
    );
    symbols.forEach((_, j) => {
      const w = (snapshot.positions[j] ?? 0) / snapshot.total;
      (weights[j] as Float64Array)[t] = w;
      sumAbs += Math.abs(w - (dayTargets[j] ?? 0));
    });
    drift[t] = sumAbs / 2;
    input.tick();
  }

  const dates = rows.map((row) => row.date);
  const afterTaxValue = afterTax(books, taxBook, input.taxPolicy, symbols, close, dates, taxPaid);
  return {
    name: input.name,
    metrics: policyMetrics({
      dates,
      value,
      flows: flowValue,
      drift,
      weights,
      targetsAt: (t) => targetsByDay[t] ?? targets,
      close,
      events,
      policy,
      taxes: { paid: taxPaid.toNumber(), afterTaxValue, washSales: taxBook.washSales },
      dividends: dividendsReceived.toNumber(),
    }),
    events,
    taxByYear: taxBook.yearTotals().map(({ taxDecimal: _exact, ...entry }) => ({
      ...entry,
      paidOn: paidOn.get(entry.year) ?? null,
    })),
    targetChanges: estimator?.changes ?? [],
    regimeChanges,
    series: {
      dates,
      value,
      drift,
      weights: Object.fromEntries(symbols.map((symbol, j) => [symbol, weights[j] as Float64Array])),
    },
  };
}

/**
 * A split on its date: every lot's shares times the ratio, its total basis unchanged (so the basis
 * per share divides by the ratio: 26 U.S.C. 307 and Publication 550, "Stock splits").
 */
function applySplit(books: readonly AccountBook[], split: Split): void {
  const ratio = new Decimal(String(split.ratio));
  for (const book of books) {
    const holding = book.holdings.get(split.symbol);
    if (holding === undefined) continue;
    for (const lot of holding.lots) lot.quantity = lot.quantity.times(ratio);
    refreshShares(holding);
  }
}

/** An order decided the day before a split, in pre-split shares, converted (whole shares rounded down). */
function splitOrders(plan: RebalancePlan, split: Split, wholeShares: boolean): RebalancePlan {
  const ratio = new Decimal(String(split.ratio));
  return {
    ...plan,
    orders: plan.orders.map((order) => {
      if (order.symbol !== split.symbol) return order;
      const converted = new Decimal(order.quantity).times(ratio);
      return { ...order, quantity: toDecimalString(wholeShares ? converted.floor() : converted) };
    }),
  };
}

/**
 * A cash dividend on its ex-date to every account holding the symbol at the previous close: cash, or
 * (reinvested) new shares bought at the ex-date close without costs, as a broker's dividend
 * reinvestment plan does; a reinvestment is a purchase, so it can replace a loss sold within 30 days
 * (a wash sale, Publication 550). Taxable accounts owe tax on it. Returns the dividends paid.
 */
function payDividend(
  books: AccountBook[],
  dividend: Dividend,
  date: string,
  closePrice: number,
  options: { reinvest: boolean; wholeShares: boolean; trading: TradingContext },
): Decimal {
  let paid = new Decimal(0);
  for (const book of books) {
    const holding = book.holdings.get(dividend.symbol);
    if (holding === undefined) continue;
    const amount = holding.quantity.times(dividend.amountPerShare).toDecimalPlaces(2, Decimal.ROUND_DOWN);
    if (amount.lte(0)) continue;
    paid = paid.plus(amount);
    book.cash = book.cash.plus(amount);
    options.trading.taxBook.recordDividend(book.id, date, amount);
    if (!options.reinvest || !(closePrice > 0)) continue;
    const fillPrice = new Decimal(String(closePrice));
    const bought = amount.dividedBy(fillPrice);
    const quantity = options.wholeShares ? bought.floor() : bought.toDecimalPlaces(6, Decimal.ROUND_DOWN);
    if (quantity.lte(0)) continue;
    bookPurchase(
      book,
      dividend.symbol,
      quantity,
      fillPrice,
      quantity.times(fillPrice),
      date,
      options.trading,
    );
  }
  return paid;
}

/** Whether `date` is a harvest check day: every day, the first trading day of a week or of a month. */
function isCheckDay(
  every: 'daily' | 'weekly' | 'monthly',
  previous: string | undefined,
  date: string,
): boolean {
  if (previous === undefined || every === 'daily') return true;
  if (every === 'monthly') return previous.slice(0, 7) !== date.slice(0, 7);
  // Weeks counted from a Monday (1970-01-05): days since the epoch + 3, over 7.
  const week = (day: string) => Math.floor((Date.parse(`${day}T00:00:00Z`) / 86_400_000 + 3) / 7);
  return week(previous) !== week(date);
}

/**
 * Pays `due` from the taxable accounts' cash, the richest in cash first; a negative `due` (a year
 * whose deduction saved tax) is credited to the first taxable account. Returns what the cash
 * could not cover and the account to raise it in (the first taxable account).
 */
function payTax(books: AccountBook[], due: Decimal): { account: string; amount: Decimal } | undefined {
  const taxable = books.filter((book) => book.type === 'taxable');
  const first = taxable[0];
  if (first === undefined) return undefined;
  if (due.isNegative()) {
    first.cash = first.cash.minus(due);
    return undefined;
  }
  let left = due;
  for (const book of [...taxable].sort((a, b) => b.cash.comparedTo(a.cash))) {
    const take = Decimal.min(Decimal.max(book.cash, 0), left);
    book.cash = book.cash.minus(take);
    left = left.minus(take);
  }
  return left.gt(0) ? { account: first.id, amount: left } : undefined;
}

/** {@link PolicyMetrics.afterTaxValue}: everything sold at the last close, taxes settled. */
function afterTax(
  books: readonly AccountBook[],
  taxBook: TaxBook,
  taxPolicy: TaxPolicy,
  symbols: readonly string[],
  close: readonly Float64Array[],
  dates: readonly string[],
  taxPaid: Decimal,
): number {
  const last = dates.length - 1;
  const soldOn = dates[last] ?? '';
  const liquidation = [];
  let traditional = new Decimal(0);
  let value = new Decimal(0);
  for (const book of books) {
    value = value.plus(book.cash);
    if (book.type === 'traditional') traditional = traditional.plus(book.cash);
    for (const [symbol, holding] of book.holdings) {
      const closePrice = String(price(close, symbols, symbol, last));
      const quantity = holding.quantity;
      if (quantity.lte(0)) continue;
      const worth = quantity.times(closePrice);
      value = value.plus(worth);
      if (book.type === 'traditional') traditional = traditional.plus(worth);
      if (book.type !== 'taxable') continue;
      const sale = sellFromLots({
        lots: holding.lots.map(toTaxLot),
        quantity: quantity.toFixed(),
        price: closePrice,
        soldOn,
        method: 'fifo',
      });
      liquidation.push(taxBook.liquidationSale(book.id, soldOn, sale.sales, liquidation.length));
    }
  }
  const owed = taxBook
    .yearTotals(liquidation)
    .reduce((sum, entry) => sum.plus(entry.taxDecimal), new Decimal(0))
    .minus(taxPaid);
  const incomeRate = new Decimal(String(taxPolicy.taxRates.shortTerm)).plus(String(taxPolicy.taxRates.state));
  return value.minus(owed).minus(traditional.times(incomeRate)).toNumber();
}

function holdingsOf(accountId: string, lots: readonly TaxLot[]): Map<string, Holding> {
  const holdings = new Map<string, Holding>();
  for (const [index, lot] of lots.entries()) {
    const holding = holdings.get(lot.symbol) ?? newHolding();
    holding.lots.push({
      lotId: `start-${accountId}-${index + 1}`,
      quantity: new Decimal(lot.quantity),
      costBasis: new Decimal(lot.costBasis),
      acquired: lot.acquired,
    });
    holdings.set(lot.symbol, holding);
  }
  for (const holding of holdings.values()) refreshShares(holding);
  return holdings;
}

function accountOf(book: AccountBook): PortfolioAccount {
  return {
    id: book.id,
    type: book.type,
    cash: toDecimalString(book.cash),
    lots: [...book.holdings].flatMap(([symbol, holding]) => {
      holding.asPortfolioLots ??= holding.lots.map((lot) => ({
        symbol,
        quantity: toDecimalString(lot.quantity),
        costBasis: toDecimalString(lot.costBasis),
        acquired: lot.acquired,
      }));
      return holding.asPortfolioLots;
    }),
  };
}

/**
 * The opens of `rows` per symbol (in `symbols` order), for next-open fills. Every row after the
 * first needs one (the first day fills nothing decided before it).
 */
function opensOf(opens: WidePrices, rows: WidePrices['rows'], symbols: readonly string[]): Float64Array[] {
  const byDate = new Map(opens.rows.map((row) => [row.date, row]));
  const none: WidePrices['rows'][number] = { date: '', prices: new Map() };
  const open = columnsOf(
    rows.map((row) => byDate.get(row.date) ?? none),
    symbols,
  );
  rows.forEach((row, t) => {
    const absent = symbols.find((_, j) => !(((open[j] as Float64Array)[t] ?? 0) > 0));
    if (t > 0 && absent !== undefined) {
      throw new BacktestConfigError(
        'opens',
        `no open for ${absent} on ${row.date}, inside the range (fill: next-open fills at each day's open)`,
      );
    }
  });
  return open;
}

/**
 * The prices of `rows` as one float column per symbol (NaN where a row has none), read row by row:
 * one map per row, rather than one pass over every row per symbol.
 */
function columnsOf(rows: WidePrices['rows'], symbols: readonly string[]): Float64Array[] {
  const columns = symbols.map(() => new Float64Array(rows.length));
  rows.forEach((row, t) => {
    symbols.forEach((symbol, j) => {
      const value = row.prices.get(symbol);
      (columns[j] as Float64Array)[t] = value === undefined ? Number.NaN : Number(value);
    });
  });
  return columns;
}

function price(
  close: readonly Float64Array[],
  symbols: readonly string[],
  symbol: string,
  t: number,
): number {
  return (close[symbols.indexOf(symbol)] as Float64Array)[t] ?? Number.NaN;
}

/** The household at day t's closes; `symbolIndex` maps each symbol to its column in `close`. */
function valueAt(
  books: readonly AccountBook[],
  symbolIndex: ReadonlyMap<string, number>,
  close: readonly Float64Array[],
  t: number,
): Snapshot {
  const positions = new Array<number>(symbolIndex.size).fill(0);
  const accounts = new Array<number>(books.length).fill(0);
  let cash = 0;
  books.forEach((book, a) => {
    let accountValue = book.cashValue;
    cash += accountValue;
    for (const [symbol, holding] of book.holdings) {
      const j = symbolIndex.get(symbol) as number;
      const worth = holding.shares * ((close[j] as Float64Array)[t] ?? 0);
      positions[j] = (positions[j] ?? 0) + worth;
      accountValue += worth;
    }
    accounts[a] = accountValue;
  });
  let invested = 0;
  for (const position of positions) invested += position;
  return { total: cash + invested, cash, positions, accounts };
}

/** The household at one close, in floating point: the daily bookkeeping and the planner's pre-check. */
interface Snapshot {
  readonly total: number;
  readonly cash: number;
  /** Value per symbol, in `symbols` order. */
  readonly positions: readonly number[];
  /** Value per account, in `books` order. */
  readonly accounts: readonly number[];
}

/**
 * Whether the planner needs to look at day t: a calendar date has come due, an account is under its
 * buffer, full mode without any trigger configured (rebalance always), or some symbol's drift is
 * within 1e-6 of a band (floating point here, exact decimals in the planner: the margin keeps every
 * crossing the exact check would see).
 */
function mayFire(
  snapshot: Snapshot,
  books: readonly AccountBook[],
  symbols: readonly string[],
  targets: readonly number[],
  policy: PortfolioFile['policy'],
  date: string,
  lastRebalance: string | null,
): boolean {
  if (policy.mode === 'cash-flow') return false;
  const bands = policy.bands;
  const anyBand =
    bands.absolute !== null ||
    bands.relative !== null ||
    Object.keys(bands.symbols).length > 0 ||
    Object.keys(bands.sleeves).length > 0;
  if (
    policy.calendar !== null &&
    (lastRebalance === null || latestScheduledDate(policy.calendar, date) > lastRebalance)
  ) {
    return true;
  }
  if (!anyBand) return policy.calendar === null && policy.mode !== 'band';
  if (Object.keys(bands.sleeves).length > 0) return true;
  const underBuffer = books.some(
    (book, a) => book.cashValue < policy.cashBuffer * (snapshot.accounts[a] ?? 0) + 1e-6,
  );
  if (underBuffer) return true;
  const margin = 1e-6;
  return symbols.some((symbol, j) => {
    const weight = (snapshot.positions[j] ?? 0) / snapshot.total;
    const target = targets[j] ?? 0;
    const { absolute, relative } = bands.symbols[symbol] ?? bands;
    const gap = Math.abs(weight - target);
    if (absolute !== null && gap > absolute - margin) return true;
    if (relative !== null && (target === 0 ? weight > 0 : gap / target > relative - margin)) return true;
    return false;
  });
}

/** What fills need besides the books: the costs, the lot methods and the tax record. */
interface TradingContext {
  readonly policy: PortfolioFile['policy'];
  readonly taxPolicy: TaxPolicy;
  readonly taxBook: TaxBook;
  readonly nextLotId: () => string;
  /** Every fill, in any account: the harvester's view of recent purchases (wash sales). */
  readonly trades: HouseholdTransaction[];
}

/**
 * Books a sale: lots relieved by `relief` (the account's method, or specific lots), the relieved lots
 * recorded for tax at the price net of the sale's costs (selling costs reduce the amount realized,
 * 26 U.S.C. 1001) and in the trade log, the proceeds less costs credited. Returns the relieved lots.
 */
function bookSale(
  book: AccountBook,
  symbol: string,
  quantity: Decimal,
  fillPrice: Decimal,
  cost: Decimal,
  date: string,
  trading: TradingContext,
  relief: Pick<SaleRequest, 'method' | 'specificLots'>,
): readonly LotSale[] {
  const holding = book.holdings.get(symbol) as Holding;
  const gross = quantity.times(fillPrice);
  const sale = sellFromLots({
    lots: holding.lots.map(toTaxLot),
    quantity: quantity.toFixed(),
    price: gross.minus(cost).dividedBy(quantity).toFixed(),
    soldOn: date,
    ...relief,
  });
  trading.taxBook.recordSale(book.id, symbol, date, sale.sales);
  trading.trades.push({
    account: book.id,
    symbol,
    side: 'sell',
    quantity: quantity.toFixed(),
    price: fillPrice.toFixed(),
    date,
  });
  holding.lots = sale.remaining.map(fromTaxLot);
  refreshShares(holding);
  if (holding.lots.length === 0) book.holdings.delete(symbol);
  book.cash = book.cash.plus(gross).minus(cost);
  return sale.sales;
}

/**
 * Books a purchase: a new lot whose basis is what was paid (costs included), recorded as a purchase
 * that may replace a loss (wash sales) and in the trade log, the amount paid debited.
 */
function bookPurchase(
  book: AccountBook,
  symbol: string,
  quantity: Decimal,
  fillPrice: Decimal,
  paid: Decimal,
  date: string,
  trading: TradingContext,
): void {
  book.cash = book.cash.minus(paid);
  const holding = book.holdings.get(symbol) ?? newHolding();
  const lotId = trading.nextLotId();
  holding.lots.push({ lotId, quantity, costBasis: paid, acquired: date });
  refreshShares(holding);
  book.holdings.set(symbol, holding);
  trading.taxBook.recordPurchase({
    purchaseId: lotId,
    accountId: book.id,
    accountType: book.type,
    symbol,
    boughtOn: date,
    quantity: quantity.toFixed(),
  });
  trading.trades.push({
    account: book.id,
    symbol,
    side: 'buy',
    quantity: quantity.toFixed(),
    price: fillPrice.toFixed(),
    date,
  });
}

/**
 * The day's wash sales, against the live lots of every account (an adjustment may split a lot in
 * two, so the adjusted holdings' shares are recounted).
 */
function settleWashSales(books: readonly AccountBook[], date: string, taxBook: TaxBook): void {
  const adjusted = new Set<Holding>();
  taxBook.settleWashSales(date, (accountId, symbol) => {
    const holding = books.find((b) => b.id === accountId)?.holdings.get(symbol);
    if (holding !== undefined) adjusted.add(holding);
    return holding?.lots;
  });
  for (const holding of adjusted) refreshShares(holding);
}

/**
 * Fills a plan's orders at the fill prices (the day's closes, or its opens for next-open): sells
 * first (lots relieved by the account's lot method, gains net of the sale's costs recorded for tax),
 * then buys cut to the cash at hand (each a new lot whose basis includes its costs); then the day's
 * wash sales are settled.
 */
function execute(
  books: AccountBook[],
  order: { plan: RebalancePlan; decidedOn: string; triggers: readonly string[] },
  date: string,
  priceOf: (symbol: string) => number,
  trading: TradingContext,
): RebalanceEvent {
  const { policy } = trading;
  const costRate = new Decimal(String(policy.costs.spreadBps)).dividedBy(10_000);
  const commission = new Decimal(policy.costs.commission);
  let traded = new Decimal(0);
  let costs = new Decimal(0);
  let partialFills = 0;
  let filled = 0;
  const sells = order.plan.orders.filter((o) => o.side === 'sell');
  const buys = order.plan.orders.filter((o) => o.side === 'buy');
  for (const leg of [...sells, ...buys]) {
    const book = books.find((b) => b.id === leg.account) as AccountBook;
    const fillPrice = new Decimal(String(priceOf(leg.symbol)));
    let quantity = new Decimal(leg.quantity);
    if (leg.side === 'sell') {
      const holding = book.holdings.get(leg.symbol);
      const held = holding?.quantity ?? new Decimal(0);
      if (quantity.gt(held)) quantity = held;
      if (quantity.lte(0) || holding === undefined) continue;
      const gross = quantity.times(fillPrice);
      const cost = gross.times(costRate).plus(commission);
      bookSale(book, leg.symbol, quantity, fillPrice, cost, date, trading, {
        method: lotMethodOf(trading.taxPolicy, book.id),
      });
      traded = traded.plus(gross);
      costs = costs.plus(cost);
    } else {
      // The account keeps its cash buffer at the fill prices: a buy the cash no longer covers (the
      // price rose since the decision) is cut, as a broker's pre-trade check would.
      const perShare = fillPrice.times(costRate.plus(1));
      const reserve = new Decimal(String(policy.cashBuffer)).times(accountValue(book, priceOf));
      const affordable = book.cash.minus(commission).minus(reserve).dividedBy(perShare);
      const cap = policy.wholeShares ? affordable.floor() : affordable.toDecimalPlaces(6, Decimal.ROUND_DOWN);
      if (quantity.gt(cap)) {
        quantity = Decimal.max(cap, 0);
        partialFills += 1;
      }
      if (quantity.lte(0)) continue;
      const gross = quantity.times(fillPrice);
      const cost = gross.times(costRate).plus(commission);
      bookPurchase(book, leg.symbol, quantity, fillPrice, gross.plus(cost), date, trading);
      traded = traded.plus(gross);
      costs = costs.plus(cost);
    }
    filled += 1;
  }
  settleWashSales(books, date, trading.taxBook);
  return {
    date: order.decidedOn,
    filledOn: date,
    triggers: order.triggers,
    orders: filled,
    traded: traded.toNumber(),
    costs: costs.toNumber(),
    partialFills,
  };
}

function accountValue(book: AccountBook, priceOf: (symbol: string) => number): Decimal {
  let value = book.cash;
  for (const [symbol, holding] of book.holdings) {
    value = value.plus(holding.quantity.times(String(priceOf(symbol))));
  }
  return value;
}

/** A harvest decided at a close: sell these loss lots of a symbol in one account, buy the substitute. */
interface HarvestOrder {
  readonly account: string;
  readonly symbol: string;
  readonly lots: readonly { readonly lotId: string; readonly quantity: string }[];
  readonly substitute: string;
}

/**
 * The harvest the tax engine finds worth making at day t's close (`findHarvestCandidates`: the
 * policy's loss thresholds net of costs, wash-sale windows across every account, including buys
 * already decided), grouped into one sale per account and symbol.
 */
function planHarvest(
  books: readonly AccountBook[],
  trading: TradingContext,
  row: WidePrices['rows'][number],
  firstDate: string,
  pendingBuys: readonly { account: string; symbol: string; quantity: string }[],
  priced: ReadonlySet<string>,
): HarvestOrder[] {
  // identifyLots names a lot `<account>#<index>`: keep the index -> simulated lot map to come back.
  const refs = new Map<string, string>();
  const accounts = books.map((book) => ({
    id: book.id,
    type: book.type,
    lots: [...book.holdings].flatMap(([symbol, holding]) =>
      holding.lots.map((lot) => ({
        symbol,
        quantity: lot.quantity.toFixed(),
        costBasis: lot.costBasis.toFixed(),
        acquired: lot.acquired,
        lotId: lot.lotId,
      })),
    ),
  }));
  accounts.forEach((account) =>
    account.lots.forEach((lot, index) => refs.set(`${account.id}#${index}`, lot.lotId)),
  );
  const windowStart = shiftDays(row.date, -31);
  const report = findHarvestCandidates({
    accounts: accounts.map((account) => ({
      id: account.id,
      type: account.type,
      lots: account.lots.map(({ lotId: _id, ...lot }) => lot),
    })),
    prices: row.prices,
    transactions: trading.trades.filter((trade) => trade.date >= windowStart),
    policy: trading.taxPolicy,
    asOf: row.date,
    costs: trading.policy.costs,
    restrictions: trading.policy.restrictions,
    plannedBuys: pendingBuys,
    wholeShares: trading.policy.wholeShares,
    historyFrom: firstDate,
  });
  const orders = new Map<
    string,
    { account: string; symbol: string; substitute: string; lots: { lotId: string; quantity: string }[] }
  >();
  for (const candidate of report.candidates) {
    if (!priced.has(candidate.substitute.symbol)) continue;
    const lotId = refs.get(candidate.lotId);
    if (lotId === undefined) continue;
    const key = `${candidate.accountId}\u0000${candidate.symbol}`;
    const order = orders.get(key) ?? {
      account: candidate.accountId,
      symbol: candidate.symbol,
      substitute: candidate.substitute.symbol,
      lots: [],
    };
    order.lots.push({ lotId, quantity: candidate.quantity });
    orders.set(key, order);
  }
  return [...orders.values()];
}

/**
 * Fills harvest orders at the fill prices: the loss lots sold by specific identification, the net
 * proceeds buying the substitute in the same account; the substitute then stands in for the sold
 * symbol's target (`standIn`).
 */
function executeHarvest(
  books: AccountBook[],
  orders: readonly HarvestOrder[],
  decidedOn: string,
  date: string,
  priceOf: (symbol: string) => number,
  trading: TradingContext,
  standIn: Map<string, string>,
): RebalanceEvent {
  const { policy } = trading;
  const costRate = new Decimal(String(policy.costs.spreadBps)).dividedBy(10_000);
  const commission = new Decimal(policy.costs.commission);
  let traded = new Decimal(0);
  let costs = new Decimal(0);
  let harvested = new Decimal(0);
  let filled = 0;
  for (const order of orders) {
    const book = books.find((b) => b.id === order.account) as AccountBook;
    const holding = book.holdings.get(order.symbol);
    // A lot sold or split since the decision is skipped, not guessed.
    const lots = order.lots.filter((wanted) =>
      holding?.lots.some((lot) => lot.lotId === wanted.lotId && lot.quantity.gte(wanted.quantity)),
    );
    if (holding === undefined || lots.length === 0) continue;
    const quantity = lots.reduce((sum, lot) => sum.plus(lot.quantity), new Decimal(0));
    const fillPrice = new Decimal(String(priceOf(order.symbol)));
    const gross = quantity.times(fillPrice);
    const cost = gross.times(costRate).plus(commission);
    const sold = bookSale(book, order.symbol, quantity, fillPrice, cost, date, trading, {
      method: 'specific',
      specificLots: lots,
    });
    harvested = harvested.plus(
      sold.reduce(
        (sum, lot) => (new Decimal(lot.gain).isNegative() ? sum.minus(lot.gain) : sum),
        new Decimal(0),
      ),
    );
    traded = traded.plus(gross);
    costs = costs.plus(cost);
    filled += 1;

    const buyPrice = new Decimal(String(priceOf(order.substitute)));
    const available = gross.minus(cost).minus(commission);
    const raw = available.dividedBy(buyPrice.times(costRate.plus(1)));
    const bought = policy.wholeShares ? raw.floor() : raw.toDecimalPlaces(6, Decimal.ROUND_DOWN);
    if (bought.gt(0)) {
      const buyGross = bought.times(buyPrice);
      const buyCost = buyGross.times(costRate).plus(commission);
      bookPurchase(book, order.substitute, bought, buyPrice, buyGross.plus(buyCost), date, trading);
      traded = traded.plus(buyGross);
      costs = costs.plus(buyCost);
      filled += 1;
      standIn.set(order.substitute, standIn.get(order.symbol) ?? order.symbol);
    }
  }
  settleWashSales(books, date, trading.taxBook);
  return {
    date: decidedOn,
    filledOn: date,
    triggers: ['harvest'],
    orders: filled,
    traded: traded.toNumber(),
    costs: costs.toNumber(),
    partialFills: 0,
    harvestedLoss: harvested.toNumber(),
  };
}

/**
 * Targets with stand-ins: a symbol's target weight shared between it and the substitutes standing in
 * for it, in proportion to what the household holds of each (all to the symbol when it holds none),
 * so that a harvest swap is not undone by the next rebalance.
 */
function withStandIns(
  targets: readonly TargetWeight[],
  standIn: ReadonlyMap<string, string>,
  valueOf: (symbol: string) => number,
): TargetWeight[] {
  if (standIn.size === 0) return [...targets];
  const result: TargetWeight[] = [];
  for (const target of targets) {
    const group = [
      target.symbol,
      ...[...standIn].filter(([, original]) => original === target.symbol).map(([s]) => s),
    ];
    const values = group.map(valueOf);
    const total = values.reduce((a, b) => a + b, 0);
    group.forEach((symbol, k) =>
      result.push({
        symbol,
        weight: total > 0 ? (target.weight * (values[k] ?? 0)) / total : k === 0 ? target.weight : 0,
      }),
    );
  }
  return result.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function triggerNames(triggers: readonly Trigger[]): string[] {
  return [...new Set(triggers.map((trigger) => trigger.kind))];
}
