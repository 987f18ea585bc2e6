import { type Decimal, addExact, parseDecimal, toDecimalString } from './decimal';
import { PortfolioDomainError } from './errors';
import { sumFloats } from './float-sum';
import { type Holdings, type TargetWeight } from './holdings';
import { compareSymbols } from './symbol-order';
import { TARGET_SUM_TOLERANCE } from './targets';

/**
 * The household portfolio file read by `ballast plan` (JSON or YAML) and, later, written by the
 * ledger: accounts with cash and tax lots, recent transactions, household-level target weights and
 * the rebalancing policy. This module validates an already-parsed document (`unknown`) in plain
 * TypeScript rather than with zod, because domain libraries depend on nothing but other domain libs
 * and pure arithmetic packages (DESIGN.md, Shape): the same checks then serve the CLI, the services
 * and the backtester, and file formats (JSON, YAML) stay the caller's business.
 */

/** Tax treatment of an account; mirrors `ACCOUNT_TYPES` of the portfolio.state contract. */
export const PORTFOLIO_ACCOUNT_TYPES = ['taxable', 'traditional', 'roth'] as const;
export type PortfolioAccountType = (typeof PORTFOLIO_ACCOUNT_TYPES)[number];

/**
 * Planning modes: `full` trades every holding toward its target; `band` only the holdings outside
 * their bands (to the target or to the band's edge, `bandTarget`); `cash-flow` invests a deposit
 * buying only, or raises a withdrawal selling only, reducing drift on the way; `partial` trades only
 * the `partialSymbols` holdings with the largest absolute drift.
 */
export const PLAN_MODES = ['full', 'band', 'cash-flow', 'partial'] as const;
export type PlanMode = (typeof PLAN_MODES)[number];

/** Where band mode takes an out-of-band holding: back to its target, or just inside its band. */
export const BAND_TARGETS = ['target', 'edge'] as const;
export type BandTarget = (typeof BAND_TARGETS)[number];

export const CALENDAR_FREQUENCIES = ['monthly', 'quarterly', 'annually'] as const;
export type CalendarFrequency = (typeof CALENDAR_FREQUENCIES)[number];

/** A rebalance scheduled every month, quarter (Jan, Apr, Jul, Oct) or year (January), on a day of the month. */
export interface CalendarPolicy {
  readonly frequency: CalendarFrequency;
  /** 1-31; in a shorter month, its last day. */
  readonly day: number;
}

/** Bands of one symbol or sleeve; a field left out inherits the policy-wide band, `null` switches it off. */
export interface BandOverride {
  readonly absolute: number | null;
  readonly relative: number | null;
}

/**
 * Policy fields of the tax engine (`lotMethod`, `taxRates`, `lossLimit`, `carryForward`, `harvest`,
 * `identical`, `substitutes`, `gainsBudget`, `avoidShortTermDays`), kept as written: the tax library
 * validates them, so that this model does not duplicate its rules.
 */
export const TAX_POLICY_FIELDS = [
  'lotMethod',
  'taxRates',
  'lossLimit',
  'carryForward',
  'harvest',
  'identical',
  'substitutes',
  'gainsBudget',
  'avoidShortTermDays',
  'assetClasses',
  'locationRanking',
] as const;

export interface TaxLot {
  readonly symbol: string;
  /** Positive canonical decimal string. */
  readonly quantity: string;
  /** Total cost of the lot, canonical decimal string ≥ 0. */
  readonly costBasis: string;
  /** `YYYY-MM-DD`. */
  readonly acquired: string;
}

export interface PortfolioAccount {
  readonly id: string;
  readonly type: PortfolioAccountType;
  /** Canonical decimal string ≥ 0. */
  readonly cash: string;
  readonly lots: readonly TaxLot[];
}

export interface PortfolioTransaction {
  readonly account: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly price: string;
  readonly date: string;
}

