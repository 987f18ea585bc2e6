import { Decimal } from '@ballast/domain-portfolio';
import { parseTradeDate } from './holding-period';
import { type LotSale } from './lot-relief';

/**
 * Wash sales (26 U.S.C. 1091; Treas. Reg. 1.1091-1; IRS Publication 550, "Wash Sales"): a loss on a
 * sale is disallowed when substantially identical securities are bought within 30 days before or
 * after the sale, in ANY account of the household (taxable, IRA, Roth, a spouse's accounts).
 *
 * Matching (Reg. 1.1091-1(b)-(d)): loss sales in the order they were made, each against replacement
 * purchases in the order they were made; a replacement share absorbs at most one loss; a sale only
 * partly replaced loses only the replaced shares' share of the loss. The disallowed loss moves into
 * the replacement shares' basis and their holding period includes the sold shares' holding period;
 * when the replacement is bought in an IRA or Roth account the loss is lost for good (Rev. Rul.
 * 2008-5), and the result says so.
 *
 * "Substantially identical" is the caller's decision (the policy's equivalence map), never guessed:
 * `identityOf(symbol)` returns one key per group of identical securities.
 */
export interface LossSale {
  readonly saleId: string;
  readonly accountId: string;
  readonly symbol: string;
  /** Trade date `YYYY-MM-DD`. */
  readonly soldOn: string;
  readonly quantity: string;
  /** The loss realized, as a positive decimal string. */
  readonly loss: string;
  /** When the sold shares were acquired: the replacement's holding period starts here. */
  readonly acquiredOn: string;
  /** Purchases whose shares this sale disposed of: they cannot replace themselves. */
  readonly soldPurchaseIds?: readonly string[];
}

export interface Purchase {
  readonly purchaseId: string;
  readonly accountId: string;
  readonly accountType: 'taxable' | 'traditional' | 'roth';
  readonly symbol: string;
  readonly boughtOn: string;
  readonly quantity: string;
}

export interface WashSaleMatch {
  readonly saleId: string;
  readonly purchaseId: string;
  /** Replacement shares matched to this sale. */
  readonly quantity: string;
  readonly disallowedLoss: string;
  /**
   * `basis-adjusted`: added to the replacement shares' basis (taxable account);
   * `permanently-disallowed`: the replacement is in an IRA or Roth, the loss is gone.
   */
  readonly treatment: 'basis-adjusted' | 'permanently-disallowed';
  /**
   * The replacement shares' holding period "includes the holding period of the stock sold"
   * (Publication 550): their purchase date moved back by the sold shares' holding period
   * (acquisition to sale), the date to use for the replacement lot's short/long-term test.
   */
  readonly holdingPeriodFrom: string;
}

export interface WashSaleReport {
  readonly matches: readonly WashSaleMatch[];
  /** Per sale, the loss still deductible (the unreplaced shares' part). */
  readonly allowedLoss: ReadonlyMap<string, string>;
}

export class InvalidWashSaleInputError extends Error {
  override readonly name = 'InvalidWashSaleInputError';
}

const WINDOW_DAYS = 30;

function dayNumber(date: string, field: string): number {
  const { year, month, day } = parseTradeDate(date, field);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function shiftDays(date: string, days: number): string {
  return new Date((dayNumber(date, 'date') + days) * 86_400_000).toISOString().slice(0, 10);
}

function positive(value: string, field: string): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw new InvalidWashSaleInputError(`${field}: "${value}" is not a decimal number`);
  }
  if (!parsed.isFinite() || !parsed.greaterThan(0))
    throw new InvalidWashSaleInputError(`${field}: ${value} must be greater than 0`);
  return parsed;
}

export function findWashSales(
  sales: readonly LossSale[],
  purchases: readonly Purchase[],
  identityOf: (symbol: string) => string = (symbol) => symbol,
): WashSaleReport {
  const available = purchases.map((purchase, index) => ({
    purchase,
    day: dayNumber(purchase.boughtOn, `purchases.${index}.boughtOn`),
    left: positive(purchase.quantity, `purchases.${index}.quantity`),
    index,
  }));
  available.sort((a, b) => a.day - b.day || a.index - b.index);
  const ordered = sales
    .map((sale, index) => ({ sale, index, day: dayNumber(sale.soldOn, `sales.${index}.soldOn`) }))
    .sort((a, b) => a.day - b.day || a.index - b.index);

  const matches: WashSaleMatch[] = [];
  const allowedLoss = new Map<string, string>();
  for (const { sale, index, day } of ordered) {
    const quantity = positive(sale.quantity, `sales.${index}.quantity`);
    const loss = positive(sale.loss, `sales.${index}.loss`);
    parseTradeDate(sale.acquiredOn, `sales.${index}.acquiredOn`);
    const excluded = new Set(sale.soldPurchaseIds ?? []);
    const key = identityOf(sale.symbol);
    let unreplaced = quantity;
    let disallowedTotal = new Decimal(0);
    // Disallowed parts are rounded to the loss's scale (at least cents); the allowed rest is an
    // exact subtraction, so allowed + disallowed = the loss, to the last digit.
    const scale = Math.max(2, loss.decimalPlaces());
    for (const candidate of available) {
      if (unreplaced.isZero()) break;
      const { purchase } = candidate;
      if (candidate.left.isZero() || excluded.has(purchase.purchaseId)) continue;
      if (identityOf(purchase.symbol) !== key || Math.abs(candidate.day - day) > WINDOW_DAYS) continue;
      const matched = Decimal.min(candidate.left, unreplaced);
      candidate.left = candidate.left.minus(matched);
      unreplaced = unreplaced.minus(matched);
      const disallowed = unreplaced.isZero()
        ? loss.minus(disallowedTotal)
        : loss.times(matched).dividedBy(quantity).toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN);
      disallowedTotal = disallowedTotal.plus(disallowed);
      matches.push({
        saleId: sale.saleId,
        purchaseId: purchase.purchaseId,
        quantity: matched.toFixed(),
        disallowedLoss: disallowed.toFixed(),
        treatment: purchase.accountType === 'taxable' ? 'basis-adjusted' : 'permanently-disallowed',
        holdingPeriodFrom: shiftDays(
          purchase.boughtOn,
          -(day - dayNumber(sale.acquiredOn, `sales.${index}.acquiredOn`)),
        ),
      });
    }
    allowedLoss.set(sale.saleId, loss.minus(disallowedTotal).toFixed());
  }
  return { matches, allowedLoss };
}

/**
 * The loss sales of one sale order: one {@link LossSale} per relieved lot sold at a loss (a lot's
 * shares keep their own acquisition date, so each carries its own holding period into a replacement).
 * Ids are `<saleId>:<lotId>`, and each names its lot as its own purchase (`soldPurchaseIds`), so that
 * a lot is never its own replacement when lot ids double as purchase ids.
 */
export function lossSalesOf(
  sale: {
    readonly saleId: string;
    readonly accountId: string;
    readonly symbol: string;
    readonly soldOn: string;
  },
  relieved: readonly LotSale[],
): LossSale[] {
  return relieved
    .filter((lot) => new Decimal(lot.gain).isNegative())
    .map((lot) => ({
      saleId: `${sale.saleId}:${lot.lotId}`,
      accountId: sale.accountId,
      symbol: sale.symbol,
      soldOn: sale.soldOn,
      quantity: lot.quantity,
      loss: new Decimal(lot.gain).negated().toFixed(),
      acquiredOn: lot.acquiredOn,
      soldPurchaseIds: [lot.lotId],
    }));
}
