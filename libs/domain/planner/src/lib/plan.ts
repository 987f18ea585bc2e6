import {
  Decimal,
  type DriftReport,
  type Holdings,
  InvalidPriceError,
  MissingPriceError,
  type PortfolioAccountType,
  type PortfolioFile,
  type PriceQuote,
  accountHoldings,
  aggregateAccounts,
  computeDrift,
  parseDecimal,
  toDecimalString,
  valuePortfolio,
} from '@ballast/domain-portfolio';
import {
  type SaleTaxSegment,
  type TaxPolicy,
  gainsBudgetRemaining,
  lotMethodOf,
  saleTaxSegments,
} from '@ballast/domain-tax';
import {
  CashBufferInfeasibleError,
  InfeasiblePlanError,
  UnreachableTargetError,
  WithdrawalInfeasibleError,
} from './errors';
import {
  type LinearProgram,
  type LinearSolver,
  type LpConstraint,
  type LpTerm,
  type LpVariable,
} from './linear-program';
import { type LegColumn, type RelaxAndFixOptions, solveRelaxAndFix } from './relax-and-fix';
import { type Trigger, evaluateTriggers, isDiscretionary, outOfBandSymbols, sleeveWeights } from './triggers';

/** One order of a plan. Quantities and money are canonical decimal strings. */
export interface PlanOrder {
  readonly account: string;
  readonly symbol: string;
  readonly side: 'sell' | 'buy';
  readonly quantity: string;
  /** The price the plan was computed with (mid); the spread is counted in `costs`. */
  readonly estimatedPrice: string;
  /** `quantity × estimatedPrice`, exact. */
  readonly estimatedValue: string;
  readonly reason: string;
}

export interface AccountValue {
  readonly account: string;
  readonly type: PortfolioAccountType;
  /** Decimal strings. */
  readonly cash: string;
  readonly value: string;
}

export interface PlanDriftRow {
  readonly symbol: string;
  readonly currentWeight: number;
  readonly targetWeight: number;
  readonly drift: number;
  readonly relativeDrift: number | null;
  readonly outOfBand: boolean;
}

export interface RebalancePlan {
  readonly portfolioId: string;
  readonly asOf: string;
  /** Before the orders, cash flow included. */
  readonly value: { readonly total: string; readonly accounts: readonly AccountValue[] };
  readonly drift: {
    readonly rows: readonly PlanDriftRow[];
    readonly cashWeight: number;
    readonly portfolioDrift: number;
  };
  readonly triggers: readonly Trigger[];
  /** Why triggers that fired did not lead to orders (a cooldown, a benefit below cost); empty otherwise. */
  readonly holds: readonly PlanHold[];
  /** Sleeve weights before and after, when the file defines sleeves. */
  readonly sleeves: readonly {
    readonly sleeve: string;
    readonly symbols: readonly string[];
    readonly currentWeight: number;
    readonly targetWeight: number;
    readonly drift: number;
    readonly afterWeight: number;
  }[];
  /** Grouped by account in file order; within an account sells first, then by symbol. */
  readonly orders: readonly PlanOrder[];
  readonly after: {
    readonly total: string;
    readonly accounts: readonly AccountValue[];
    readonly weights: readonly {
      readonly symbol: string;
      readonly weight: number;
      readonly targetWeight: number;
    }[];
    readonly cashWeight: number;
    readonly portfolioDrift: number;
  };
  /** Decimal strings: `value.total = after.total + costs.total`, exactly. */
  readonly costs: { readonly commission: string; readonly spread: string; readonly total: string };
  /** One-way turnover, `(Σ buys + Σ sells) / (2 × total value)`. */
  readonly turnover: number;
  readonly explanation: readonly string[];
}

export interface PlanRequest {
  readonly portfolio: PortfolioFile;
  /** A quote for every symbol held or targeted. */
  readonly prices: ReadonlyMap<string, PriceQuote>;
  /** The date the prices are of, `YYYY-MM-DD`; reported as the plan's `asOf`. */
  readonly asOf: string;
  /**
   * The household's tax policy (`parseTaxPolicy` of `@ballast/domain-tax` over `portfolio.policy.tax`):
   * when given, the objective counts the tax of every sale in a taxable account, lot by lot (see
   * {@link saleTaxCurve}). Without it, sales are planned as if untaxed.
   */
  readonly taxPolicy?: TaxPolicy;
  /**
   * Realized so far this calendar year in taxable accounts (net gains, estimated tax), which the tax
   * policy's `gainsBudget` counts against; zero when absent.
   */
  readonly realizedThisYear?: { readonly realizedNetGains: string; readonly estimatedTax: string };
}

/** How the planner solves, for comparisons and benchmarks; the defaults are what the product uses. */
export interface PlanOptions {
  readonly solve?: RelaxAndFixOptions;
}

/** Quantity grid of fractional-share orders: brokers that sell fractions quote them to 6 places or fewer. */
export const FRACTIONAL_DIGITS = 6;
/**
 * Cost per dollar traded added to every trade, so that among plans equally close to target the one
 * that trades least wins (an LP optimum is otherwise free to add offsetting trades). A millionth of
 * the traded value is far below any real cost and any drift worth correcting.
 */
const TIE_BREAK_COST = 1e-6;
/** Optimality tolerance of integer plans, as a fraction of household value (0.5 bp). */
export const MIP_ABSOLUTE_GAP_OF_VALUE = 5e-5;

interface AccountState {
  readonly id: string;
  readonly type: PortfolioAccountType;
  readonly cash: Decimal;
  readonly quantities: ReadonlyMap<string, Decimal>;
  readonly value: Decimal;
}

interface Leg {
  readonly accountIndex: number;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  quantity: Decimal;
}

/**
 * Plans a household rebalance: decides whether to trade (triggers), then which orders bring the
 * household closest to its target weights at the lowest cost, subject to the policy.
 *
 * The model, solved as a mixed-integer linear program (integer share counts when `wholeShares`):
 * - variables per account a and symbol i: shares bought `b` and sold `s` (≥ 0; `s` ≤ shares held,
 *   so nothing is shorted), plus binaries where a minimum trade value or a commission applies;
 * - distance to target, in dollars: `Σ_i |Σ_a p_i (b − s) − (t_i V − H_i p_i)|`, linearised with a
 *   pair of non-negative deviation variables per symbol (the standard L1 reformulation, e.g.
 *   Boyd and Vandenberghe, "Convex Optimization", 2004, section 6.1);
 * - costs: spread on every traded dollar and a commission per order, in the same dollars;
 * - per account, cash after the orders (at mid ± spread, minus commissions) stays at or above the
 *   cash buffer times the account's value after costs: each account trades only with its own cash;
 * - optionally, one-way turnover ≤ the cap. Halted symbols get no variables; do-not-buy and
 *   do-not-sell drop one side. Band mode trades only out-of-band symbols, each only toward its target.
 * Weights use the value before costs as the denominator, which keeps the model linear; costs are a
 * few basis points of it.
 *
 * The solver's doubles are then turned into exact decimals: quantities rounded to whole shares (or
 * {@link FRACTIONAL_DIGITS} places), sells capped at holdings, trades below the minimum dropped, and
 * any account whose exact cash falls below its buffer through that rounding gets its largest buy
 * trimmed. The reported `after` and `costs` are computed in decimals from the final orders.
 *
 * @throws MissingPriceError for a held or targeted symbol without a quote (every one, sorted).
 * @throws InvalidPriceError for a quote that is not a positive decimal.
 * @throws NonPositivePortfolioValueError when the household is worth nothing.
 * @throws UnreachableTargetError for a positive target in a symbol held nowhere that may not be bought.
 * @throws CashBufferInfeasibleError when an account cannot reach its buffer even selling all it may.
 * @throws InfeasiblePlanError when the solver finds no plan (or fails).
 */
