import { Decimal } from '@ballast/domain-portfolio';
import { holdingTerm, type HoldingTerm } from './holding-period';

/**
 * Which lots a sale relieves (IRS Publication 550, "Identifying the shares sold"; brokers' cost-basis
 * methods under 26 CFR 1.1012-1(c)). Per account, set in the policy.
 *  - `fifo`: oldest acquisition first (the default when shares are not identified);
 *  - `lifo`: newest first;
 *  - `hifo`: highest cost per share first (smallest gains, largest losses);
 *  - `lowest-cost`: lowest cost per share first;
 *  - `specific`: the lots and quantities the seller names;
 *  - `tax-minimizing`: short-term losses first, then long-term losses (largest loss per share
 *    first in each), then long-term gains, then short-term gains (smallest gain per share first in
 *    each): losses are realised before gains, and a gain is taken where the rate is lower.
 */
export const LOT_RELIEF_METHODS = [
  'fifo',
  'lifo',
  'hifo',
  'lowest-cost',
  'specific',
  'tax-minimizing',
] as const;
export type LotReliefMethod = (typeof LOT_RELIEF_METHODS)[number];

export interface TaxLot {
  readonly lotId: string;
  /** Shares, decimal string, > 0. */
  readonly quantity: string;
  /** Total cost of the lot (not per share), decimal string, >= 0. */
  readonly costBasis: string;
  /** Trade date, `YYYY-MM-DD`. */
  readonly acquiredOn: string;
}

export interface LotSale {
  readonly lotId: string;
  readonly acquiredOn: string;
  readonly quantity: string;
  /** The part of the lot's basis that leaves with these shares, pro rata by shares. */
  readonly costBasis: string;
  readonly proceeds: string;
  /** proceeds − costBasis: negative for a loss. */
  readonly gain: string;
  readonly term: HoldingTerm;
}

export interface SaleRequest {
  readonly lots: readonly TaxLot[];
  /** Shares to sell, decimal string, > 0. */
  readonly quantity: string;
  /** Price per share the sale is (expected to be) made at, decimal string, > 0. */
  readonly price: string;
  /** Trade date of the sale, `YYYY-MM-DD`. */
  readonly soldOn: string;
  readonly method: LotReliefMethod;
  /** With `specific`: the lots and shares to sell, in order; their total must equal `quantity`. */
  readonly specificLots?: readonly { lotId: string; quantity: string }[];
}

export interface SaleResult {
  readonly sales: readonly LotSale[];
  /** The lots left, in their original order; a partly sold lot keeps the rest of its basis. */
  readonly remaining: readonly TaxLot[];
}

/** A sale of more shares than the lots hold: nothing is sold. */
export class InsufficientSharesError extends Error {
  override readonly name = 'InsufficientSharesError';
  constructor(requested: string, held: string) {
    super(`cannot sell ${requested} shares: the lots hold ${held}`);
  }
}

/** A malformed lot or request; the message names the field. */
export class InvalidLotError extends Error {
  override readonly name = 'InvalidLotError';
}

function decimal(value: string, field: string, { positive }: { positive: boolean }): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw new InvalidLotError(`${field}: "${value}" is not a decimal number`);
  }
  if (!parsed.isFinite() || (positive ? !parsed.greaterThan(0) : parsed.isNegative())) {
    throw new InvalidLotError(`${field}: ${value} must be ${positive ? 'greater than 0' : 'at least 0'}`);
  }
  return parsed;
}

interface WorkingLot {
  lot: TaxLot;
  index: number;
  shares: Decimal;
  basis: Decimal;
  perShare: Decimal;
}

/**
 * Relieves lots for a sale of `quantity` shares at `price` on `soldOn` by `method`. Basis leaves a
 * partly sold lot pro rata by shares, rounded to the basis's scale (at least cents), and the remaining
 * basis is what is left of the lot's total, so that basis is conserved exactly:
 * Σ sold basis + Σ remaining basis = Σ original basis.
 *
 * @throws InvalidLotError for a malformed lot, quantity, price, date or specific identification.
 * @throws InsufficientSharesError when the lots hold fewer shares than requested.
 */