export interface PortfolioPolicy {
  /**
   * Absolute band as a weight (0.05 = 5 percentage points) and relative band as a fraction of the
   * target, policy-wide, with overrides per symbol and per sleeve (resolved: every field set).
   */
  readonly bands: {
    readonly absolute: number | null;
    readonly relative: number | null;
    readonly symbols: Readonly<Record<string, BandOverride>>;
    readonly sleeves: Readonly<Record<string, BandOverride>>;
  };
  readonly mode: PlanMode;
  /** Band mode only: back to the target (default) or to the nearest edge of the band. */
  readonly bandTarget: BandTarget;
  /** Partial mode only: how many of the largest drifts are traded (default 3). */
  readonly partialSymbols: number;
  /** Calendar trigger, or `null` for none. */
  readonly calendar: CalendarPolicy | null;
  /** Date of the last rebalance (`YYYY-MM-DD`), for the calendar and the cooldown; `null` if never. */
  readonly lastRebalance: string | null;
  /** Days after `lastRebalance` during which band and calendar triggers are held back (default 0). */
  readonly cooldownDays: number;
  /**
   * "Only trade if the expected benefit beats the cost": the plan's orders are kept only when the
   * drift they remove, valued at `driftCostBps` basis points per dollar of one-way drift, is worth at
   * least `minRatio` times their cost. `null` switches the test off (default).
   */
  readonly benefitCost: { readonly driftCostBps: number; readonly minRatio: number } | null;
  readonly wholeShares: boolean;
  /** Canonical decimal string ≥ 0; trades worth less are not made. */
  readonly minTradeValue: string;
  /** Fraction of each account's value that stays in cash after the plan. */
  readonly cashBuffer: number;
  /** Cap on one-way turnover, `(Σ buys + Σ sells) / (2 × total value)`; `null` for none. */
  readonly maxTurnover: number | null;
  readonly costs: {
    /** Per order, canonical decimal string ≥ 0. */
    readonly commission: string;
    /** Half-spread paid on each order's value, in basis points. */
    readonly spreadBps: number;
  };
  readonly restrictions: {
    readonly doNotSell: readonly string[];
    readonly doNotBuy: readonly string[];
    readonly halted: readonly string[];
  };
  /** Pending deposit (positive) or withdrawal (negative), canonical decimal string. */
  readonly cashFlow: string;
  /** Account the cash flow goes into or comes out of; the first account unless given. */
  readonly cashFlowAccount: string;
  /** The tax engine's fields ({@link TAX_POLICY_FIELDS}) as written, for `@ballast/domain-tax` to validate. */
  readonly tax: Readonly<Record<string, unknown>>;
}

/** A named group of symbols whose weights are reported and banded together. */
export interface Sleeve {
  readonly name: string;
  /** Sorted. */
  readonly symbols: readonly string[];
}

export interface PortfolioFile {
  readonly id: string;
  readonly asOf: string | null;
  readonly accounts: readonly PortfolioAccount[];
  readonly transactions: readonly PortfolioTransaction[];
  /** Sorted by symbol; weights sum to 1 within {@link TARGET_SUM_TOLERANCE}. */
  readonly targets: readonly TargetWeight[];
  /** Groups of symbols (asset class, sector, region), from `sleeves` or sleeve-form targets; may be empty. */
  readonly sleeves: readonly Sleeve[];
  readonly policy: PortfolioPolicy;
}

/** Stable machine-readable kinds of problem, for callers that react to one of them. */
export type PortfolioFileIssueCode =
  | 'required'
  | 'wrong-type'
  | 'unknown-field'
  | 'invalid-decimal'
  | 'invalid-date'
  | 'invalid-symbol'
  | 'invalid-value'
  | 'negative-quantity'
  | 'negative-amount'
  | 'duplicate-account'
  | 'duplicate-symbol'
  | 'unknown-account'
  | 'weights-sum';

export interface PortfolioFileIssue {
  /** Field path in the document, e.g. `accounts[0].lots[2].quantity`. */
  readonly path: string;
  readonly code: PortfolioFileIssueCode;
  readonly message: string;
}

/** A portfolio file that does not describe a household; lists every problem with its field path. */
export class InvalidPortfolioFileError extends PortfolioDomainError {
  override readonly name = 'InvalidPortfolioFileError';