export function planRebalance(
  request: PlanRequest,
  solver: LinearSolver,
  options: PlanOptions = {},
): RebalancePlan {
  const { portfolio, prices } = request;
  const policy = portfolio.policy;
  const halted = new Set(policy.restrictions.halted);
  const doNotBuy = new Set(policy.restrictions.doNotBuy);
  const doNotSell = new Set(policy.restrictions.doNotSell);
  const cashFlow = new Decimal(policy.cashFlow);

  const holdings: Holdings[] = portfolio.accounts.map((account) => {
    const base = accountHoldings(account);
    const flow = account.id === policy.cashFlowAccount ? cashFlow : new Decimal(0);
    return { ...base, cash: toDecimalString(new Decimal(base.cash).plus(flow)) };
  });
  const targetBySymbol = new Map(portfolio.targets.map((target) => [target.symbol, target.weight]));
  const symbols = [
    ...new Set([
      ...portfolio.targets.map((target) => target.symbol),
      ...holdings.flatMap((h) => h.positions.map((position) => position.symbol)),
    ]),
  ].sort();
  const price = checkedPrices(symbols, prices);

  const accounts: AccountState[] = portfolio.accounts.map((account, index) => {
    const held = holdings[index] as Holdings;
    const quantities = new Map(
      held.positions.map((position) => [position.symbol, new Decimal(position.quantity)]),
    );
    const cash = new Decimal(held.cash);
    const value = [...quantities].reduce(
      (sum, [symbol, quantity]) => sum.plus(quantity.times(priceOf(price, symbol))),
      cash,
    );
    return { id: account.id, type: account.type, cash, quantities, value };
  });
  assertWithdrawalRaisable(accounts, price, policy, halted, doNotSell);
  const household = aggregateAccounts(holdings);
  const before = computeDrift(valuePortfolio(household, prices), portfolio.targets);
  const totalValue = new Decimal(before.totalValue);

  const fired: Trigger[] = [
    ...evaluateTriggers(before, policy, portfolio.sleeves, request.asOf),
    ...bufferTriggers(accounts, policy.cashBuffer),
  ];
  const holds: PlanHold[] = [];
  const coolingUntil =
    policy.lastRebalance !== null && policy.cooldownDays > 0
      ? addDays(policy.lastRebalance, policy.cooldownDays)
      : null;
  let triggers = fired;
  if (coolingUntil !== null && request.asOf < coolingUntil && fired.some(isDiscretionary)) {
    holds.push({
      kind: 'cooldown',
      lastRebalance: policy.lastRebalance ?? '',
      cooldownDays: policy.cooldownDays,
      until: coolingUntil,
      heldBack: fired.filter(isDiscretionary).map((trigger) => trigger.kind),
    });
    triggers = fired.filter((trigger) => !isDiscretionary(trigger));
  }
  const bandsSet =
    policy.bands.absolute !== null ||
    policy.bands.relative !== null ||
    Object.keys(policy.bands.symbols).length > 0 ||
    Object.keys(policy.bands.sleeves).length > 0;
  const triggersSet = bandsSet || policy.calendar !== null;
  const outOfBand = outOfBandSymbols(triggers);
  const obligationsOnly = triggers.length > 0 && !triggers.some(isDiscretionary);
  const flowSign = cashFlow.isZero() ? 0 : cashFlow.gt(0) ? 1 : -1;
  // Cash-flow mode, and any plan that only a cash flow or a buffer calls for during a cooldown or in
  // band and partial modes, trades one way: a deposit buys, a withdrawal or a buffer sells.
  const cooling = holds.some((hold) => hold.kind === 'cooldown');
  const oneWay = policy.mode === 'cash-flow' || (obligationsOnly && (policy.mode !== 'full' || cooling));
  const sides: TradeSides = oneWay ? (flowSign > 0 ? 'buy' : 'sell') : 'both';
  // An account under its buffer sells whatever the plan's direction: a deposit elsewhere cannot
  // raise its cash.
  const underBuffer = new Set(
    triggers.flatMap((trigger) => (trigger.kind === 'cash-buffer' ? [trigger.account] : [])),
  );
  const sidesByAccount = accounts.map((account): TradeSides =>
    sides !== 'both' && underBuffer.has(account.id) ? 'sell' : sides,
  );
  // Band mode trades only the out-of-band symbols, unless an account is also under its buffer and
  // those symbols cannot raise its cash (an underweight one may only be bought): then the account may
  // sell any in-band holding too, selling only, just what the buffer needs (its drift cost).
  const bufferOnly =
    policy.mode === 'band' && !obligationsOnly && underBuffer.size > 0
      ? {
          symbols: new Set(symbols.filter((symbol) => !outOfBand.has(symbol))),
          accounts: new Set(accounts.flatMap((account, a) => (underBuffer.has(account.id) ? [a] : []))),
        }
      : undefined;
  const tradable =
    policy.mode === 'band' && !obligationsOnly && bufferOnly === undefined
      ? symbols.filter((symbol) => outOfBand.has(symbol))
      : policy.mode === 'partial'
        ? largestDrifts(before, symbols, halted, policy.partialSymbols)
        : symbols;
  const shouldTrade =
    policy.mode === 'cash-flow'
      ? triggers.some((trigger) => !isDiscretionary(trigger))
      : triggersSet
        ? triggers.length > 0
        : policy.mode !== 'band' || triggers.length > 0;
  const plannedWeight = new Map(targetBySymbol);
  if (policy.mode === 'band' && policy.bandTarget === 'edge') {
    for (const row of before.rows) {
      const width = bandWidth(policy, row.symbol, row.targetWeight);
      if (outOfBand.has(row.symbol) && width !== null && Math.abs(row.drift) > width) {
        plannedWeight.set(row.symbol, row.targetWeight + Math.sign(row.drift) * width);
      }
    }
  }

  let legs: Leg[] = [];
  const solverNotes: string[] = [];
  if (shouldTrade) {
    assertReachable(portfolio, before, halted, doNotBuy);
    assertBuffersReachable(accounts, price, policy, halted, doNotSell);
    const curves =
      request.taxPolicy === undefined
        ? { curves: new Map<string, TaxPiece[]>(), segments: new Map<string, SaleTaxSegment[]>() }
        : taxCurves(portfolio, price, request.asOf, request.taxPolicy, tradable);
    // The annual gains (or tax) budget, prorated if the policy says so, less what the year has used.
    const budgetLeft =
      request.taxPolicy === undefined
        ? null
        : gainsBudgetRemaining(
            request.taxPolicy,
            request.asOf,
            request.realizedThisYear ?? { realizedNetGains: '0', estimatedTax: '0' },
          );
    let budget =
      budgetLeft === null ? undefined : { kind: budgetLeft.kind, limit: Number(budgetLeft.remaining) };
    // The LP sees each sale's gains along the convex minorant of its relief order: exact for the
    // cheapest-first methods, a lower bound otherwise. The exact usage is checked after, and the
    // limit tightened by any excess (a few rounds at most) so that the budget holds as a hard limit.
    for (let round = 0; ; round += 1) {
      legs = solve(
        accounts,
        tradable,
        sidesByAccount,
        price,
        plannedWeight,
        before,
        totalValue,
        policy,
        halted,
        doNotBuy,
        doNotSell,
        solver,
        // Band mode's "only toward the target" binds discretionary trading; a plan that only a cash
        // flow or a buffer calls for may have to sell an underweight holding to raise the cash.
        policy.mode === 'band' && !obligationsOnly,
        solverNotes,
        bufferOnly,
        curves.curves,
        budget,
        locationCost(request.taxPolicy, accounts),
        options.solve,
      );
      legs = repairCash(legs, accounts, price, policy);
      if (budget === undefined || budgetLeft === null) break;
      const used = budgetUsed(legs, curves.segments, budgetLeft.kind);
      const excess = used - Number(budgetLeft.remaining);
      if (excess <= 0.005 || round >= 3) {
        solverNotes.push(
          `${budgetLeft.kind === 'tax' ? 'Tax' : 'Realized-gains'} budget: ${money(
            new Decimal(budgetLeft.remaining),
          )} left this year (of ${money(new Decimal(budgetLeft.available))}); this plan uses ${money(new Decimal(used.toFixed(2)))}` +
            (excess > 0.005
              ? `, over by ${money(new Decimal(excess.toFixed(2)))} (the relief order is not cheapest-first)`
              : ''),
        );
        break;
      }
      budget = { ...budget, limit: budget.limit - excess };
    }
  }

  const reportOf = (chosen: readonly Leg[]): RebalancePlan =>
    report({
      portfolio,
      asOf: request.asOf,
      accounts,
      price,
      before,
      triggers,
      holds,
      outOfBand,
      legs: chosen,
      shouldTrade,
      bandsSet: triggersSet,
      solverNotes,
      partialSymbols: policy.mode === 'partial' ? tradable : undefined,
    });
  const plan = reportOf(legs);
  const benefitCost = policy.benefitCost;
  if (
    benefitCost === null ||
    plan.orders.length === 0 ||
    obligationsOnly ||
    triggers.some((t) => !isDiscretionary(t))
  ) {
    return plan;
  }
  // The drift the orders remove, in dollars of one-way drift, valued at the policy's rate.
  const removed = Math.max(0, plan.drift.portfolioDrift - plan.after.portfolioDrift) * totalValue.toNumber();
  const benefit = (removed * benefitCost.driftCostBps) / 10_000;
  const cost = Number(plan.costs.total);
  if (benefit >= benefitCost.minRatio * cost) return plan;
  holds.push({
    kind: 'benefit-below-cost',
    driftRemoved: removed.toFixed(2),
    benefit: benefit.toFixed(2),
    cost: cost.toFixed(2),
    minRatio: benefitCost.minRatio,
  });
  return reportOf([]);
}

