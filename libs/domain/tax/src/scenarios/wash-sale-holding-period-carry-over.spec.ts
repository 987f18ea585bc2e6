import { applyWashSaleAdjustments } from '../lib/wash-sale-adjustment';
import { sellFromLots } from '../lib/lot-relief';
import { findWashSales, lossSalesOf } from '../lib/wash-sale';
import { buy, lot, TAXABLE } from './household.fixture';

// 26 U.S.C. 1223(3) and IRS Publication 550, "Wash Sales": the holding period of the replacement
// stock includes the holding period of the stock sold. A replacement held one month can therefore
// be long-term when sold.
describe('scenario: the holding period carries over to the replacement shares', () => {
  it('makes a one-month-old replacement long-term', () => {
    // Bought 2023-03-01, sold at a loss 2024-02-20: held 356 days (2024 is a leap year).
    const first = sellFromLots({
      lots: [lot({ lotId: 'orig', acquiredOn: '2023-03-01' })],
      quantity: '100',
      price: '220',
      soldOn: '2024-02-20',
      method: 'fifo',
    });
    expect(first.sales[0]?.term).toBe('short');
    const report = findWashSales(
      lossSalesOf({ saleId: 'S1', accountId: TAXABLE, symbol: 'VTI', soldOn: '2024-02-20' }, first.sales),
      [buy({ purchaseId: 'repl', boughtOn: '2024-03-01' })],
    );
    const replacement = applyWashSaleAdjustments(
      [lot({ lotId: 'repl', costBasis: '22500.00', acquiredOn: '2024-03-01' })],
      report.matches,
    );
    // 2024-03-01 minus 356 days: the replacement is treated as held since 2023-03-11.
    expect(replacement).toEqual([
      { lotId: 'repl/wash:S1:orig', quantity: '100', costBasis: '25500', acquiredOn: '2023-03-11' },
    ]);
    const later = sellFromLots({
      lots: replacement,
      quantity: '100',
      price: '230',
      soldOn: '2024-04-01',
      method: 'fifo',
    });
    // Without the carry-over, shares bought 2024-03-01 and sold 2024-04-01 would be short-term.
    expect(later.sales[0]).toMatchObject({ term: 'long', costBasis: '25500', gain: '-2500' });
    const beforeMark = sellFromLots({
      lots: replacement,
      quantity: '100',
      price: '230',
      soldOn: '2024-03-11',
      method: 'fifo',
    });
    expect(beforeMark.sales[0]?.term).toBe('short');
  });
});
