import { applyWashSaleAdjustments } from '../lib/wash-sale-adjustment';
import { sellFromLots } from '../lib/lot-relief';
import { findWashSales, lossSalesOf } from '../lib/wash-sale';
import { addDays, buy, lot, TAXABLE } from './household.fixture';

// 26 U.S.C. 1091(a): the window runs from 30 days BEFORE the sale to 30 days after it; IRS
// Publication 550, "Wash Sales": the disallowed loss is added to the cost of the new stock.
describe('scenario: shares bought 29 days before a loss sale of older shares', () => {
  const soldOn = '2024-08-05';
  const boughtOn = addDays(soldOn, -29);
  const lots = [
    lot({ lotId: 'old', acquiredOn: '2024-01-16' }),
    lot({ lotId: 'new', costBasis: '23000.00', acquiredOn: boughtOn }),
  ];

  it('is a wash sale: the older lot’s loss moves into the newer lot’s basis', () => {
    expect(boughtOn).toBe('2024-07-07');
    const sale = sellFromLots({
      lots,
      quantity: '100',
      price: '220',
      soldOn,
      method: 'specific',
      specificLots: [{ lotId: 'old', quantity: '100' }],
    });
    const report = findWashSales(
      lossSalesOf({ saleId: 'S1', accountId: TAXABLE, symbol: 'VTI', soldOn }, sale.sales),
      [buy({ purchaseId: 'new', boughtOn })],
    );
    expect(report.matches.map((m) => [m.purchaseId, m.disallowedLoss, m.treatment])).toEqual([
      ['new', '3000', 'basis-adjusted'],
    ]);
    expect(report.allowedLoss.get('S1:old')).toBe('0');
    // 23,000 + 3,000; the holding period starts 2024-07-07 minus the 202 days the old lot was held.
    expect(applyWashSaleAdjustments(sale.remaining, report.matches)).toEqual([
      { lotId: 'new/wash:S1:old', quantity: '100', costBasis: '26000', acquiredOn: '2023-12-18' },
    ]);
  });

  it('is not a wash sale when the purchase was 31 days before', () => {
    const report = findWashSales(
      [
        {
          saleId: 'S1',
          accountId: TAXABLE,
          symbol: 'VTI',
          soldOn,
          quantity: '100',
          loss: '3000',
          acquiredOn: '2024-01-16',
        },
      ],
      [buy({ boughtOn: addDays(soldOn, -31) })],
    );
    expect(report.matches).toEqual([]);
    expect(report.allowedLoss.get('S1')).toBe('3000');
  });
});