export function sellFromLots(request: SaleRequest): SaleResult {
  const price = decimal(request.price, 'price', { positive: true });
  const quantity = decimal(request.quantity, 'quantity', { positive: true });
  const seen = new Set<string>();
  const working: WorkingLot[] = request.lots.map((lot, index) => {
    if (seen.has(lot.lotId))
      throw new InvalidLotError(`lots.${index}.lotId: duplicate lot id "${lot.lotId}"`);
    seen.add(lot.lotId);
    const shares = decimal(lot.quantity, `lots.${index}.quantity`, { positive: true });
    const basis = decimal(lot.costBasis, `lots.${index}.costBasis`, { positive: false });
    holdingTerm(lot.acquiredOn, request.soldOn); // validates both dates and their order
    return { lot, index, shares, basis, perShare: basis.dividedBy(shares) };
  });
  const held = working.reduce((sum, lot) => sum.plus(lot.shares), new Decimal(0));
  if (quantity.greaterThan(held)) throw new InsufficientSharesError(quantity.toFixed(), held.toFixed());

  const plan = reliefOrder(working, request, price);
  const sales: LotSale[] = [];
  let left = quantity;
  for (const { lot: item, shares: wanted } of plan) {
    if (left.isZero()) break;
    const take = Decimal.min(wanted, item.shares, left);
    if (take.isZero()) continue;
    // Pro rata basis, rounded (half-even) to the basis's own scale and at least cents, so that the
    // rest left with the lot is an exact subtraction: basis is conserved to the last digit.
    const scale = Math.max(2, item.basis.decimalPlaces());
    const soldBasis = take.equals(item.shares)
      ? item.basis
      : item.basis.times(take).dividedBy(item.shares).toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN);
    const proceeds = price.times(take);
    sales.push({
      lotId: item.lot.lotId,
      acquiredOn: item.lot.acquiredOn,
      quantity: take.toFixed(),
      costBasis: soldBasis.toFixed(),
      proceeds: proceeds.toFixed(),
      gain: proceeds.minus(soldBasis).toFixed(),
      term: holdingTerm(item.lot.acquiredOn, request.soldOn),
    });
    item.shares = item.shares.minus(take);
    item.basis = item.basis.minus(soldBasis);
    left = left.minus(take);
  }
  if (!left.isZero()) {
    // Only reachable with `specific`: the named lots hold fewer shares than the sale.
    throw new InvalidLotError(
      `specificLots: the named lots cover ${quantity.minus(left).toFixed()} of ${quantity.toFixed()} shares`,
    );
  }
  const remaining = working
    .filter((item) => item.shares.greaterThan(0))
    .map((item) => ({ ...item.lot, quantity: item.shares.toFixed(), costBasis: item.basis.toFixed() }));
  return { sales, remaining };
}

function reliefOrder(
  lots: WorkingLot[],
  request: SaleRequest,
  price: Decimal,
): { lot: WorkingLot; shares: Decimal }[] {
  const all = (ordered: WorkingLot[]) => ordered.map((lot) => ({ lot, shares: lot.shares }));
  const byDate = (a: WorkingLot, b: WorkingLot) =>
    a.lot.acquiredOn < b.lot.acquiredOn ? -1 : a.lot.acquiredOn > b.lot.acquiredOn ? 1 : a.index - b.index;
  switch (request.method) {
    case 'fifo':
      return all([...lots].sort(byDate));
    case 'lifo':
      return all([...lots].sort((a, b) => -byDate(a, b)));
    case 'hifo':
      return all([...lots].sort((a, b) => b.perShare.comparedTo(a.perShare) || byDate(a, b)));
    case 'lowest-cost':
      return all([...lots].sort((a, b) => a.perShare.comparedTo(b.perShare) || byDate(a, b)));
    case 'specific':
      return specificOrder(lots, request);
    case 'tax-minimizing': {
      // Rank: 0 short-term loss, 1 long-term loss, 2 long-term gain, 3 short-term gain (zero gain counts as gain).
      const rank = (lot: WorkingLot) => {
        const loss = price.lessThan(lot.perShare);
        const long = holdingTerm(lot.lot.acquiredOn, request.soldOn) === 'long';
        return loss ? (long ? 1 : 0) : long ? 2 : 3;
      };
      // Within a rank: the lowest gain per share first (for losses: the largest loss first).
      return all(
        [...lots].sort((a, b) => rank(a) - rank(b) || b.perShare.comparedTo(a.perShare) || byDate(a, b)),
      );
    }
  }
}

function specificOrder(lots: WorkingLot[], request: SaleRequest): { lot: WorkingLot; shares: Decimal }[] {
  const named = request.specificLots;
  if (named === undefined || named.length === 0) {
    throw new InvalidLotError('specificLots: the specific method needs the lots to sell');
  }
  const byId = new Map(lots.map((lot) => [lot.lot.lotId, lot]));
  return named.map((entry, index) => {
    const lot = byId.get(entry.lotId);
    if (lot === undefined) throw new InvalidLotError(`specificLots.${index}.lotId: no lot "${entry.lotId}"`);
    const shares = decimal(entry.quantity, `specificLots.${index}.quantity`, { positive: true });
    if (shares.greaterThan(lot.shares)) {
      throw new InvalidLotError(
        `specificLots.${index}.quantity: ${entry.quantity} exceeds the ${lot.shares.toFixed()} shares of lot "${entry.lotId}"`,
      );
    }
    return { lot, shares };
  });
}
