import { applyWashSaleAdjustments } from '../lib/wash-sale-adjustment';
import { sellFromLots } from '../lib/lot-relief';
import { findWashSales, lossSalesOf } from '../lib/wash-sale';
import { buy, lot } from './household.fixture';

// Worked examples of IRS Publication 550, "Investment Income and Expenses", chapter 4, "Wash Sales",
// reproduced with the publication's numbers (26 U.S.C. 1091; Treas. Reg. 1.1091-1). The publication
// gives no dates for example 1, only "within 30 days": the dates below are ours.
describe('IRS Publication 550, "Wash Sales", worked examples', () => {
  // Example 1 (also the IRS VITA "Capital Gain or Loss Workout", Case Study 1: Wash Sales): "You buy
  // 100 shares of X stock for $1,000. You sell these shares for $750 and within 30 days from the sale
  // you buy 100 shares of the same stock for $800. Because you bought substantially identical stock,
  // you can't deduct your loss of $250 on the sale. However, you add the disallowed loss of $250 to
  // the cost of the new stock, $800, to obtain your basis in the new stock, which is $1,050."
  it('example 1: the $250 loss is disallowed and the new basis is $1,050', () => {
    const sale = sellFromLots({
      lots: [lot({ lotId: 'X-old', quantity: '100', costBasis: '1000', acquiredOn: '2024-01-02' })],
      quantity: '100',
      price: '7.50',
      soldOn: '2024-06-03',
      method: 'fifo',
    });
    expect(sale.sales[0]?.gain).toBe('-250');
    const report = findWashSales(
      lossSalesOf({ saleId: 'S', accountId: 'brokerage', symbol: 'X', soldOn: '2024-06-03' }, sale.sales),
      [buy({ purchaseId: 'X-new', symbol: 'X', boughtOn: '2024-06-20', quantity: '100' })],
    );
    expect(report.matches[0]?.disallowedLoss).toBe('250');
    expect(report.allowedLoss.get('S:X-old')).toBe('0');
    const [newLot] = applyWashSaleAdjustments(
      [lot({ lotId: 'X-new', quantity: '100', costBasis: '800', acquiredOn: '2024-06-20' })],
      report.matches,
    );
    expect(newLot?.costBasis).toBe('1050');
  });

  // "More or less stock bought than sold": match the shares bought with the shares sold "in the same
  // order that you bought them, beginning with the first shares bought". The publication's example:
  // 100 shares of M stock sold at a $1,000 loss; 50 shares of substantially identical stock bought on
  // each of 4 days shortly after (February 12 to 15 in the publication): the $1,000 loss is not
  // deductible; half ($500) is added to the basis of the 50 shares bought on the first day, the other
  // half ($500) to the 50 shares bought on the second day, and the last two purchases are untouched.
  it('more stock bought than sold: the first 100 shares bought absorb the $1,000 loss, $500 each', () => {
    const report = findWashSales(
      [
        {
          saleId: 'M',
          accountId: 'brokerage',
          symbol: 'M',
          soldOn: '2022-02-07',
          quantity: '100',
          loss: '1000',
          acquiredOn: '2021-09-24',
        },
      ],
      ['12', '13', '14', '15'].map((day) =>
        buy({ purchaseId: `Feb${day}`, symbol: 'M', boughtOn: `2022-02-${day}`, quantity: '50' }),
      ),
    );
    expect(report.matches.map((m) => [m.purchaseId, m.quantity, m.disallowedLoss])).toEqual([
      ['Feb12', '50', '500'],
      ['Feb13', '50', '500'],
    ]);
    expect(report.allowedLoss.get('M')).toBe('0');
  });

  // "Less stock bought than sold" (same section, and Treas. Reg. 1.1091-1(c)): only the loss on as
  // many sold shares as were bought is disallowed; the rest stays deductible. Our illustration with the M stock
  // numbers: 100 shares sold at a $1,000 loss, 75 bought within 30 days: $750 disallowed, $250 allowed.
  it('less stock bought than sold: the loss on the shares not replaced stays deductible', () => {
    const report = findWashSales(
      [
        {
          saleId: 'M',
          accountId: 'brokerage',
          symbol: 'M',
          soldOn: '2022-02-07',
          quantity: '100',
          loss: '1000',
          acquiredOn: '2021-09-24',
        },
      ],
      [buy({ purchaseId: 'P', symbol: 'M', boughtOn: '2022-02-12', quantity: '75' })],
    );
    expect(report.matches[0]?.disallowedLoss).toBe('750');
    expect(report.allowedLoss.get('M')).toBe('250');
  });
});