  constructor(readonly issues: readonly PortfolioFileIssue[]) {
    super(`Invalid portfolio file: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Same alphabet as the wide prices CSV header, so every file symbol can have a price column. */
const SYMBOL = /^[A-Z0-9.\-^=]{1,20}$/;

type Issues = PortfolioFileIssue[];
type Json = Record<string, unknown>;

/**
 * Validates a parsed portfolio document and returns it normalised: symbols upper-cased, decimals in
 * canonical form, defaults filled in, targets as a sorted list. Every problem is collected before
 * throwing so that a person fixes the file in one pass.
 *
 * @throws InvalidPortfolioFileError naming each bad field by its path: weights not summing to 1,
 *   a negative quantity, a transaction in an unknown account, a price that is not a finite decimal
 *   (`"NaN"`), a symbol listed twice in the targets, unknown fields (typos would otherwise be
 *   silently ignored), and so on.
 */
export function parsePortfolioFile(input: unknown): PortfolioFile {
  const issues: Issues = [];
  const root = object(input, '$', issues);
  if (root === undefined) {
    throw new InvalidPortfolioFileError(issues);
  }
  unknownFields(root, '', ['id', 'asOf', 'accounts', 'transactions', 'targets', 'sleeves', 'policy'], issues);
  const id = nonEmptyString(root['id'], 'id', issues) ?? '';
  const asOf = root['asOf'] === undefined ? null : (date(root['asOf'], 'asOf', issues) ?? null);

  const accounts = parseAccounts(root['accounts'], issues);
  const accountIds = new Set(accounts.map((account) => account.id));
  const transactions = parseTransactions(root['transactions'], accountIds, issues);
  const sleevesFromTargets: Sleeve[] = [];
  const targets = parseTargets(root['targets'], issues, sleevesFromTargets);
  const groups = parseSleeveGroups(root['sleeves'], issues);
  if (groups.length > 0 && sleevesFromTargets.length > 0) {
    issues.push({
      path: 'sleeves',
      code: 'invalid-value',
      message: 'sleeves are already given in targets.sleeves; define them in one place',
    });
  }
  const sleeves = sleevesFromTargets.length > 0 ? sleevesFromTargets : groups;
  const policy = parsePolicy(root['policy'], accounts[0]?.id ?? '', accountIds, issues);
  checkSleeves(sleeves, Object.keys(policy.bands.sleeves), issues);

  if (issues.length > 0) {
    throw new InvalidPortfolioFileError(issues);
  }
  return { id, asOf, accounts, transactions, targets, sleeves, policy };
}

/**
 * One account's holdings for valuation: lots summed per symbol (exactly), sorted by symbol.
 *
 * @throws DecimalPrecisionError if a sum does not fit the decimal type exactly.
 */
export function accountHoldings(account: PortfolioAccount): Holdings {
  const quantities = new Map<string, Decimal>();
  for (const lot of account.lots) {
    const quantity = parseDecimal(lot.quantity);
    if (quantity === undefined) continue;
    const previous = quantities.get(lot.symbol);
    quantities.set(
      lot.symbol,
      previous === undefined
        ? quantity
        : addExact(previous, quantity, `quantity of ${lot.symbol} in ${account.id}`),
    );
  }
  return {
    cash: account.cash,
    positions: [...quantities.entries()]
      .sort(([a], [b]) => compareSymbols(a, b))
      .map(([symbol, quantity]) => ({ symbol, quantity: toDecimalString(quantity) })),
  };
}

function parseAccounts(value: unknown, issues: Issues): PortfolioAccount[] {
  const list = array(value, 'accounts', issues);
  if (list === undefined) return [];
  if (list.length === 0) {
    issues.push({ path: 'accounts', code: 'required', message: 'a household has at least one account' });
  }
  const seen = new Map<string, number>();
  return list.flatMap((raw, index): PortfolioAccount[] => {
    const path = `accounts[${index}]`;
    const account = object(raw, path, issues);
    if (account === undefined) return [];
    unknownFields(account, path, ['id', 'type', 'cash', 'lots'], issues);
    const id = nonEmptyString(account['id'], `${path}.id`, issues) ?? '';
    const first = seen.get(id);
    if (first !== undefined) {
      issues.push({
        path: `${path}.id`,
        code: 'duplicate-account',
        message: `duplicate account id "${id}", already at accounts[${first}]`,
      });
    } else {
      seen.set(id, index);
    }
    const type = oneOf(account['type'], `${path}.type`, PORTFOLIO_ACCOUNT_TYPES, issues) ?? 'taxable';
    const cash = decimal(account['cash'] ?? '0', `${path}.cash`, 'non-negative', issues) ?? '0';
    const lots = (array(account['lots'] ?? [], `${path}.lots`, issues) ?? []).flatMap((rawLot, lotIndex) => {
      const lotPath = `${path}.lots[${lotIndex}]`;
      const lot = object(rawLot, lotPath, issues);
      if (lot === undefined) return [];
      unknownFields(lot, lotPath, ['symbol', 'quantity', 'costBasis', 'acquired'], issues);
      return [
        {
          symbol: symbol(lot['symbol'], `${lotPath}.symbol`, issues) ?? '',
          quantity: decimal(lot['quantity'], `${lotPath}.quantity`, 'positive', issues) ?? '0',
          costBasis: decimal(lot['costBasis'], `${lotPath}.costBasis`, 'non-negative', issues) ?? '0',
          acquired: date(lot['acquired'], `${lotPath}.acquired`, issues) ?? '',
        },
      ];
    });
    return [{ id, type, cash, lots }];
  });
}

function parseTransactions(
  value: unknown,
  accountIds: ReadonlySet<string>,
  issues: Issues,
): PortfolioTransaction[] {
  const list = array(value ?? [], 'transactions', issues) ?? [];
  return list.flatMap((raw, index): PortfolioTransaction[] => {
    const path = `transactions[${index}]`;
    const transaction = object(raw, path, issues);
    if (transaction === undefined) return [];
    unknownFields(transaction, path, ['account', 'symbol', 'side', 'quantity', 'price', 'date'], issues);
    const account = nonEmptyString(transaction['account'], `${path}.account`, issues) ?? '';
    if (account !== '' && !accountIds.has(account)) {
      issues.push({
        path: `${path}.account`,
        code: 'unknown-account',
        message: `unknown account "${account}"; accounts are ${[...accountIds].join(', ')}`,
      });
    }
    return [
      {
        account,
        symbol: symbol(transaction['symbol'], `${path}.symbol`, issues) ?? '',
        side: oneOf(transaction['side'], `${path}.side`, ['buy', 'sell'] as const, issues) ?? 'buy',
        quantity: decimal(transaction['quantity'], `${path}.quantity`, 'positive', issues) ?? '0',
        price: decimal(transaction['price'], `${path}.price`, 'positive', issues) ?? '0',
        date: date(transaction['date'], `${path}.date`, issues) ?? '',
      },
    ];
  });
}

/**
 * Targets in sleeve form, `{ "sleeves": { "equity": { "weight": 0.6, "symbols": { "SPY": 0.7, "EFA": 0.3 } } } }`:
 * each symbol's target is its sleeve's weight times its share of the sleeve (shares sum to 1).
 */
function sleeveTargetEntries(
  value: unknown,
  sleeves: Sleeve[],
  issues: Issues,
): { symbol: unknown; weight: unknown; path: string }[] {
  const map = object(value, 'targets.sleeves', issues) ?? {};
  return Object.entries(map).flatMap(([name, raw]) => {
    const path = `targets.sleeves.${name}`;
    const sleeve = object(raw, path, issues);
    if (sleeve === undefined) return [];
    unknownFields(sleeve, path, ['weight', 'symbols'], issues);
    const weight = fraction(sleeve['weight'], `${path}.weight`, { min: 0, max: 1 }, issues);
    const shares = object(sleeve['symbols'], `${path}.symbols`, issues) ?? {};
    const entries = Object.entries(shares).map(([key, share]) => {
      const sharePath = `${path}.symbols.${key}`;
      const parsedShare = fraction(share, sharePath, { min: 0, max: 1 }, issues);
      return { symbol: key, weight: (weight ?? 0) * (parsedShare ?? 0), path: sharePath, share: parsedShare };
    });
    if (entries.length === 0) {
      issues.push({
        path: `${path}.symbols`,
        code: 'required',
        message: 'a sleeve holds at least one symbol',
      });
    }
    const shareSum = sumFloats(entries.map((entry) => entry.share ?? 0));
    if (
      entries.every((entry) => entry.share !== undefined) &&
      Math.abs(shareSum - 1) > TARGET_SUM_TOLERANCE
    ) {
      issues.push({
        path: `${path}.symbols`,
        code: 'weights-sum',
        message: `shares of a sleeve must sum to 1 (within ${TARGET_SUM_TOLERANCE}), they sum to ${shareSum}`,
      });
    }
    sleeves.push({
      name,
      symbols: entries.map((entry) => entry.symbol.trim().toUpperCase()).sort(compareSymbols),
    });
    return entries.map(({ symbol: key, weight: w, path: entryPath }) => ({
      symbol: key,
      weight: w,
      path: entryPath,
    }));
  });
}

/** The grouping form, `{ "equity": ["SPY", "EFA"], "bonds": ["TLT"] }`, for reporting and sleeve bands. */
function parseSleeveGroups(value: unknown, issues: Issues): Sleeve[] {
  if (value === undefined) return [];
  const map = object(value, 'sleeves', issues) ?? {};
  return Object.entries(map).map(([name, symbols]) => ({
    name,
    symbols: symbolList(symbols, `sleeves.${name}`, issues),
  }));
}

/** Every symbol in at most one sleeve; sleeve bands name known sleeves. */
function checkSleeves(sleeves: readonly Sleeve[], bandSleeves: readonly string[], issues: Issues): void {
  const owner = new Map<string, string>();
  for (const sleeve of sleeves) {
    for (const member of sleeve.symbols) {
      const first = owner.get(member);
      if (first !== undefined) {
        issues.push({
          path: `sleeves.${sleeve.name}`,
          code: 'duplicate-symbol',
          message: `${member} is already in sleeve "${first}"; a symbol belongs to one sleeve`,
        });
      }
      owner.set(member, sleeve.name);
    }
  }
  const names = new Set(sleeves.map((sleeve) => sleeve.name));
  for (const name of bandSleeves) {
    if (!names.has(name)) {
      issues.push({
        path: `policy.bands.sleeves.${name}`,
        code: 'invalid-value',
        message:
          names.size === 0
            ? `no sleeve "${name}": the file defines no sleeves`
            : `no sleeve "${name}"; sleeves are ${[...names].join(', ')}`,
      });
    }
  }
}

/**
 * Targets as `{ "SPY": 0.6 }` (the file's form), `[{ "symbol": "SPY", "weight": 0.6 }]` (the
 * contract's) or `{ "sleeves": { ... } }` (see {@link sleeveTargetEntries}), which also fills `sleeves`.
 */
function parseTargets(value: unknown, issues: Issues, sleeves: Sleeve[] = []): TargetWeight[] {
  let entries: { symbol: unknown; weight: unknown; path: string }[];
  const sleeveForm =
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'sleeves' in value;
  if (sleeveForm) {
    const { sleeves: sleeveMap, ...rest } = value as Json;
    unknownFields(rest, 'targets', ['sleeves'], issues);
    entries = sleeveTargetEntries(sleeveMap, sleeves, issues);
  } else if (Array.isArray(value)) {
    entries = value.map((raw: unknown, index) => {
      const path = `targets[${index}]`;
      const entry = object(raw, path, issues) ?? {};
      return { symbol: entry['symbol'], weight: entry['weight'], path };
    });
  } else {
    const map = object(value, 'targets', issues);
    if (map === undefined) return [];
    entries = Object.entries(map).map(([key, weight]) => ({ symbol: key, weight, path: `targets.${key}` }));
  }
  if (entries.length === 0) {
    issues.push({ path: 'targets', code: 'required', message: 'at least one target weight is required' });
    return [];
  }
  const seen = new Map<string, string>();
  const targets: TargetWeight[] = [];
  let allFinite = true;
  let duplicated = false;
  for (const entry of entries) {
    const parsedSymbol = symbol(
      entry.symbol,
      Array.isArray(value) ? `${entry.path}.symbol` : entry.path,
      issues,
    );
    const weightPath = Array.isArray(value) ? `${entry.path}.weight` : entry.path;
    const weight = entry.weight;
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      allFinite = false;
      issues.push({
        path: weightPath,
        code: 'invalid-value',
        message: `weight must be a finite number, got ${describe(weight)}`,
      });
    } else if (weight < 0) {
      issues.push({
        path: weightPath,
        code: 'invalid-value',
        message: `weight must not be negative, got ${weight}`,
      });
    }
    if (parsedSymbol === undefined) continue;
    const first = seen.get(parsedSymbol);
    if (first !== undefined) {
      duplicated = true;
      issues.push({
        path: entry.path,
        code: 'duplicate-symbol',
        message: `duplicate symbol ${parsedSymbol}, already at ${first}`,
      });
      continue;
    }
    seen.set(parsedSymbol, entry.path);
    targets.push({ symbol: parsedSymbol, weight: typeof weight === 'number' ? weight : Number.NaN });
  }
  // With a duplicate the intended weights are unknown, so their sum would only add noise.
  if (allFinite && !duplicated) {
    const sum = sumFloats(targets.map((target) => target.weight));
    if (Math.abs(sum - 1) > TARGET_SUM_TOLERANCE) {
      issues.push({
        path: 'targets',
        code: 'weights-sum',
        message: `weights must sum to 1 (within ${TARGET_SUM_TOLERANCE}), they sum to ${sum}`,
      });
    }
  }
  return targets.sort((a, b) => compareSymbols(a.symbol, b.symbol));
}

function parsePolicy(
  value: unknown,
  firstAccount: string,
  accountIds: ReadonlySet<string>,
  issues: Issues,
): PortfolioPolicy {
  const policy = object(value ?? {}, 'policy', issues) ?? {};
  unknownFields(
    policy,
    'policy',
    [
      'bands',
      'mode',
      'wholeShares',
      'minTradeValue',
      'cashBuffer',
      'maxTurnover',
      'costs',
      'restrictions',
      'cashFlow',
      'cashFlowAccount',
      'bandTarget',
      'partialSymbols',
      'calendar',
      'lastRebalance',
      'cooldownDays',
      'benefitCost',
      ...TAX_POLICY_FIELDS,
    ],
    issues,
  );
  const bands = object(policy['bands'] ?? {}, 'policy.bands', issues) ?? {};
  unknownFields(bands, 'policy.bands', ['absolute', 'relative', 'symbols', 'sleeves'], issues);
  const absolute = optionalFraction(bands['absolute'], 'policy.bands.absolute', issues);
  const relative = optionalFraction(bands['relative'], 'policy.bands.relative', issues);
  const overrides = (field: 'symbols' | 'sleeves'): Record<string, BandOverride> => {
    const path = `policy.bands.${field}`;
    const map = object(bands[field] ?? {}, path, issues) ?? {};
    const out: Record<string, BandOverride> = {};
    for (const [key, raw] of Object.entries(map)) {
      const name = field === 'symbols' ? (symbol(key, `${path}.${key}`, issues) ?? key) : key;
      const entry = object(raw, `${path}.${key}`, issues) ?? {};
      unknownFields(entry, `${path}.${key}`, ['absolute', 'relative'], issues);
      out[name] = {
        absolute:
          entry['absolute'] === undefined
            ? absolute
            : optionalFraction(entry['absolute'], `${path}.${key}.absolute`, issues),
        relative:
          entry['relative'] === undefined
            ? relative
            : optionalFraction(entry['relative'], `${path}.${key}.relative`, issues),
      };
    }
    return out;
  };
  const costs = object(policy['costs'] ?? {}, 'policy.costs', issues) ?? {};
  unknownFields(costs, 'policy.costs', ['commission', 'spreadBps'], issues);
  const restrictions = object(policy['restrictions'] ?? {}, 'policy.restrictions', issues) ?? {};
  unknownFields(restrictions, 'policy.restrictions', ['doNotSell', 'doNotBuy', 'halted'], issues);

  const cashFlowAccount =
    policy['cashFlowAccount'] === undefined
      ? firstAccount
      : (nonEmptyString(policy['cashFlowAccount'], 'policy.cashFlowAccount', issues) ?? firstAccount);
  if (!accountIds.has(cashFlowAccount) && policy['cashFlowAccount'] !== undefined) {
    issues.push({
      path: 'policy.cashFlowAccount',
      code: 'unknown-account',
      message: `unknown account "${cashFlowAccount}"; accounts are ${[...accountIds].join(', ')}`,
    });
  }
  const maxTurnover =
    policy['maxTurnover'] === undefined || policy['maxTurnover'] === null
      ? null
      : (fraction(
          policy['maxTurnover'],
          'policy.maxTurnover',
          { min: 0, max: 1, minExclusive: true },
          issues,
        ) ?? null);
  return {
    bands: { absolute, relative, symbols: overrides('symbols'), sleeves: overrides('sleeves') },
    mode: oneOf(policy['mode'] ?? 'full', 'policy.mode', PLAN_MODES, issues) ?? 'full',
    bandTarget:
      oneOf(policy['bandTarget'] ?? 'target', 'policy.bandTarget', BAND_TARGETS, issues) ?? 'target',
    partialSymbols: positiveInteger(policy['partialSymbols'] ?? 3, 'policy.partialSymbols', issues) ?? 3,
    calendar: parseCalendar(policy['calendar'], issues),
    lastRebalance:
      policy['lastRebalance'] === undefined || policy['lastRebalance'] === null
        ? null
        : (date(policy['lastRebalance'], 'policy.lastRebalance', issues) ?? null),
    cooldownDays: nonNegativeInteger(policy['cooldownDays'] ?? 0, 'policy.cooldownDays', issues) ?? 0,
    benefitCost: parseBenefitCost(policy['benefitCost'], issues),
    wholeShares: boolean(policy['wholeShares'] ?? true, 'policy.wholeShares', issues) ?? true,
    minTradeValue:
      decimal(policy['minTradeValue'] ?? '0', 'policy.minTradeValue', 'non-negative', issues) ?? '0',
    cashBuffer:
      fraction(
        policy['cashBuffer'] ?? 0,
        'policy.cashBuffer',
        { min: 0, max: 1, maxExclusive: true },
        issues,
      ) ?? 0,
    maxTurnover,
    costs: {
      commission:
        decimal(costs['commission'] ?? '0', 'policy.costs.commission', 'non-negative', issues) ?? '0',
      spreadBps:
        fraction(
          costs['spreadBps'] ?? 0,
          'policy.costs.spreadBps',
          { min: 0, max: 10_000, maxExclusive: true },
          issues,
        ) ?? 0,
    },
    restrictions: {
      doNotSell: symbolList(restrictions['doNotSell'], 'policy.restrictions.doNotSell', issues),
      doNotBuy: symbolList(restrictions['doNotBuy'], 'policy.restrictions.doNotBuy', issues),
      halted: symbolList(restrictions['halted'], 'policy.restrictions.halted', issues),
    },
    cashFlow: decimal(policy['cashFlow'] ?? '0', 'policy.cashFlow', 'any', issues) ?? '0',
    cashFlowAccount,
    tax: Object.fromEntries(
      TAX_POLICY_FIELDS.filter((field) => policy[field] !== undefined).map((field) => [field, policy[field]]),
    ),
  };
}

function parseCalendar(value: unknown, issues: Issues): CalendarPolicy | null {
  if (value === undefined || value === null) return null;
  const calendar = object(value, 'policy.calendar', issues);
  if (calendar === undefined) return null;
  unknownFields(calendar, 'policy.calendar', ['frequency', 'day'], issues);
  const frequency = oneOf(calendar['frequency'], 'policy.calendar.frequency', CALENDAR_FREQUENCIES, issues);
  const day = positiveInteger(calendar['day'] ?? 1, 'policy.calendar.day', issues);
  if (day !== undefined && day > 31) {
    issues.push({
      path: 'policy.calendar.day',
      code: 'invalid-value',
      message: `must be 1 to 31, got ${day}`,
    });
    return null;
  }
  return frequency === undefined || day === undefined ? null : { frequency, day };
}

function parseBenefitCost(value: unknown, issues: Issues): PortfolioPolicy['benefitCost'] {
  if (value === undefined || value === null) return null;
  const entry = object(value, 'policy.benefitCost', issues);
  if (entry === undefined) return null;
  unknownFields(entry, 'policy.benefitCost', ['driftCostBps', 'minRatio'], issues);
  const driftCostBps = fraction(
    entry['driftCostBps'],
    'policy.benefitCost.driftCostBps',
    { min: 0, max: 10_000, minExclusive: true },
    issues,
  );
  const minRatio = fraction(
    entry['minRatio'] ?? 1,
    'policy.benefitCost.minRatio',
    { min: 0, max: 1_000_000 },
    issues,
  );
  return driftCostBps === undefined || minRatio === undefined ? null : { driftCostBps, minRatio };
}

function positiveInteger(value: unknown, path: string, issues: Issues): number | undefined {
  return integerAtLeast(1, value, path, issues);
}

function nonNegativeInteger(value: unknown, path: string, issues: Issues): number | undefined {
  return integerAtLeast(0, value, path, issues);
}

function integerAtLeast(minimum: number, value: unknown, path: string, issues: Issues): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum) return value;
  issues.push({
    path,
    code: typeof value === 'number' ? 'invalid-value' : 'wrong-type',
    message: `expected a whole number of at least ${minimum}, got ${describe(value)}`,
  });
  return undefined;
}

function object(value: unknown, path: string, issues: Issues): Json | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return value as Json;
  }
  issues.push({
    path,
    code: value === undefined ? 'required' : 'wrong-type',
    message: `expected an object, got ${describe(value)}`,
  });
  return undefined;
}

function array(value: unknown, path: string, issues: Issues): unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  issues.push({
    path,
    code: value === undefined ? 'required' : 'wrong-type',
    message: `expected a list, got ${describe(value)}`,
  });
  return undefined;
}

function unknownFields(value: Json, path: string, known: readonly string[], issues: Issues): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      issues.push({
        path: path === '' ? key : `${path}.${key}`,
        code: 'unknown-field',
        message: `unknown field; expected one of ${known.join(', ')}`,
      });
    }
  }
}

function nonEmptyString(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  issues.push({
    path,
    code: value === undefined ? 'required' : 'wrong-type',
    message: `expected a non-empty string, got ${describe(value)}`,
  });
  return undefined;
}

function symbol(value: unknown, path: string, issues: Issues): string | undefined {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (text !== undefined && SYMBOL.test(text)) return text;
  issues.push({
    path,
    code: value === undefined ? 'required' : 'invalid-symbol',
    message: `expected a ticker symbol such as "SPY", got ${describe(value)}`,
  });
  return undefined;
}

function symbolList(value: unknown, path: string, issues: Issues): string[] {
  const list = array(value ?? [], path, issues) ?? [];
  const symbols = list.flatMap((item, index) => symbol(item, `${path}[${index}]`, issues) ?? []);
  return [...new Set(symbols)].sort(compareSymbols);
}

function date(value: unknown, path: string, issues: Issues): string | undefined {
  if (typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    const parsed = new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10);
    if (parsed === value) return value;
  }
  issues.push({
    path,
    code: value === undefined ? 'required' : 'invalid-date',
    message: `expected a date YYYY-MM-DD, got ${describe(value)}`,
  });
  return undefined;
}

function decimal(
  value: unknown,
  path: string,
  sign: 'positive' | 'non-negative' | 'any',
  issues: Issues,
): string | undefined {
  // Numbers are accepted as well as strings because YAML and hand-written JSON use them; they are
  // read through their shortest round-trip text, which is what the person typed for any amount with
  // fewer than 16 significant digits.
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  const parsed = typeof text === 'string' ? parseDecimal(text.trim()) : undefined;
  if (parsed === undefined) {
    issues.push({
      path,
      code: value === undefined ? 'required' : 'invalid-decimal',
      message: `expected a finite decimal such as "1234.56", got ${describe(value)}`,
    });
    return undefined;
  }
  if (sign !== 'any' && parsed.isNegative() && !parsed.isZero()) {
    issues.push({
      path,
      code: path.endsWith('quantity') ? 'negative-quantity' : 'negative-amount',
      message: `must not be negative, got ${describe(value)}`,
    });
    return undefined;
  }
  if (sign === 'positive' && parsed.isZero()) {
    issues.push({ path, code: 'invalid-value', message: `must be positive, got ${describe(value)}` });
    return undefined;
  }
  return toDecimalString(parsed);
}

function fraction(
  value: unknown,
  path: string,
  range: { min: number; max: number; minExclusive?: boolean; maxExclusive?: boolean },
  issues: Issues,
): number | undefined {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (range.minExclusive === true ? value > range.min : value >= range.min) &&
    (range.maxExclusive === true ? value < range.max : value <= range.max);
  if (ok) return value;
  issues.push({
    path,
    code: typeof value === 'number' ? 'invalid-value' : 'wrong-type',
    message: `expected a number in ${range.minExclusive === true ? '(' : '['}${range.min}, ${range.max}${
      range.maxExclusive === true ? ')' : ']'
    }, got ${describe(value)}`,
  });
  return undefined;
}

function optionalFraction(value: unknown, path: string, issues: Issues): number | null {
  if (value === undefined || value === null) return null;
  return fraction(value, path, { min: 0, max: 1 }, issues) ?? null;
}

function boolean(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (typeof value === 'boolean') return value;
  issues.push({ path, code: 'wrong-type', message: `expected true or false, got ${describe(value)}` });
  return undefined;
}

function oneOf<T extends string>(
  value: unknown,
  path: string,
  allowed: readonly T[],
  issues: Issues,
): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  issues.push({
    path,
    code: value === undefined ? 'required' : 'invalid-value',
    message: `expected one of ${allowed.join(', ')}, got ${describe(value)}`,
  });
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : value === undefined ? 'nothing' : typeof value;
}