/** A piece of a sale's tax curve: up to `shares` more shares at `taxPerShare` each. */
interface TaxPiece {
  readonly shares: number;
  /** What the objective charges per share (the tax, plus the short-term-soon penalty). */
  readonly taxPerShare: number;
  /** Realized gain per share (negative for a loss), for a realized-gains budget. */
  readonly gainPerShare?: number;
  /** The tax per share without penalty, losses at zero, for a tax budget. */
  readonly budgetTaxPerShare?: number;
}

function taxCurves(
  portfolio: PortfolioFile,
  price: ReadonlyMap<string, Decimal>,
  asOf: string,
  taxPolicy: TaxPolicy,
  symbols: readonly string[],
): { curves: Map<string, TaxPiece[]>; segments: Map<string, SaleTaxSegment[]> } {
  const curves = new Map<string, TaxPiece[]>();
  const segmentsOf = new Map<string, SaleTaxSegment[]>();
  const longTermRate = (taxPolicy.taxRates.longTerm ?? 0) + (taxPolicy.taxRates.state ?? 0);
  const shortTermRate = (taxPolicy.taxRates.shortTerm ?? 0) + (taxPolicy.taxRates.state ?? 0);
  portfolio.accounts.forEach((account, a) => {
    if (account.type !== 'taxable') return;
    for (const symbol of symbols) {
      const lots = account.lots
        .map((lot, index) => ({ lot, index }))
        .filter(({ lot }) => lot.symbol === symbol)
        .map(({ lot, index }) => ({
          lotId: `${account.id}#${index}`,
          quantity: lot.quantity,
          costBasis: lot.costBasis,
          acquiredOn: lot.acquired,
        }));
      if (lots.length === 0) continue;
      const segments = saleTaxSegments({
        accountType: account.type,
        lots,
        price: toDecimalString(priceOf(price, symbol)),
        asOf,
        policy: taxPolicy,
        method: lotMethodOf(taxPolicy, account.id),
      });
      segmentsOf.set(`${a}/${symbol}`, segments);
      curves.set(
        `${a}/${symbol}`,
        saleTaxCurve(
          segments.map((segment) => ({
            shares: Number(segment.quantity),
            // A short-term gain that turns long-term within avoidShortTermDays also costs the tax
            // that waiting would save, so the plan sells it only when nothing else will do.
            taxPerShare:
              Number(segment.taxPerShare) +
              (segment.longTermSoon ? Number(segment.gainPerShare) * (shortTermRate - longTermRate) : 0),
            gainPerShare: Number(segment.gainPerShare),
            budgetTaxPerShare: Math.max(0, Number(segment.taxPerShare)),
          })),
        ),
      );
    }
  });
  return { curves, segments: segmentsOf };
}

/**
 * Asset location (issue 6: less tax-efficient assets in tax-deferred accounts, used when placing new
 * money): with the tax policy's `assetClasses`, buying a symbol costs, per dollar, 2 basis points
 * times how badly its class suits the account type: its inefficiency u (1 for the first class of the
 * ranking, 0 for the last) in a taxable account, 1 - u in a traditional IRA, half that in a Roth. The
 * household-level objective is indifferent to which account buys an underweight symbol (each dollar
 * closes the same gap), so this small cost decides the placement the way `suggestAssetLocation`
 * ranks it, without trading a basis point of drift for it.
 */
const LOCATION_COST = 0.0002;

function locationCost(
  taxPolicy: TaxPolicy | undefined,
  accounts: readonly AccountState[],
): ((accountIndex: number, symbol: string) => number) | undefined {
  if (taxPolicy === undefined || taxPolicy.assetClasses.size === 0) return undefined;
  const last = Math.max(1, taxPolicy.locationRanking.length - 1);
  return (accountIndex, symbol) => {
    const assetClass = taxPolicy.assetClasses.get(symbol);
    const type = accounts[accountIndex]?.type;
    if (assetClass === undefined || type === undefined) return 0;
    const inefficiency = 1 - taxPolicy.locationRanking.indexOf(assetClass) / last;
    const mismatch =
      type === 'taxable' ? inefficiency : type === 'traditional' ? 1 - inefficiency : (1 - inefficiency) / 2;
    return LOCATION_COST * mismatch;
  };
}

/**
 * What the plan's taxable sales use of the budget, exactly: each sale's shares taken along its
 * account's relief order (the segments), at their gain per share (net: losses offset gains) or at
 * their tax per share (losses at zero, as in the objective).
 */
function budgetUsed(
  legs: readonly Leg[],
  segments: ReadonlyMap<string, readonly SaleTaxSegment[]>,
  kind: 'realized-gains' | 'tax',
): number {
  let used = 0;
  for (const leg of legs) {
    if (leg.side !== 'sell') continue;
    let left = leg.quantity.toNumber();
    for (const segment of segments.get(`${leg.accountIndex}/${leg.symbol}`) ?? []) {
      if (left <= 0) break;
      const shares = Math.min(left, Number(segment.quantity));
      used +=
        shares * (kind === 'tax' ? Math.max(0, Number(segment.taxPerShare)) : Number(segment.gainPerShare));
      left -= shares;
    }
  }
  return used;
}

/**
 * The tax of selling the first q shares of a holding, as a convex piecewise-linear function of q
 * for the linear program: the greatest convex minorant of the cumulative tax along the account's
 * relief order (exact when the relief method sells the cheapest shares first, as tax-minimizing and
 * usually HIFO do; a lower bound otherwise, e.g. FIFO over old gains), with losses counted at zero:
 * a rebalance does not sell at a loss for the tax it saves (that is harvesting, `ballast harvest`).
 * The plan's reported tax is computed afterwards from the actual relief, lot by lot.
 */
