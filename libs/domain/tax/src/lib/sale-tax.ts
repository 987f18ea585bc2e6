import { Decimal } from '@ballast/domain-portfolio';
import { longTermFrom, type HoldingTerm } from './holding-period';
import { type AccountType, daysBetween, decimal, InvalidTaxInputError } from './household';
import { type LotReliefMethod, sellFromLots, type TaxLot } from './lot-relief';
import { type TaxPolicy } from './tax-policy';

/**
 * What a planner needs to put the tax of its sales in its objective (issue 6, "Tax-aware planning").
 *
 * {@link saleTaxSegments}: selling shares of one symbol in one account relieves lots in the account's
 * relief order; each lot is a segment of shares with a constant tax per share, so the tax of selling
 * q shares is piecewise linear in q: Σ over the segments filled of shares × taxPerShare. When
 * taxPerShare does not decrease along the segments (check it: HIFO and tax-minimizing relief often,
 * not always, give that order), the function is convex and a linear program can use one variable per
 * segment without binaries; otherwise the segments must be filled in order (binaries).
 *
 * Marginal rates, as everywhere in this library: a short-term gain at `taxRates.shortTerm`, a long-term
 * gain at `taxRates.longTerm`, both plus `taxRates.state`; a loss saves tax at the same rates (it offsets
 * gains of its character). Sales in IRA and Roth accounts cost no tax.
 */
export interface SaleTaxSegment {
  readonly lotId: string;
  readonly acquiredOn: string;
  /** Shares of this lot sold in this segment. */
  readonly quantity: string;
  readonly costBasis: string;
  /** (price − basis per share): negative for a loss. */
  readonly gainPerShare: string;
  readonly term: HoldingTerm;
  /** gainPerShare × (rate of the term + state rate); 0 outside taxable accounts. */
  readonly taxPerShare: string;
  /**
   * A short-term lot at a gain that turns long-term within `policy.avoidShortTermDays`: the planner
   * should avoid selling it (or add a penalty) until `longTermFrom`.
   */
  readonly longTermSoon: boolean;
  readonly longTermFrom: string;
}

export interface SaleTaxInput {
  readonly accountType: AccountType;
  /** The account's lots of the symbol being sold. */
  readonly lots: readonly TaxLot[];
  readonly price: string;
  readonly asOf: string;
  readonly policy: TaxPolicy;
  /** The account's relief method (`lotMethodOf(policy, accountId)`); `specific` is priced as `tax-minimizing`. */
  readonly method: LotReliefMethod;
}

/**
 * Every share of the account's lots, in relief order, as segments with their tax per share.
 *
 * @throws InvalidLotError / InvalidTradeDateError / DisposalBeforeAcquisitionError for malformed lots.
 */
export function saleTaxSegments(input: SaleTaxInput): SaleTaxSegment[] {
  const held = input.lots.reduce((sum, lot) => sum.plus(lot.quantity), new Decimal(0));
  if (held.isZero()) return [];
  // Selling everything in the method's order gives the order and each lot's whole share count.
  const { sales } = sellFromLots({
    lots: input.lots,
    quantity: held.toFixed(),
    price: input.price,
    soldOn: input.asOf,
    method: input.method === 'specific' ? 'tax-minimizing' : input.method,
  });
  const { shortTerm, longTerm, state } = input.policy.taxRates;
  const rateOf = (term: HoldingTerm) =>
    input.accountType === 'taxable'
      ? new Decimal(String(term === 'short' ? shortTerm : longTerm)).plus(String(state))
      : new Decimal(0);
  return sales.map((sale) => {
    const gainPerShare = new Decimal(sale.gain).dividedBy(sale.quantity);
    const from = longTermFrom(sale.acquiredOn);
    return {
      lotId: sale.lotId,
      acquiredOn: sale.acquiredOn,
      quantity: sale.quantity,
      costBasis: sale.costBasis,
      gainPerShare: gainPerShare.toFixed(),
      term: sale.term,
      taxPerShare: gainPerShare.times(rateOf(sale.term)).toFixed(),
      longTermSoon:
        sale.term === 'short' &&
        gainPerShare.greaterThan(0) &&
        daysBetween(input.asOf, from) <= input.policy.avoidShortTermDays,
      longTermFrom: from,
    };
  });
}

