import { Decimal } from '@ballast/domain-portfolio';
import { type AccountType, decimal, InvalidTaxInputError } from './household';

/**
 * Asset classes of the default ranking, least tax-efficient first. Source: the Bogleheads wiki,
 * "Tax-efficient fund placement" (https://www.bogleheads.org/wiki/Tax-efficient_fund_placement):
 * bond interest is taxed every year at the full marginal rate, REITs, small-value and high-turnover
 * active funds are tax-inefficient, total-market stock index funds and tax-managed funds are very
 * efficient (low, mostly qualified dividends; few distributed gains), international stock gains the
 * foreign tax credit only in a taxable account, and municipal bonds belong only in a taxable account
 * (their interest is already tax-exempt). "Put tax-inefficient funds into tax-advantaged accounts to
 * the extent possible." The order within a tier is a judgement call; pass your own `ranking` when the
 * yields of the day say otherwise (the wiki notes that very low-yield bonds can be efficient).
 */
export const DEFAULT_TAX_EFFICIENCY_RANKING = [
  'high-yield-bond',
  'reit',
  'active-equity',
  'taxable-bond',
  'tips',
  'commodity',
  'small-cap-value',
  'international-equity',
  'us-equity',
  'tax-managed-equity',
  'municipal-bond',
] as const;

/** Classes that only make sense in a taxable account (tax-exempt income gains nothing from a shelter). */
const TAXABLE_ONLY = new Set(['municipal-bond']);

export interface AssetLocationInput {
  /** Household-level target weights (sum to 1). */
  readonly targets: readonly { readonly symbol: string; readonly weight: number }[];
  /** Symbol -> asset class; every target symbol needs one, and the class must be in the ranking. */
  readonly assetClassOf: ReadonlyMap<string, string>;
  /** The accounts' values (holdings and cash), new money included; decimal strings. */
  readonly accounts: readonly { readonly id: string; readonly type: AccountType; readonly value: string }[];
  /** Asset classes, least tax-efficient first; {@link DEFAULT_TAX_EFFICIENCY_RANKING} by default. */
  readonly ranking?: readonly string[];
}

export interface AssetPlacement {
  readonly symbol: string;
  readonly assetClass: string;
  /** Value of the symbol placed in this account type, decimal string (cents). */
  readonly value: string;
  /** Share of this account type's value, float. */
  readonly weight: number;
}

export interface AssetLocationSuggestion {
  /** Per account type, the symbols it should hold, least tax-efficient first. */
  readonly byAccountType: Readonly<Record<AccountType, readonly AssetPlacement[]>>;
  /** Target symbols, least tax-efficient first (the fill order). */
  readonly order: readonly string[];
}

/** Fill order: tax-deferred first (ordinary income later anyway), then tax-free, then taxable. */
const SHELTERED: readonly AccountType[] = ['traditional', 'roth'];

/**
 * Suggests which account type should hold which asset (issue 6, "Asset location"): the household's
 * target dollars per symbol (weight × total value) are placed from the least to the most tax-efficient
 * class, into tax-deferred accounts first, then Roth, then taxable, so that the least efficient assets
 * sit in tax-advantaged accounts and the most efficient ones in taxable; municipal bonds go to taxable
 * first. An asset may be split across account types at a boundary. Used when placing new money: the
 * weights of an account type are the targets for a deposit into an account of that type
 * ({@link newMoneyTargets}).
 *
 * Simplification: all accounts of one type are one pool (split it per account by value if needed);
 * expected returns and withdrawal plans, which can favour growth assets in a Roth, are not modelled.
 *
 * @throws InvalidTaxInputError for a target without an asset class, a class not in the ranking, a
 *   negative account value or weight, weights that do not sum to 1 (within 1e-6).
 */