export function saleTaxCurve(pieces: readonly TaxPiece[]): TaxPiece[] {
  // g and b: the cumulative realized gain and budget tax at each point, carried along so that a hull
  // piece (between two original points) knows the exact gain and tax of the shares it covers.
  type Point = { x: number; y: number; g: number; b: number };
  const carriesBudget = pieces.some(
    (piece) => piece.gainPerShare !== undefined || piece.budgetTaxPerShare !== undefined,
  );
  const points: Point[] = [{ x: 0, y: 0, g: 0, b: 0 }];
  for (const piece of pieces) {
    const last = points[points.length - 1] as Point;
    points.push({
      x: last.x + piece.shares,
      y: last.y + piece.shares * piece.taxPerShare,
      g: last.g + piece.shares * (piece.gainPerShare ?? 0),
      b: last.b + piece.shares * (piece.budgetTaxPerShare ?? 0),
    });
  }
  // Lower convex hull of points with increasing x (Andrew's monotone chain, lower half).
  const hull: Point[] = [];
  for (const point of points) {
    while (hull.length >= 2) {
      const o = hull[hull.length - 2] as Point;
      const b = hull[hull.length - 1] as Point;
      if ((b.x - o.x) * (point.y - o.y) - (b.y - o.y) * (point.x - o.x) <= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  const curve: TaxPiece[] = [];
  for (let k = 1; k < hull.length; k += 1) {
    const from = hull[k - 1] as Point;
    const to = hull[k] as Point;
    const shares = to.x - from.x;
    if (shares <= 0) continue;
    curve.push({
      shares,
      taxPerShare: Math.max(0, (to.y - from.y) / shares),
      ...(carriesBudget
        ? { gainPerShare: (to.g - from.g) / shares, budgetTaxPerShare: (to.b - from.b) / shares }
        : {}),
    });
  }
  return curve;
}

/** Which sides a plan may trade. */
type TradeSides = 'both' | 'buy' | 'sell';

/** Why a plan holds back from trading although a trigger fired. */
export type PlanHold =
  | {
      /** Band and calendar triggers wait until `until` (lastRebalance + cooldownDays). */
      readonly kind: 'cooldown';
      readonly lastRebalance: string;
      readonly cooldownDays: number;
      readonly until: string;
      readonly heldBack: readonly Trigger['kind'][];
    }
  | {
      /** The orders' expected benefit (drift removed, valued at driftCostBps) is below minRatio x their cost. */
      readonly kind: 'benefit-below-cost';
      /** Money, two decimals. */
      readonly driftRemoved: string;
      readonly benefit: string;
      readonly cost: string;
      readonly minRatio: number;
    };

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Partial mode: the `count` tradable symbols with the largest absolute drift (ties by symbol). */
function largestDrifts(
  before: DriftReport,
  symbols: readonly string[],
  halted: ReadonlySet<string>,
  count: number,
): string[] {
  const drift = new Map(before.rows.map((row) => [row.symbol, Math.abs(row.drift)]));
  return symbols
    .filter((symbol) => !halted.has(symbol))
    .sort((a, b) => (drift.get(b) ?? 0) - (drift.get(a) ?? 0) || (a < b ? -1 : 1))
    .slice(0, count)
    .sort();
}

/** The narrowest band of a symbol as a weight: `min(absolute, relative × target)` of those set. */
function bandWidth(policy: PortfolioFile['policy'], symbol: string, target: number): number | null {
  const { absolute, relative } = policy.bands.symbols[symbol] ?? policy.bands;
  const widths = [absolute, relative === null ? null : relative * target].filter(
    (width): width is number => width !== null,
  );
  return widths.length === 0 ? null : Math.min(...widths);
}

/** Accounts that start below their cash buffer must trade (sell) whatever the bands say. */
function bufferTriggers(accounts: readonly AccountState[], cashBuffer: number): Trigger[] {
  return accounts.flatMap((account): Trigger[] => {
    const required = account.value.times(String(cashBuffer));
    return account.cash.lt(required)
      ? [
          {
            kind: 'cash-buffer',
            account: account.id,
            cash: toDecimalString(account.cash),
            required: money(required),
          },
        ]
      : [];
  });
}

function checkedPrices(
  symbols: readonly string[],
  prices: ReadonlyMap<string, PriceQuote>,
): Map<string, Decimal> {
  const missing: string[] = [];
  const invalid: { symbol: string; problem: string }[] = [];
  const out = new Map<string, Decimal>();
  for (const symbol of symbols) {
    const quote = prices.get(symbol);
    if (quote === undefined) {
      missing.push(symbol);
      continue;
    }
    const parsed = parseDecimal(quote.price);
    if (parsed === undefined || parsed.lte(0)) {
      invalid.push({ symbol, problem: `must be a positive decimal, got ${JSON.stringify(quote.price)}` });
      continue;
    }
    out.set(symbol, parsed);
  }
  if (missing.length > 0) throw new MissingPriceError(missing);
  if (invalid.length > 0) throw new InvalidPriceError(invalid);
  return out;
}

function priceOf(price: ReadonlyMap<string, Decimal>, symbol: string): Decimal {
  const value = price.get(symbol);
  if (value === undefined) throw new MissingPriceError([symbol]);
  return value;
}

function assertReachable(
  portfolio: PortfolioFile,
  before: DriftReport,
  halted: ReadonlySet<string>,
  doNotBuy: ReadonlySet<string>,
): void {
  for (const target of portfolio.targets) {
    const row = before.rows.find((candidate) => candidate.symbol === target.symbol);
    const heldNowhere = row === undefined || new Decimal(row.quantity).isZero();
    if (target.weight > 0 && heldNowhere && (halted.has(target.symbol) || doNotBuy.has(target.symbol))) {
      throw new UnreachableTargetError(
        target.symbol,
        target.weight,
        halted.has(target.symbol) ? 'halted' : 'doNotBuy',
      );
    }
  }
}

/**
 * The most cash an account can hold after selling everything it may sell (whole shares when the policy
 * says so, each sale above the minimum trade and worth more than its cost), and its value after those
 * costs.
 */
function mostRaisableCash(
  account: AccountState,
  price: ReadonlyMap<string, Decimal>,
  policy: PortfolioFile['policy'],
  halted: ReadonlySet<string>,
  doNotSell: ReadonlySet<string>,
): { readonly achievable: Decimal; readonly afterCosts: Decimal } {
  const spread = new Decimal(String(policy.costs.spreadBps)).dividedBy(10_000);
  const commission = new Decimal(policy.costs.commission);
  const minTrade = new Decimal(policy.minTradeValue);
  let achievable = account.cash;
  let afterCosts = account.value;
  for (const [symbol, held] of account.quantities) {
    if (halted.has(symbol) || doNotSell.has(symbol)) continue;
    const quantity = policy.wholeShares ? held.floor() : held;
    const gross = quantity.times(priceOf(price, symbol));
    const cost = gross.times(spread).plus(commission);
    if (gross.lt(minTrade) || gross.lte(cost)) continue;
    achievable = achievable.plus(gross).minus(cost);
    afterCosts = afterCosts.minus(cost);
  }
  return { achievable, afterCosts };
}

/**
 * A withdrawal larger than its account can raise is the policy's error, named as such: checked before
 * valuation, where it would otherwise surface as a negative household value or an unmeetable buffer.
 */
function assertWithdrawalRaisable(
  accounts: readonly AccountState[],
  price: ReadonlyMap<string, Decimal>,
  policy: PortfolioFile['policy'],
  halted: ReadonlySet<string>,
  doNotSell: ReadonlySet<string>,
): void {
  const withdrawal = new Decimal(policy.cashFlow).negated();
  if (withdrawal.lte(0)) return;
  const account = accounts.find((candidate) => candidate.id === policy.cashFlowAccount);
  if (account === undefined || account.cash.gte(0)) return;
  // `account.cash` already has the withdrawal taken out: what is raisable is that plus the withdrawal.
  const { achievable } = mostRaisableCash(account, price, policy, halted, doNotSell);
  if (achievable.lt(0)) {
    throw new WithdrawalInfeasibleError(
      account.id,
      money(withdrawal),
      money(achievable.plus(withdrawal)),
      money(achievable.negated()),
    );
  }
}

/** The most cash each account can raise, against the buffer it must keep: a named error if short. */
function assertBuffersReachable(
  accounts: readonly AccountState[],
  price: ReadonlyMap<string, Decimal>,
  policy: PortfolioFile['policy'],
  halted: ReadonlySet<string>,
  doNotSell: ReadonlySet<string>,
): void {
  const buffer = new Decimal(String(policy.cashBuffer));
  for (const account of accounts) {
    const required = buffer.times(account.value);
    if (account.cash.gte(required)) continue;
    const { achievable, afterCosts } = mostRaisableCash(account, price, policy, halted, doNotSell);
    const needed = buffer.times(afterCosts);
    if (achievable.lt(needed)) {
      throw new CashBufferInfeasibleError(
        account.id,
        money(needed),
        money(achievable),
        money(needed.minus(achievable)),
      );
    }
  }
}

function solve(
  accounts: readonly AccountState[],
  tradable: readonly string[],
  sidesByAccount: readonly TradeSides[],
  price: ReadonlyMap<string, Decimal>,
  targetBySymbol: ReadonlyMap<string, number>,
  before: DriftReport,
  totalValue: Decimal,
  policy: PortfolioFile['policy'],
  halted: ReadonlySet<string>,
  doNotBuy: ReadonlySet<string>,
  doNotSell: ReadonlySet<string>,
  solver: LinearSolver,
  towardTargetOnly: boolean,
  /** Receives what the explanation should say about the solve (a time limit reached). */
  notes: string[],
  /** Band mode with an account under its buffer: in-band symbols, sold only, only in those accounts. */
  bufferOnly: { readonly symbols: ReadonlySet<string>; readonly accounts: ReadonlySet<number> } | undefined,
  /** `account index/symbol` -> the tax curve of selling it (taxable accounts, with a tax policy). */
  taxCurves: ReadonlyMap<string, readonly TaxPiece[]>,
  /** The tax policy's annual budget: what the taxable sales may still realize (gains or tax). */
  budget?: { readonly kind: 'realized-gains' | 'tax'; readonly limit: number },
  /** Asset location: a small cost per dollar bought of a symbol in an account type it does not suit. */
  location?: (accountIndex: number, symbol: string) => number,
  relaxAndFix: RelaxAndFixOptions = {},
): Leg[] {
  const budgetTerms: LpTerm[] = [];
  const V = totalValue.toNumber();
  const sigma = policy.costs.spreadBps / 10_000;
  const kappa = Number(policy.costs.commission);
  const minTrade = Number(policy.minTradeValue);
  const beta = policy.cashBuffer;
  const whole = policy.wholeShares;
  const needsSwitch = minTrade > 0 || kappa > 0;

  const variables: LpVariable[] = [];
  const constraints: LpConstraint[] = [];
  const legVariables: { name: string; accountIndex: number; symbol: string; side: 'buy' | 'sell' }[] = [];
  /** Per leg variable: its price and the smallest value it may trade. */
  const legFloor = new Map<string, { price: number; minimum: number }>();
  /** What relax-and-fix rounds (see {@link solveRelaxAndFix}). */
  const legColumns: LegColumn[] = [];
  const perSymbol = new Map<string, LpTerm[]>();
  const perAccount = new Map<number, LpTerm[]>();
  /** Household cash movement of every leg: sales in, buys, spread and commissions out. */
  const cashMovement: LpTerm[] = [];
  const turnover: LpTerm[] = [];

  accounts.forEach((account, a) => {
    tradable.forEach((symbol, si) => {
      if (halted.has(symbol)) return;
      const p = priceOf(price, symbol).toNumber();
      const held = account.quantities.get(symbol) ?? new Decimal(0);
      // For fractional shares the minimum is raised by one grid step's value, so that rounding the
      // solver's quantity to the grid cannot take a trade below the policy minimum.
      const effectiveMin = minTrade > 0 && !whole ? minTrade + p * 10 ** -FRACTIONAL_DIGITS : minTrade;
      const legs: { side: 'buy' | 'sell'; upper: number }[] = [];
      const inBand = bufferOnly?.symbols.has(symbol) === true;
      if (inBand && !bufferOnly?.accounts.has(a)) return;
      const sides = inBand ? 'sell' : (sidesByAccount[a] ?? 'both');
      if (!doNotBuy.has(symbol) && sides !== 'sell') {
        const upper = Math.max(account.value.toNumber(), 0) / p;
        legs.push({ side: 'buy', upper: whole ? Math.floor(upper) : upper });
      }
      if (!doNotSell.has(symbol) && held.gt(0) && sides !== 'buy') {
        legs.push({ side: 'sell', upper: whole ? held.floor().toNumber() : held.toNumber() });
      }
      for (const { side, upper } of legs) {
        if (upper <= 0 || upper * p < effectiveMin) continue;
        const name = `${side === 'buy' ? 'b' : 's'}_${a}_${si}`;
        const costPerShare =
          (sigma + TIE_BREAK_COST + (side === 'buy' ? (location?.(a, symbol) ?? 0) : 0)) * p;
        variables.push({ name, kind: whole ? 'integer' : 'continuous', lower: 0, upper, cost: costPerShare });
        legVariables.push({ name, accountIndex: a, symbol, side });
        legFloor.set(name, { price: p, minimum: effectiveMin });
        // The tax of a sale, lot by lot: s = Σ t_k with t_k ≤ the k-th piece's shares at its cost.
        const curve = side === 'sell' ? taxCurves.get(`${a}/${symbol}`) : undefined;
        if (curve !== undefined && curve.length > 0) {
          curve.forEach((piece, k) => {
            variables.push({
              name: `t${name}_${k}`,
              kind: 'continuous',
              lower: 0,
              upper: piece.shares,
              cost: piece.taxPerShare,
            });
            if (budget !== undefined) {
              budgetTerms.push({
                variable: `t${name}_${k}`,
                coefficient:
                  budget.kind === 'tax' ? (piece.budgetTaxPerShare ?? 0) : (piece.gainPerShare ?? 0),
              });
            }
          });
          constraints.push({
            name: `tax_${name}`,
            terms: [
              { variable: name, coefficient: 1 },
              ...curve.map((_, k) => ({ variable: `t${name}_${k}`, coefficient: -1 })),
            ],
            // With a budget the pieces must be exactly the shares sold: a loss piece at no tax cost
            // could otherwise be "sold" beyond the sale to make room for gains.
            sense: budget === undefined ? '<=' : '=',
            rhs: 0,
          });
        }
        push(perSymbol, symbol, { variable: name, coefficient: side === 'buy' ? p : -p });
        const cashPerShare =
          side === 'buy' ? -p * (1 + sigma - beta * sigma) : p * (1 - sigma + beta * sigma);
        push(perAccount, a, { variable: name, coefficient: cashPerShare });
        legColumns.push({
          name,
          switchName: needsSwitch ? `y${name}` : undefined,
          accountIndex: a,
          symbol,
          side,
          price: p,
          minimum: effectiveMin,
          upper,
          cashPerShare,
          costPerShare,
          cashMovementPerShare: side === 'buy' ? -p * (1 + sigma) : p * (1 - sigma),
        });
        cashMovement.push({
          variable: name,
          coefficient: side === 'buy' ? -p * (1 + sigma) : p * (1 - sigma),
        });
        turnover.push({ variable: name, coefficient: p });
        if (needsSwitch) {
          const switchName = `y${name}`;
          variables.push({ name: switchName, kind: 'binary', lower: 0, upper: 1, cost: kappa });
          constraints.push({
            name: `on_${name}`,
            terms: [
              { variable: name, coefficient: 1 },
              { variable: switchName, coefficient: -upper },
            ],
            sense: '<=',
            rhs: 0,
          });
          if (minTrade > 0) {
            constraints.push({
              name: `min_${name}`,
              terms: [
                { variable: name, coefficient: p },
                { variable: switchName, coefficient: -effectiveMin },
              ],
              sense: '>=',
              rhs: 0,
            });
          }
          if (kappa > 0) {
            push(perAccount, a, { variable: switchName, coefficient: -kappa * (1 - beta) });
            cashMovement.push({ variable: switchName, coefficient: -kappa });
          }
        }
      }
    });
  });

  // In-band sales that only the buffer allows raise at most the shortfall (one share's value more, so
  // that a whole-share sale and its commission fit): band mode does not become a full rebalance.
  for (const a of bufferOnly?.accounts ?? []) {
    const account = accounts[a];
    if (account === undefined) continue;
    const sells = legVariables.filter(
      (leg) => leg.accountIndex === a && leg.side === 'sell' && bufferOnly?.symbols.has(leg.symbol) === true,
    );
    if (sells.length === 0) continue;
    const shortfall = Math.max(0, beta * account.value.toNumber() - account.cash.toNumber());
    const largestShare = Math.max(...sells.map((leg) => legFloor.get(leg.name)?.price ?? 0));
    constraints.push({
      name: `bufonly_${a}`,
      terms: sells.map((leg) => ({ variable: leg.name, coefficient: legFloor.get(leg.name)?.price ?? 0 })),
      sense: '<=',
      rhs: shortfall * (1 + sigma) + kappa * sells.length + largestShare + Math.max(minTrade, 0),
    });
  }
  if (budget !== undefined && budgetTerms.length > 0) {
    constraints.push({ name: 'gainsbudget', terms: budgetTerms, sense: '<=', rhs: budget.limit });
  }
  const currentValue = new Map(before.rows.map((row) => [row.symbol, Number(row.marketValue)]));
  for (const [symbol, terms] of perSymbol) {
    const si = tradable.indexOf(symbol);
    const gap = (targetBySymbol.get(symbol) ?? 0) * V - (currentValue.get(symbol) ?? 0);
    if (towardTargetOnly && bufferOnly?.symbols.has(symbol) !== true) {
      // Band mode moves every out-of-band holding toward its target and never past its mirror image:
      // the net household trade has the sign of the gap and at most twice its size, so |drift| never
      // grows (issue 3's band-mode property). Full mode may sell an underweight holding to fund a
      // more underweight one or the buffer, which lowers the total distance.
      constraints.push({ name: `dirlo_${si}`, terms, sense: '>=', rhs: Math.min(0, 2 * gap) });
      constraints.push({ name: `dirhi_${si}`, terms, sense: '<=', rhs: Math.max(0, 2 * gap) });
    }
    variables.push({ name: `dp_${si}`, kind: 'continuous', lower: 0, upper: Infinity, cost: 1 });
    variables.push({ name: `dm_${si}`, kind: 'continuous', lower: 0, upper: Infinity, cost: 1 });
    constraints.push({
      name: `dev_${si}`,
      terms: [...terms, { variable: `dp_${si}`, coefficient: -1 }, { variable: `dm_${si}`, coefficient: 1 }],
      sense: '=',
      rhs: gap,
    });
  }
  // In a one-way plan (a withdrawal raised selling only, a deposit invested buying only) cash is a
  // holding too: its distance from its target (1 − Σ targets, usually 0) counts like any symbol's, so
  // that the plan sells what the withdrawal needs and no more instead of parking the proceeds of every
  // overweight holding in cash. Partial mode counts it too: its few symbols are chosen to reduce the
  // household's drift with few trades, and selling an overweight holding only to park the proceeds in
  // cash moves the drift without reducing it (while paying costs and tax). Band mode leaves it out:
  // its out-of-band sales must be free to land in cash (the band says so); in full mode every dollar
  // not in a symbol is cash anyway.
  let cashGap: number | undefined;
  if (
    (sidesByAccount.some((sides) => sides !== 'both') || policy.mode === 'partial') &&
    cashMovement.length > 0
  ) {
    const cashTarget = Math.max(0, 1 - sumOf([...targetBySymbol.values()])) * V;
    const cashNow = accounts.reduce((sum, account) => sum + account.cash.toNumber(), 0);
    cashGap = cashTarget - cashNow;
    variables.push({ name: 'cp', kind: 'continuous', lower: 0, upper: Infinity, cost: 1 });
    variables.push({ name: 'cm', kind: 'continuous', lower: 0, upper: Infinity, cost: 1 });
    constraints.push({
      name: 'cashdev',
      terms: [...cashMovement, { variable: 'cp', coefficient: -1 }, { variable: 'cm', coefficient: 1 }],
      sense: '=',
      rhs: cashTarget - cashNow,
    });
  }
  for (const [a, terms] of perAccount) {
    const account = accounts[a] as AccountState;
    constraints.push({
      name: `cash_${a}`,
      terms,
      sense: '>=',
      rhs: beta * account.value.toNumber() - account.cash.toNumber(),
    });
  }
  // Tie-breaker: the L1 distance is indifferent to how a sum of money is split between several
  // underweight symbols (every dollar closes one dollar of distance), so add the largest relative
  // miss `max_i |D_i| / (t_i V)` at a weight that makes a dollar of it worth at most a thousandth of
  // a dollar of distance: it splits money in proportion to the targets and never overrides a real gain.
  const positiveTargets = [...perSymbol.keys()].filter((symbol) => (targetBySymbol.get(symbol) ?? 0) > 0);
  if (positiveTargets.length > 1) {
    const smallest = Math.min(...positiveTargets.map((symbol) => targetBySymbol.get(symbol) ?? 1));
    variables.push({
      name: 'relmax',
      kind: 'continuous',
      lower: 0,
      upper: Infinity,
      cost: 1e-3 * V * smallest,
    });
    for (const symbol of positiveTargets) {
      const si = tradable.indexOf(symbol);
      constraints.push({
        name: `rel_${si}`,
        terms: [
          { variable: `dp_${si}`, coefficient: 1 },
          { variable: `dm_${si}`, coefficient: 1 },
          { variable: 'relmax', coefficient: -(targetBySymbol.get(symbol) ?? 0) * V },
        ],
        sense: '<=',
        rhs: 0,
      });
    }
  }
  if (policy.maxTurnover !== null && turnover.length > 0) {
    constraints.push({ name: 'turnover', terms: turnover, sense: '<=', rhs: 2 * policy.maxTurnover * V });
  }

  // A plan within half a basis point of the household's value of the best possible distance is as
  // good as the best: bands are hundreds of basis points wide and one share is often worth more.
  const program: LinearProgram = { variables, constraints, absoluteGap: MIP_ABSOLUTE_GAP_OF_VALUE * V };
  const gap = new Map(
    [...perSymbol.keys()].map((symbol) => [
      symbol,
      (targetBySymbol.get(symbol) ?? 0) * V - (currentValue.get(symbol) ?? 0),
    ]),
  );
  const cashFloor = new Map(
    [...perAccount.keys()].map((a) => {
      const account = accounts[a] as AccountState;
      return [a, beta * account.value.toNumber() - account.cash.toNumber()];
    }),
  );
  const solution = solveRelaxAndFix(
    program,
    {
      legs: legColumns,
      wholeShares: whole,
      cashFloor,
      commissionInCash: kappa * (1 - beta),
      commission: kappa,
      gap,
      cashGap,
    },
    solver,
    relaxAndFix,
  );
  if (solution.status !== 'optimal' && solution.status !== 'feasible') {
    const short = accounts
      .filter((account) => account.cash.lt(account.value.times(String(beta))))
      .map((a) => a.id);
    const withBudget = budget !== undefined && budgetTerms.length > 0 ? ', gainsBudget' : '';
    throw new InfeasiblePlanError(
      short.length > 0
        ? `policy.cashBuffer in account(s) ${short.join(', ')} together with minTradeValue, maxTurnover${withBudget} and wholeShares`
        : `the policy${withBudget === '' ? '' : ' (with its gainsBudget)'}`,
      solution.detail,
    );
  }

  if (solution.status === 'feasible') notes.push(solution.detail);
  const grid = whole ? 0 : FRACTIONAL_DIGITS;
  return legVariables.flatMap((leg): Leg[] => {
    const raw = solution.values.get(leg.name) ?? 0;
    let quantity = new Decimal(String(raw)).toDecimalPlaces(grid, Decimal.ROUND_HALF_EVEN);
    if (leg.side === 'sell') {
      // A sale rounded down would raise less cash than the model counted on: round it up instead
      // (unless the solver's value is on the grid already, up to its own noise).
      const unit = new Decimal(10).pow(-grid);
      if (new Decimal(String(raw)).minus(quantity).gt(unit.times(1e-6))) quantity = quantity.plus(unit);
      const held = (accounts[leg.accountIndex] as AccountState).quantities.get(leg.symbol) ?? new Decimal(0);
      if (quantity.gt(held)) quantity = held;
    }
    const value = quantity.times(priceOf(price, leg.symbol));
    if (quantity.lte(0) || value.lt(policy.minTradeValue)) return [];
    return [{ ...leg, quantity }];
  });
}

/**
 * Rounding the solver's quantities to the share grid (and dropping trades that fell below the
 * minimum) can leave an account a few cents under its buffer; trim its largest buys until the
 * exact decimal check holds, dropping a buy that falls below the minimum trade value.
 */
function repairCash(
  legs: Leg[],
  accounts: readonly AccountState[],
  price: ReadonlyMap<string, Decimal>,
  policy: PortfolioFile['policy'],
): Leg[] {
  const step = policy.wholeShares ? new Decimal(1) : new Decimal(10).pow(-FRACTIONAL_DIGITS);
  const buffer = new Decimal(String(policy.cashBuffer));
  const spread = new Decimal(String(policy.costs.spreadBps)).dividedBy(10_000);
  let kept = legs;
  accounts.forEach((account, a) => {
    for (;;) {
      const shortfall = bufferShortfall(kept, a, account, price, policy);
      if (shortfall.lte(0)) return;
      const buys = kept
        .filter((leg) => leg.accountIndex === a && leg.side === 'buy')
        .sort((x, y) =>
          y.quantity.times(priceOf(price, y.symbol)).comparedTo(x.quantity.times(priceOf(price, x.symbol))),
        );
      const largest = buys[0];
      if (largest === undefined) {
        // No buy to trim: the account is short by the solver's tolerance on a sale (fractions of a
        // cent). Sell a little more of its largest sale, within what it holds.
        const sale = kept
          .filter((leg) => leg.accountIndex === a && leg.side === 'sell')
          .sort((x, y) =>
            y.quantity.times(priceOf(price, y.symbol)).comparedTo(x.quantity.times(priceOf(price, x.symbol))),
          )[0];
        const held = sale === undefined ? undefined : account.quantities.get(sale.symbol);
        if (sale !== undefined && held !== undefined) {
          const p = priceOf(price, sale.symbol);
          const perUnit = p.times(new Decimal(1).minus(spread).plus(buffer.times(spread)));
          const units = shortfall.dividedBy(perUnit).dividedBy(step).ceil().times(step);
          if (sale.quantity.plus(units).lte(held)) {
            sale.quantity = sale.quantity.plus(units);
            continue;
          }
        }
        throw new InfeasiblePlanError(
          `policy.cashBuffer in account "${account.id}"`,
          `short by ${money(shortfall)} after rounding to the share grid, with no buy left to trim`,
        );
      }
      const p = priceOf(price, largest.symbol);
      const perUnit = p.times(new Decimal(1).plus(spread).minus(buffer.times(spread)));
      const units = shortfall.dividedBy(perUnit).dividedBy(step).ceil().times(step);
      const remaining = largest.quantity.minus(units);
      if (remaining.lte(0) || remaining.times(p).lt(policy.minTradeValue)) {
        kept = kept.filter((leg) => leg !== largest);
      } else {
        largest.quantity = remaining;
      }
    }
  });
  return kept;
}

/** `buffer × value after − cash after` for one account, exact; ≤ 0 when the buffer holds. */
function bufferShortfall(
  legs: readonly Leg[],
  accountIndex: number,
  account: AccountState,
  price: ReadonlyMap<string, Decimal>,
  policy: PortfolioFile['policy'],
): Decimal {
  const after = settle(legs, accountIndex, account, price, policy);
  return new Decimal(String(policy.cashBuffer)).times(after.value).minus(after.cash);
}

/** Cash, value and costs of one account after its legs, at mid prices, exactly. */
function settle(
  legs: readonly Leg[],
  accountIndex: number,
  account: AccountState,
  price: ReadonlyMap<string, Decimal>,
  policy: PortfolioFile['policy'],
): { cash: Decimal; value: Decimal; spread: Decimal; commission: Decimal; quantities: Map<string, Decimal> } {
  const spreadRate = new Decimal(String(policy.costs.spreadBps)).dividedBy(10_000);
  let cash = account.cash;
  let spread = new Decimal(0);
  let commission = new Decimal(0);
  const quantities = new Map(account.quantities);
  for (const leg of legs) {
    if (leg.accountIndex !== accountIndex) continue;
    const gross = leg.quantity.times(priceOf(price, leg.symbol));
    const held = quantities.get(leg.symbol) ?? new Decimal(0);
    quantities.set(leg.symbol, leg.side === 'buy' ? held.plus(leg.quantity) : held.minus(leg.quantity));
    cash = leg.side === 'buy' ? cash.minus(gross) : cash.plus(gross);
    spread = spread.plus(gross.times(spreadRate));
    commission = commission.plus(policy.costs.commission);
  }
  cash = cash.minus(spread).minus(commission);
  const value = [...quantities].reduce(
    (sum, [symbol, quantity]) => sum.plus(quantity.times(priceOf(price, symbol))),
    cash,
  );
  return { cash, value, spread, commission, quantities };
}

function report(input: {
  portfolio: PortfolioFile;
  asOf: string;
  accounts: readonly AccountState[];
  price: ReadonlyMap<string, Decimal>;
  before: DriftReport;
  triggers: readonly Trigger[];
  holds: readonly PlanHold[];
  outOfBand: ReadonlySet<string>;
  legs: readonly Leg[];
  shouldTrade: boolean;
  bandsSet: boolean;
  solverNotes: readonly string[];
  /** Partial mode: the symbols with the largest drifts, the only ones it may trade. */
  partialSymbols: readonly string[] | undefined;
}): RebalancePlan {
  const { portfolio, accounts, price, before, triggers, legs } = input;
  const policy = portfolio.policy;
  const driftBySymbol = new Map(before.rows.map((row) => [row.symbol, row]));

  const orders: PlanOrder[] = [];
  accounts.forEach((account, a) => {
    const mine = legs
      .filter((leg) => leg.accountIndex === a)
      .sort((x, y) => (x.side === y.side ? (x.symbol < y.symbol ? -1 : 1) : x.side === 'sell' ? -1 : 1));
    for (const leg of mine) {
      const p = priceOf(price, leg.symbol);
      orders.push({
        account: account.id,
        symbol: leg.symbol,
        side: leg.side,
        quantity: toDecimalString(leg.quantity),
        estimatedPrice: toDecimalString(p),
        estimatedValue: toDecimalString(leg.quantity.times(p)),
        reason: reasonFor(leg, account.id, driftBySymbol.get(leg.symbol), policy.mode),
      });
    }
  });

  const settled = accounts.map((account, a) => settle(legs, a, account, price, policy));
  const afterHoldings: Holdings[] = settled.map((s) => ({
    cash: toDecimalString(s.cash),
    positions: [...s.quantities].map(([symbol, quantity]) => ({
      symbol,
      quantity: toDecimalString(quantity),
    })),
  }));
  const quotes = new Map(
    [...price].map(([symbol, p]) => [
      symbol,
      { symbol, price: toDecimalString(p), asOf: input.asOf, source: 'plan' },
    ]),
  );
  const after = computeDrift(valuePortfolio(aggregateAccounts(afterHoldings), quotes), portfolio.targets);
  const spread = settled.reduce((sum, s) => sum.plus(s.spread), new Decimal(0));
  const commission = settled.reduce((sum, s) => sum.plus(s.commission), new Decimal(0));
  const traded = legs.reduce(
    (sum, leg) => sum.plus(leg.quantity.times(priceOf(price, leg.symbol))),
    new Decimal(0),
  );
  const turnover = traded.dividedBy(new Decimal(before.totalValue).times(2)).toNumber();

  const plan: Omit<RebalancePlan, 'explanation'> = {
    portfolioId: portfolio.id,
    asOf: input.asOf,
    value: {
      total: before.totalValue,
      accounts: accounts.map((account) => ({
        account: account.id,
        type: account.type,
        cash: toDecimalString(account.cash),
        value: toDecimalString(account.value),
      })),
    },
    drift: {
      rows: before.rows.map((row) => ({
        symbol: row.symbol,
        currentWeight: row.currentWeight,
        targetWeight: row.targetWeight,
        drift: row.drift,
        relativeDrift: row.relativeDrift,
        outOfBand: input.outOfBand.has(row.symbol),
      })),
      cashWeight: before.cash.weight,
      portfolioDrift: before.portfolioDrift,
    },
    triggers,
    holds: input.holds,
    sleeves: input.portfolio.sleeves.map((sleeve) => {
      const { currentWeight, targetWeight } = sleeveWeights(before, sleeve);
      return {
        sleeve: sleeve.name,
        symbols: sleeve.symbols,
        currentWeight,
        targetWeight,
        drift: currentWeight - targetWeight,
        afterWeight: sleeveWeights(after, sleeve).currentWeight,
      };
    }),
    orders,
    after: {
      total: after.totalValue,
      accounts: accounts.map((account, a) => ({
        account: account.id,
        type: account.type,
        cash: toDecimalString((settled[a] as { cash: Decimal }).cash),
        value: toDecimalString((settled[a] as { value: Decimal }).value),
      })),
      weights: after.rows.map((row) => ({
        symbol: row.symbol,
        weight: row.currentWeight,
        targetWeight: row.targetWeight,
      })),
      cashWeight: after.cash.weight,
      portfolioDrift: after.portfolioDrift,
    },
    costs: {
      commission: toDecimalString(commission),
      spread: toDecimalString(spread),
      total: toDecimalString(commission.plus(spread)),
    },
    turnover,
  };
  return { ...plan, explanation: explain(plan, input) };
}

function reasonFor(
  leg: Leg,
  account: string,
  row: DriftReport['rows'][number] | undefined,
  mode: PortfolioFile['policy']['mode'],
): string {
  const current = row?.currentWeight ?? 0;
  const target = row?.targetWeight ?? 0;
  const where = `${pct(current)} of the household against a ${pct(target)} target`;
  const band = mode === 'band' ? ', outside its band' : '';
  if (leg.side === 'sell') {
    if (target === 0) return `${leg.symbol} is held without a target`;
    if (current > target) return `${leg.symbol} is overweight${band}: ${where}`;
    return `raises cash in ${account} (buffer or cash flow); ${leg.symbol} is ${where}`;
  }
  if (current < target) return `${leg.symbol} is underweight${band}: ${where}`;
  return `keeps ${leg.symbol} at target in ${account} while it is sold elsewhere; ${where}`;
}

function explain(
  plan: Omit<RebalancePlan, 'explanation'>,
  input: {
    portfolio: PortfolioFile;
    accounts: readonly AccountState[];
    price: ReadonlyMap<string, Decimal>;
    shouldTrade: boolean;
    bandsSet: boolean;
    solverNotes: readonly string[];
    partialSymbols: readonly string[] | undefined;
  },
): string[] {
  const policy = input.portfolio.policy;
  const lines: string[] = [
    `Household ${plan.portfolioId} is worth ${money(new Decimal(plan.value.total))} at prices of ${plan.asOf} ` +
      `across ${plan.value.accounts.length} account(s); portfolio drift is ${pct(plan.drift.portfolioDrift)}.`,
  ];
  for (const trigger of plan.triggers) {
    if (trigger.kind === 'absolute-band') {
      lines.push(
        `${trigger.symbol} is at ${pct(trigger.currentWeight)} against a ${pct(trigger.targetWeight)} target: ` +
          `${pct(Math.abs(trigger.drift))} ${trigger.drift > 0 ? 'over' : 'under'}, beyond the ${pct(trigger.band)} absolute band.`,
      );
    } else if (trigger.kind === 'relative-band') {
      lines.push(
        trigger.relativeDrift === null
          ? `${trigger.symbol} is held (${pct(trigger.currentWeight)}) without a target, beyond any relative band.`
          : `${trigger.symbol} is ${pct(Math.abs(trigger.relativeDrift))} ${trigger.relativeDrift > 0 ? 'above' : 'below'} ` +
              `its target in relative terms, beyond the ${pct(trigger.band)} relative band.`,
      );
    } else if (trigger.kind === 'sleeve-band') {
      lines.push(
        `Sleeve ${trigger.sleeve} (${trigger.symbols.join(', ')}) is at ${pct(trigger.currentWeight)} against ` +
          `${pct(trigger.targetWeight)}, beyond its ${pct(trigger.band.width)} ${trigger.band.kind} band.`,
      );
    } else if (trigger.kind === 'calendar') {
      lines.push(
        `The ${trigger.frequency} rebalance scheduled for ${trigger.scheduled} is due ` +
          (trigger.lastRebalance === null
            ? '(no earlier rebalance is recorded).'
            : `(the last rebalance was on ${trigger.lastRebalance}).`),
      );
    } else if (trigger.kind === 'cash-buffer') {
      lines.push(
        `Account ${trigger.account} holds ${money(new Decimal(trigger.cash))} in cash, below its buffer of ${trigger.required}.`,
      );
    } else {
      const amount = new Decimal(trigger.amount);
      lines.push(
        amount.gt(0)
          ? `A deposit of ${money(amount)} into ${trigger.account} is included in the plan.`
          : `A withdrawal of ${money(amount.negated())} from ${trigger.account} is raised by the plan.`,
      );
    }
  }
  for (const hold of plan.holds) {
    lines.push(
      hold.kind === 'cooldown'
        ? `A cooldown of ${hold.cooldownDays} day(s) after the rebalance of ${hold.lastRebalance} holds back ` +
            `the ${[...new Set(hold.heldBack)].join(', ')} trigger(s) until ${hold.until}.`
        : `The orders would remove ${hold.driftRemoved} of drift, worth ${hold.benefit} at the policy's rate, ` +
            `less than ${hold.minRatio} times their cost of ${hold.cost}: the plan does not trade.`,
    );
  }
  if (!input.shouldTrade) {
    lines.push(
      input.bandsSet
        ? 'No trigger fired (every holding is within its bands and no cash flow is pending), so there are no orders.'
        : 'Band mode without any band configured: nothing is out of band, so there are no orders.',
    );
  } else if (!input.bandsSet) {
    lines.push('No band is configured, so the household is rebalanced to target unconditionally.');
  }
  const restricted = [
    ...policy.restrictions.halted.map(
      (symbol) => `${symbol} is halted: it is never traded, and the plan leaves it as it is.`,
    ),
    ...policy.restrictions.doNotBuy.map(
      (symbol) => `${symbol} is on the do-not-buy list: it is only ever sold.`,
    ),
    ...policy.restrictions.doNotSell.map(
      (symbol) => `${symbol} is on the do-not-sell list: it is only ever bought.`,
    ),
  ];
  lines.push(...restricted);

  if (input.shouldTrade && input.partialSymbols !== undefined) {
    lines.push(
      `Partial mode trades only the ${input.partialSymbols.length} largest drift(s): ` +
        `${input.partialSymbols.join(', ') || 'none'}; cash counts as a holding, so a sale is made only ` +
        `where its proceeds close a drift (a purchase among them, a withdrawal or a buffer), not to park them in cash.`,
    );
  }
  if (input.shouldTrade) {
    const sells = plan.orders.filter((order) => order.side === 'sell').length;
    lines.push(
      plan.orders.length === 0
        ? 'No order improves on the current holdings by more than it would cost under the policy.'
        : `${plan.orders.length} order(s) (${sells} sell(s), ${plan.orders.length - sells} buy(s)), turnover ` +
            `${pct(plan.turnover)}, costing ${money(new Decimal(plan.costs.total))}; portfolio drift goes from ` +
            `${pct(plan.drift.portfolioDrift)} to ${pct(plan.after.portfolioDrift)}.`,
    );
    if (policy.maxTurnover !== null && plan.turnover >= policy.maxTurnover - 1e-6) {
      lines.push(`The turnover cap of ${pct(policy.maxTurnover)} limits the plan.`);
    }
    if (policy.wholeShares) {
      const halted = new Set(policy.restrictions.halted);
      const doNotBuy = new Set(policy.restrictions.doNotBuy);
      const buyable = input.portfolio.targets
        .filter((target) => target.weight > 0 && !halted.has(target.symbol) && !doNotBuy.has(target.symbol))
        .map((target) => ({ symbol: target.symbol, price: priceOf(input.price, target.symbol) }))
        .sort((x, y) => x.price.comparedTo(y.price));
      const cheapest = buyable[0];
      plan.after.accounts.forEach((account) => {
        const spare = new Decimal(account.cash).minus(
          new Decimal(account.value).times(String(policy.cashBuffer)),
        );
        if (cheapest !== undefined && spare.gt(0) && spare.lt(cheapest.price)) {
          const boughtHere = plan.orders.some(
            (order) => order.account === account.account && order.side === 'buy',
          );
          if (!boughtHere && spare.gte(1)) {
            lines.push(
              `Account ${account.account} keeps ${money(spare)} above its buffer in cash: less than one whole share of ` +
                `the cheapest target it may buy (${cheapest.symbol} at ${money(cheapest.price)}).`,
            );
          }
        }
      });
    }
  }
  for (const note of input.solverNotes) {
    lines.push(`${note}: the orders keep every constraint of the policy, but a closer plan may exist.`);
  }
  return lines;
}

function sumOf(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function pct(weight: number): string {
  return `${(weight * 100).toFixed(2)}%`;
}

/** Money for sentences: two decimals, rounded half-even (the exact values are in the plan's fields). */
function money(value: Decimal): string {
  return value.toFixed(2, Decimal.ROUND_HALF_EVEN);
}
