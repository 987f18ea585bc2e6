import { Decimal, TAX_POLICY_FIELDS } from '@ballast/domain-portfolio';
import { DEFAULT_TAX_EFFICIENCY_RANKING } from './asset-location';
import { LOT_RELIEF_METHODS, type LotReliefMethod } from './lot-relief';

/**
 * The tax fields of a household's policy (issue 6, "Policy fields added to the portfolio file"),
 * validated from the raw `policy` object of a portfolio file (JSON or YAML, already parsed). Only
 * the fields in {@link TAX_POLICY_FIELDS} are read; the others belong to the portfolio parser.
 *
 * Defaults (when a field is absent):
 *  - `lotMethod`: `fifo` for every account (IRS Publication 550: FIFO when shares are not identified);
 *    either one method for all accounts or `{ "<account id>": method, "default": method }`;
 *  - `taxRates`: `{ shortTerm: 0.24, longTerm: 0.15, state: 0 }`, fractions (0.24 = 24%): the 24%
 *    ordinary bracket and the 15% long-term rate of 26 U.S.C. 1(j) and 1(h); set the household's own;
 *  - `lossLimit`: `"3000"` (26 U.S.C. 1211(b); `"1500"` married filing separately);
 *  - `carryForward`: `{ shortTerm: "0", longTerm: "0" }`, losses carried in from earlier years;
 *  - `harvest`: `{ minLossPct: 0.05, minLossAmount: "100" }`: a lot is a harvest candidate when its
 *    loss, net of trading costs, is at least 5% of its basis AND at least 100;
 *  - `identical`: no groups: a symbol is substantially identical only to itself (never guessed);
 *  - `substitutes`: none: `{ "VTI": ["ITOT", "SCHB"] }`, in order of preference;
 *  - `gainsBudget`: none; `"5000"` (realized net gains a year) or
 *    `{ "realizedGains": "5000" | "tax": "1200", "prorate": true }`;
 *  - `avoidShortTermDays`: 30: a short-term lot that turns long-term within this many days is not
 *    sold at a gain by the planner if it can be avoided.
 *
 * `specific` as an account's method means the orders name their lots (the planner chooses them).
 */
// The portfolio file passes these fields through as `policy.tax`; one list serves both libraries.
export { TAX_POLICY_FIELDS };

export interface TaxPolicy {
  /** Relief method per account id; accounts not named use `defaultLotMethod`. */
  readonly lotMethod: ReadonlyMap<string, LotReliefMethod>;
  readonly defaultLotMethod: LotReliefMethod;
  readonly taxRates: { readonly shortTerm: number; readonly longTerm: number; readonly state: number };
  /** Decimal string ≥ 0. */
  readonly lossLimit: string;
  readonly carryForward: { readonly shortTerm: string; readonly longTerm: string };
  readonly harvest: { readonly minLossPct: number; readonly minLossAmount: string };
  /** Groups of substantially identical symbols (upper-case, each symbol in one group at most). */
  readonly identical: readonly (readonly string[])[];
  /** Symbol -> substitutes in order of preference; never identical to the symbol. */
  readonly substitutes: ReadonlyMap<string, readonly string[]>;
  readonly gainsBudget: GainsBudget | null;
  readonly avoidShortTermDays: number;
  /** Symbol -> asset class, for asset location (empty: no location preference). */
  readonly assetClasses: ReadonlyMap<string, string>;
  /** Asset classes, least tax-efficient first ({@link DEFAULT_TAX_EFFICIENCY_RANKING} by default). */
  readonly locationRanking: readonly string[];
}

export interface GainsBudget {
  /** `realized-gains`: net realized gains a year; `tax`: estimated tax a year. */
  readonly kind: 'realized-gains' | 'tax';
  /** Decimal string ≥ 0. */
  readonly amount: string;
  /** Spread over the year: by a date, only the elapsed fraction of the budget is available. */
  readonly prorate: boolean;
}