export function suggestAssetLocation(input: AssetLocationInput): AssetLocationSuggestion {
  const ranking = input.ranking ?? DEFAULT_TAX_EFFICIENCY_RANKING;
  const rank = new Map(ranking.map((cls, index) => [cls, index]));
  const capacity = new Map<AccountType, Decimal>([
    ['traditional', new Decimal(0)],
    ['roth', new Decimal(0)],
    ['taxable', new Decimal(0)],
  ]);
  input.accounts.forEach((account, i) => {
    const value = decimal(account.value, `accounts[${i}].value`);
    if (value.isNegative())
      throw new InvalidTaxInputError(`accounts[${i}].value`, `must not be negative, got ${account.value}`);
    capacity.set(account.type, (capacity.get(account.type) ?? new Decimal(0)).plus(value));
  });
  const total = [...capacity.values()].reduce((sum, v) => sum.plus(v), new Decimal(0));
  const assets = input.targets.map((target, i) => {
    const assetClass = input.assetClassOf.get(target.symbol);
    if (assetClass === undefined) {
      throw new InvalidTaxInputError(
        `assetClassOf.${target.symbol}`,
        `no asset class for target ${target.symbol}`,
      );
    }
    const position = rank.get(assetClass);
    if (position === undefined) {
      throw new InvalidTaxInputError(
        `assetClassOf.${target.symbol}`,
        `asset class "${assetClass}" is not in the ranking (${ranking.join(', ')})`,
      );
    }
    if (!Number.isFinite(target.weight) || target.weight < 0) {
      throw new InvalidTaxInputError(
        `targets[${i}].weight`,
        `must be a finite number ≥ 0, got ${target.weight}`,
      );
    }
    return {
      ...target,
      assetClass,
      position,
      dollars: total.times(String(target.weight)).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN),
    };
  });
  const weightSum = input.targets.reduce((sum, t) => sum + t.weight, 0);
  if (Math.abs(weightSum - 1) > 1e-6) {
    throw new InvalidTaxInputError('targets', `weights must sum to 1, they sum to ${weightSum}`);
  }
  assets.sort((a, b) => a.position - b.position || a.symbol.localeCompare(b.symbol));

  const placed: Record<AccountType, { symbol: string; assetClass: string; value: Decimal }[]> = {
    traditional: [],
    roth: [],
    taxable: [],
  };
  const take = (type: AccountType, asset: (typeof assets)[number], wanted: Decimal): Decimal => {
    const room = capacity.get(type) ?? new Decimal(0);
    const amount = Decimal.min(room, wanted);
    if (amount.greaterThan(0)) {
      capacity.set(type, room.minus(amount));
      placed[type].push({ symbol: asset.symbol, assetClass: asset.assetClass, value: amount });
    }
    return wanted.minus(amount);
  };
  // Taxable-only classes claim their room in the taxable pool before anything else fills it.
  const taxableOnly = assets.filter((asset) => TAXABLE_ONLY.has(asset.assetClass));
  const leftover = new Map(taxableOnly.map((asset) => [asset.symbol, take('taxable', asset, asset.dollars)]));
  for (const asset of assets) {
    let left = leftover.get(asset.symbol) ?? asset.dollars;
    const order: AccountType[] = TAXABLE_ONLY.has(asset.assetClass)
      ? [...SHELTERED]
      : [...SHELTERED, 'taxable'];
    for (const type of order) {
      if (left.isZero()) break;
      left = take(type, asset, left);
    }
  }
  const pools = new Map<AccountType, Decimal>();
  input.accounts.forEach((account) =>
    pools.set(account.type, (pools.get(account.type) ?? new Decimal(0)).plus(account.value)),
  );
  const toPlacements = (type: AccountType): AssetPlacement[] => {
    const pool = pools.get(type) ?? new Decimal(0);
    // Merge the split parts of one symbol in a type (a taxable-only class placed in two steps).
    const merged = new Map<string, { symbol: string; assetClass: string; value: Decimal }>();
    for (const part of placed[type]) {
      const previous = merged.get(part.symbol);
      merged.set(
        part.symbol,
        previous === undefined ? part : { ...part, value: previous.value.plus(part.value) },
      );
    }
    return [...merged.values()].map((part) => ({
      symbol: part.symbol,
      assetClass: part.assetClass,
      value: part.value.toFixed(2),
      weight: pool.isZero() ? 0 : part.value.dividedBy(pool).toNumber(),
    }));
  };
  return {
    byAccountType: {
      traditional: toPlacements('traditional'),
      roth: toPlacements('roth'),
      taxable: toPlacements('taxable'),
    },
    order: assets.map((asset) => asset.symbol),
  };
}

/** Targets for new money deposited into an account of `type`: the suggestion's weights there. */
export function newMoneyTargets(
  suggestion: AssetLocationSuggestion,
  type: AccountType,
): { readonly symbol: string; readonly weight: number }[] {
  const placements = suggestion.byAccountType[type];
  const sum = placements.reduce((total, p) => total + p.weight, 0);
  return placements.map((p) => ({ symbol: p.symbol, weight: sum === 0 ? 0 : p.weight / sum }));
}
