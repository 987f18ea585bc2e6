import { Decimal } from '@ballast/domain-portfolio';
import { type TaxLot } from './lot-relief';
import { InvalidWashSaleInputError, type WashSaleMatch } from './wash-sale';

/**
 * Applies wash-sale matches to the replacement lots (26 U.S.C. 1091(d); IRS Publication 550, "Wash
 * Sales": "add the disallowed loss to the cost of the new stock"; the new stock's holding period
 * "includes the holding period of the stock sold").
 *
 * A replacement lot is identified by `lotId === match.purchaseId`. The matched shares are split off
 * into a lot of their own, `<lotId>/wash:<saleId>`, whose basis is their pro rata part of the lot's
 * basis (rounded like {@link sellFromLots}, at least cents, half-even) plus the disallowed loss, and
 * whose `acquiredOn` is the match's `holdingPeriodFrom`; the unmatched rest keeps the lot id, the
 * rest of the basis and the purchase date. `permanently-disallowed` matches (a replacement in an IRA
 * or Roth) change nothing: basis inside those accounts is not tracked for tax, the loss is gone.
 * Matches for lots not in `lots` are ignored (another account's lots are adjusted in their own call).
 *
 * Shares and the original basis are conserved exactly; the total basis grows by exactly the
 * disallowed losses applied.
 *
 * @throws InvalidWashSaleInputError when matches claim more shares of a lot than it holds.
 */
export function applyWashSaleAdjustments(
  lots: readonly TaxLot[],
  matches: readonly WashSaleMatch[],
): TaxLot[] {
  const result: TaxLot[] = [];
  for (const lot of lots) {
    const own = matches.filter(
      (match) => match.purchaseId === lot.lotId && match.treatment === 'basis-adjusted',
    );
    if (own.length === 0) {
      result.push(lot);
      continue;
    }
    let shares = new Decimal(lot.quantity);
    let basis = new Decimal(lot.costBasis);
    const scale = Math.max(2, basis.decimalPlaces());
    for (const match of own) {
      const quantity = new Decimal(match.quantity);
      if (quantity.greaterThan(shares)) {
        throw new InvalidWashSaleInputError(
          `lot "${lot.lotId}": wash-sale matches claim more than its ${lot.quantity} shares`,
        );
      }
      const part = quantity.equals(shares)
        ? basis
        : basis.times(quantity).dividedBy(shares).toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN);
      result.push({
        lotId: `${lot.lotId}/wash:${match.saleId}`,
        quantity: quantity.toFixed(),
        costBasis: part.plus(match.disallowedLoss).toFixed(),
        acquiredOn: match.holdingPeriodFrom,
      });
      shares = shares.minus(quantity);
      basis = basis.minus(part);
    }
    if (shares.greaterThan(0)) {
      result.push({ ...lot, quantity: shares.toFixed(), costBasis: basis.toFixed() });
    }
  }
  return result;
}