export interface TaxPolicyIssue {
  /** Field path in the portfolio file, e.g. `policy.identical[1][0]`. */
  readonly path: string;
  readonly message: string;
}

/** Tax policy fields that do not describe a policy; lists every problem with its field path. */
export class InvalidTaxPolicyError extends Error {
  override readonly name = 'InvalidTaxPolicyError';

  constructor(readonly issues: readonly TaxPolicyIssue[]) {
    super(`Invalid tax policy: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }
}

export interface TaxPolicyContext {
  /** The household's account ids: `lotMethod` may name only these. */
  readonly accountIds: readonly string[];
  /**
   * Every symbol the household knows (lots, transactions, targets, the prices file): `identical`
   * and `substitutes` may name only these, so a typo is an error rather than a silent no-op.
   */
  readonly symbols: readonly string[];
  /** Path prefix of the policy object in the document; `policy` unless given. */
  readonly path?: string;
}

export const DEFAULT_TAX_POLICY: TaxPolicy = {
  lotMethod: new Map(),
  defaultLotMethod: 'fifo',
  taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0 },
  lossLimit: '3000',
  carryForward: { shortTerm: '0', longTerm: '0' },
  harvest: { minLossPct: 0.05, minLossAmount: '100' },
  identical: [],
  substitutes: new Map(),
  gainsBudget: null,
  assetClasses: new Map(),
  locationRanking: DEFAULT_TAX_EFFICIENCY_RANKING,
  avoidShortTermDays: 30,
};

type Json = Record<string, unknown>;
type Issues = TaxPolicyIssue[];

/**
 * Validates the tax fields of a raw policy object (`undefined` means "all defaults").
 *
 * @throws InvalidTaxPolicyError naming every bad field by its path: an unknown lot method or account,
 *   a rate outside [0, 1], a negative amount, an identical group naming an unknown symbol or a symbol
 *   already in another group, a substitute that the policy marks identical to its symbol, and so on.
 */
export function parseTaxPolicy(raw: unknown, context: TaxPolicyContext): TaxPolicy {
  const root = context.path ?? 'policy';
  const issues: Issues = [];
  if (raw !== undefined && !isObject(raw)) {
    throw new InvalidTaxPolicyError([{ path: root, message: `expected an object, got ${describe(raw)}` }]);
  }
  const policy: Json = raw ?? {};
  const accounts = new Set(context.accountIds);
  const known = new Set(context.symbols.map((s) => s.toUpperCase()));
  const at = (field: string) => `${root}.${field}`;

  const { methods, fallback } = parseLotMethod(policy['lotMethod'], at('lotMethod'), accounts, issues);
  const taxRates = parseRates(policy['taxRates'], at('taxRates'), issues);
  const lossLimit = amount(policy['lossLimit'] ?? DEFAULT_TAX_POLICY.lossLimit, at('lossLimit'), issues);
  const carry = objectOr(policy['carryForward'], at('carryForward'), ['shortTerm', 'longTerm'], issues);
  const harvestRaw = objectOr(policy['harvest'], at('harvest'), ['minLossPct', 'minLossAmount'], issues);
  const harvest = {
    minLossPct:
      fraction(
        harvestRaw['minLossPct'] ?? DEFAULT_TAX_POLICY.harvest.minLossPct,
        at('harvest.minLossPct'),
        issues,
      ) ?? DEFAULT_TAX_POLICY.harvest.minLossPct,
    minLossAmount: amount(
      harvestRaw['minLossAmount'] ?? DEFAULT_TAX_POLICY.harvest.minLossAmount,
      at('harvest.minLossAmount'),
      issues,
    ),
  };
  const identical = parseIdentical(policy['identical'], at('identical'), known, issues);
  const substitutes = parseSubstitutes(policy['substitutes'], at('substitutes'), known, identical, issues);
  const gainsBudget = parseGainsBudget(policy['gainsBudget'], at('gainsBudget'), issues);
  const days = policy['avoidShortTermDays'] ?? DEFAULT_TAX_POLICY.avoidShortTermDays;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 366) {
    issues.push({
      path: at('avoidShortTermDays'),
      message: `expected a whole number of days from 0 to 366, got ${describe(days)}`,
    });
  }
  const locationRanking = parseRanking(policy['locationRanking'], at('locationRanking'), issues);
  const assetClasses = parseAssetClasses(
    policy['assetClasses'],
    at('assetClasses'),
    known,
    locationRanking,
    issues,
  );
  const carryForward = {
    shortTerm: amount(carry['shortTerm'] ?? '0', at('carryForward.shortTerm'), issues),
    longTerm: amount(carry['longTerm'] ?? '0', at('carryForward.longTerm'), issues),
  };
  if (issues.length > 0) throw new InvalidTaxPolicyError(issues);
  return {
    lotMethod: methods,
    defaultLotMethod: fallback,
    taxRates,
    lossLimit,
    carryForward,
    harvest,
    identical,
    substitutes,
    gainsBudget,
    avoidShortTermDays: days as number,
    assetClasses,
    locationRanking,
  };
}

function parseRanking(value: unknown, path: string, issues: Issues): readonly string[] {
  if (value === undefined) return DEFAULT_TAX_EFFICIENCY_RANKING;
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v !== '')) {
    issues.push({
      path,
      message: `expected a list of asset classes, least tax-efficient first, got ${describe(value)}`,
    });
    return DEFAULT_TAX_EFFICIENCY_RANKING;
  }
  return value as string[];
}

function parseAssetClasses(
  value: unknown,
  path: string,
  known: ReadonlySet<string>,
  ranking: readonly string[],
  issues: Issues,
): ReadonlyMap<string, string> {
  const classes = new Map<string, string>();
  if (value === undefined) return classes;
  if (!isObject(value)) {
    issues.push({ path, message: `expected { SYMBOL: asset class }, got ${describe(value)}` });
    return classes;
  }
  for (const [symbol, assetClass] of Object.entries(value)) {
    const upper = symbol.toUpperCase();
    if (!known.has(upper)) {
      issues.push({ path: `${path}.${symbol}`, message: `unknown symbol "${symbol}"` });
    } else if (typeof assetClass !== 'string' || !ranking.includes(assetClass)) {
      issues.push({
        path: `${path}.${symbol}`,
        message: `expected an asset class of the ranking (${ranking.join(', ')}), got ${describe(assetClass)}`,
      });
    } else {
      classes.set(upper, assetClass);
    }
  }
  return classes;
}

/** The relief method of an account under the policy. */
export function lotMethodOf(policy: TaxPolicy, accountId: string): LotReliefMethod {
  return policy.lotMethod.get(accountId) ?? policy.defaultLotMethod;
}

/**
 * The "substantially identical" key of a symbol under the policy: the first symbol of its group, or
 * the symbol itself. Pass it to {@link findWashSales} as `identityOf`.
 */
export function identityOf(policy: TaxPolicy): (symbol: string) => string {
  const key = new Map<string, string>();
  for (const group of policy.identical) for (const symbol of group) key.set(symbol, group[0] ?? symbol);
  return (symbol) => key.get(symbol.toUpperCase()) ?? symbol.toUpperCase();
}

function parseLotMethod(
  value: unknown,
  path: string,
  accounts: ReadonlySet<string>,
  issues: Issues,
): { methods: Map<string, LotReliefMethod>; fallback: LotReliefMethod } {
  const methods = new Map<string, LotReliefMethod>();
  if (value === undefined) return { methods, fallback: DEFAULT_TAX_POLICY.defaultLotMethod };
  if (typeof value === 'string') {
    return { methods, fallback: method(value, path, issues) ?? DEFAULT_TAX_POLICY.defaultLotMethod };
  }
  if (!isObject(value)) {
    issues.push({
      path,
      message: `expected a lot method or { "<account id>": method }, got ${describe(value)}`,
    });
    return { methods, fallback: DEFAULT_TAX_POLICY.defaultLotMethod };
  }
  let fallback: LotReliefMethod = DEFAULT_TAX_POLICY.defaultLotMethod;
  for (const [key, raw] of Object.entries(value)) {
    const parsed = method(raw, `${path}.${key}`, issues);
    if (key === 'default') {
      fallback = parsed ?? fallback;
    } else if (!accounts.has(key)) {
      issues.push({
        path: `${path}.${key}`,
        message: `unknown account "${key}"; accounts are ${[...accounts].join(', ')} (or "default")`,
      });
    } else if (parsed !== undefined) {
      methods.set(key, parsed);
    }
  }
  return { methods, fallback };
}

function method(value: unknown, path: string, issues: Issues): LotReliefMethod | undefined {
  if (typeof value === 'string' && (LOT_RELIEF_METHODS as readonly string[]).includes(value)) {
    return value as LotReliefMethod;
  }
  issues.push({ path, message: `expected one of ${LOT_RELIEF_METHODS.join(', ')}, got ${describe(value)}` });
  return undefined;
}

function parseRates(value: unknown, path: string, issues: Issues): TaxPolicy['taxRates'] {
  const rates = objectOr(value, path, ['shortTerm', 'longTerm', 'state'], issues);
  const defaults = DEFAULT_TAX_POLICY.taxRates;
  return {
    shortTerm: fraction(rates['shortTerm'] ?? defaults.shortTerm, `${path}.shortTerm`, issues) ?? 0,
    longTerm: fraction(rates['longTerm'] ?? defaults.longTerm, `${path}.longTerm`, issues) ?? 0,
    state: fraction(rates['state'] ?? defaults.state, `${path}.state`, issues) ?? 0,
  };
}

function parseIdentical(
  value: unknown,
  path: string,
  known: ReadonlySet<string>,
  issues: Issues,
): string[][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    issues.push({ path, message: `expected a list of symbol groups, got ${describe(value)}` });
    return [];
  }
  const groupOf = new Map<string, number>();
  return value.flatMap((rawGroup: unknown, g): string[][] => {
    const groupPath = `${path}[${g}]`;
    if (!Array.isArray(rawGroup)) {
      issues.push({ path: groupPath, message: `expected a list of symbols, got ${describe(rawGroup)}` });
      return [];
    }
    const group: string[] = [];
    rawGroup.forEach((raw: unknown, i) => {
      const symbolPath = `${groupPath}[${i}]`;
      const parsed = symbol(raw, symbolPath, known, issues);
      if (parsed === undefined) return;
      const other = groupOf.get(parsed);
      if (other !== undefined) {
        issues.push({
          path: symbolPath,
          message:
            other === g
              ? `${parsed} is listed twice in this group`
              : `${parsed} is already in ${path}[${other}]; merge the groups (being identical is transitive)`,
        });
        return;
      }
      groupOf.set(parsed, g);
      group.push(parsed);
    });
    if (rawGroup.length < 2) {
      issues.push({ path: groupPath, message: 'a group names at least two symbols' });
    }
    return [group];
  });
}

function parseSubstitutes(
  value: unknown,
  path: string,
  known: ReadonlySet<string>,
  identical: readonly (readonly string[])[],
  issues: Issues,
): Map<string, string[]> {
  const result = new Map<string, string[]>();
  if (value === undefined) return result;
  if (!isObject(value)) {
    issues.push({ path, message: `expected { "<symbol>": ["<substitute>", ...] }, got ${describe(value)}` });
    return result;
  }
  const keyOf = new Map<string, string>();
  for (const group of identical) for (const s of group) keyOf.set(s, group[0] ?? s);
  const sameKey = (a: string, b: string) => (keyOf.get(a) ?? a) === (keyOf.get(b) ?? b);
  for (const [rawKey, rawList] of Object.entries(value)) {
    const keyPath = `${path}.${rawKey}`;
    const held = symbol(rawKey, keyPath, known, issues);
    const list = typeof rawList === 'string' ? [rawList] : rawList;
    if (!Array.isArray(list) || list.length === 0) {
      issues.push({
        path: keyPath,
        message: `expected a symbol or a non-empty list of symbols, got ${describe(rawList)}`,
      });
      continue;
    }
    const subs: string[] = [];
    list.forEach((raw: unknown, i) => {
      const subPath = typeof rawList === 'string' ? keyPath : `${keyPath}[${i}]`;
      const sub = symbol(raw, subPath, known, issues);
      if (sub === undefined || held === undefined) return;
      if (sameKey(sub, held)) {
        issues.push({
          path: subPath,
          message:
            sub === held
              ? `${sub} cannot substitute for itself`
              : `${sub} is marked substantially identical to ${held} in identical; buying it would be a wash sale`,
        });
        return;
      }
      if (!subs.includes(sub)) subs.push(sub);
    });
    if (held !== undefined) result.set(held, subs);
  }
  return result;
}

function parseGainsBudget(value: unknown, path: string, issues: Issues): GainsBudget | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number') {
    return { kind: 'realized-gains', amount: amount(value, path, issues), prorate: false };
  }
  const budget = objectOr(value, path, ['realizedGains', 'tax', 'prorate'], issues);
  const hasGains = budget['realizedGains'] !== undefined;
  const hasTax = budget['tax'] !== undefined;
  if (hasGains === hasTax) {
    issues.push({ path, message: 'give exactly one of realizedGains or tax' });
    return null;
  }
  const prorate = budget['prorate'] ?? false;
  if (typeof prorate !== 'boolean') {
    issues.push({ path: `${path}.prorate`, message: `expected true or false, got ${describe(prorate)}` });
  }
  return hasGains
    ? {
        kind: 'realized-gains',
        amount: amount(budget['realizedGains'], `${path}.realizedGains`, issues),
        prorate: prorate === true,
      }
    : { kind: 'tax', amount: amount(budget['tax'], `${path}.tax`, issues), prorate: prorate === true };
}

function objectOr(value: unknown, path: string, known: readonly string[], issues: Issues): Json {
  if (value === undefined) return {};
  if (!isObject(value)) {
    issues.push({ path, message: `expected an object, got ${describe(value)}` });
    return {};
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      issues.push({ path: `${path}.${key}`, message: `unknown field; expected one of ${known.join(', ')}` });
    }
  }
  return value;
}

function symbol(
  value: unknown,
  path: string,
  known: ReadonlySet<string>,
  issues: Issues,
): string | undefined {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (text === undefined || text === '') {
    issues.push({ path, message: `expected a ticker symbol, got ${describe(value)}` });
    return undefined;
  }
  if (!known.has(text)) {
    issues.push({
      path,
      message: `unknown symbol ${text}: not in the household's lots, transactions, targets or prices`,
    });
    return undefined;
  }
  return text;
}

/** Decimal ≥ 0 from a string or a number (YAML writes numbers), returned in canonical form. */
function amount(value: unknown, path: string, issues: Issues): string {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
  if (typeof text === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(text)) {
    const parsed = new Decimal(text.trim());
    if (!parsed.isNegative()) return parsed.toFixed();
    issues.push({ path, message: `must not be negative, got ${describe(value)}` });
    return '0';
  }
  issues.push({ path, message: `expected a decimal amount such as "3000", got ${describe(value)}` });
  return '0';
}

function fraction(value: unknown, path: string, issues: Issues): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value;
  issues.push({ path, message: `expected a fraction from 0 to 1 (0.05 for 5%), got ${describe(value)}` });
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : value === undefined ? 'nothing' : typeof value;
}