export interface SaleTaxEstimate {
  /** Relieved lots with their gains. */
  readonly lots: ReturnType<typeof sellFromLots>['sales'];
  readonly realizedShortTerm: string;
  readonly realizedLongTerm: string;
  /** At marginal rates, cents; negative when the sale's losses save tax. 0 outside taxable accounts. */
  readonly estimatedTax: string;
  /** Lots sold at a short-term gain that would be long-term within `avoidShortTermDays`. */
  readonly longTermSoonLots: readonly string[];
}

/**
 * The lots a sale of `quantity` shares relieves and its estimated tax at marginal rates.
 *
 * @throws InsufficientSharesError when the lots hold fewer shares; InvalidLotError for malformed input.
 */
export function estimateSaleTax(
  input: SaleTaxInput & {
    readonly quantity: string;
    readonly specificLots?: readonly { lotId: string; quantity: string }[];
  },
): SaleTaxEstimate {
  const { sales } = sellFromLots({
    lots: input.lots,
    quantity: input.quantity,
    price: input.price,
    soldOn: input.asOf,
    method: input.method,
    ...(input.specificLots === undefined ? {} : { specificLots: input.specificLots }),
  });
  const segments = new Map(saleTaxSegments(input).map((s) => [s.lotId, s]));
  const sum = (term: HoldingTerm) =>
    sales.filter((s) => s.term === term).reduce((total, s) => total.plus(s.gain), new Decimal(0));
  const tax = sales.reduce(
    (total, s) => total.plus(new Decimal(s.quantity).times(segments.get(s.lotId)?.taxPerShare ?? '0')),
    new Decimal(0),
  );
  return {
    lots: sales,
    realizedShortTerm: sum('short').toFixed(),
    realizedLongTerm: sum('long').toFixed(),
    estimatedTax: tax.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2),
    longTermSoonLots: sales.filter((s) => segments.get(s.lotId)?.longTermSoon === true).map((s) => s.lotId),
  };
}

/**
 * What is left of the policy's annual gains budget on `asOf`: the budget (prorated by the elapsed
 * days of the calendar year, 1 January counting as day 1, when `prorate`) minus what the year used so
 * far (`realizedNetGains` for a realized-gains budget, `estimatedTax` for a tax budget). Never below 0.
 * `null` when the policy sets no budget.
 *
 * @throws InvalidTaxInputError for a malformed amount or date.
 */
export function gainsBudgetRemaining(
  policy: TaxPolicy,
  asOf: string,
  usedSoFar: { readonly realizedNetGains: string; readonly estimatedTax: string },
): {
  readonly kind: 'realized-gains' | 'tax';
  readonly available: string;
  readonly remaining: string;
} | null {
  const budget = policy.gainsBudget;
  if (budget === null) return null;
  const year = asOf.slice(0, 4);
  const elapsed = daysBetween(`${year}-01-01`, asOf) + 1;
  const length = daysBetween(`${year}-01-01`, `${Number(year) + 1}-01-01`);
  if (elapsed < 1) throw new InvalidTaxInputError('asOf', `"${asOf}" is not a date`);
  const full = new Decimal(budget.amount);
  const available = budget.prorate
    ? full.times(elapsed).dividedBy(length).toDecimalPlaces(2, Decimal.ROUND_DOWN)
    : full;
  const used =
    budget.kind === 'tax'
      ? decimal(usedSoFar.estimatedTax, 'usedSoFar.estimatedTax')
      : decimal(usedSoFar.realizedNetGains, 'usedSoFar.realizedNetGains');
  return {
    kind: budget.kind,
    available: available.toFixed(),
    remaining: Decimal.max(available.minus(used), 0).toFixed(),
  };
}
