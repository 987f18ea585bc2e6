import { Decimal } from '@ballast/domain-portfolio';
import { applyWashSaleAdjustments } from '../lib/wash-sale-adjustment';
import { findWashSales } from '../lib/wash-sale';
import { buy, lot, TAXABLE } from './household.fixture';

// Treas. Reg. 1.1091-1(c): when fewer shares are acquired than were sold, the loss is disallowed
// only on as many sold shares as were acquired; IRS Publication 550, "More or less stock bought than sold".
describe('scenario: a partial replacement', () => {
  const sale = {
    saleId: 'S1',
    accountId: TAXABLE,
    symbol: 'VTI',
    soldOn: '2024-08-05',
    quantity: '100',
    loss: '3000.00',
    acquiredOn: '2024-01-16',
  };

  it('disallows 40% of the loss when 40 of 100 shares are bought back, and adjusts only those 40', () => {
    const report = findWashSales([sale], [buy({ quantity: '40' })]);
    expect(report.matches.map((m) => [m.quantity, m.disallowedLoss])).toEqual([['40', '1200']]);
    expect(report.allowedLoss.get('S1')).toBe('1800');
    const replacement = lot({ lotId: 'B1', quantity: '40', costBasis: '8800.00', acquiredOn: '2024-08-15' });
    const [adjusted] = applyWashSaleAdjustments([replacement], report.matches);
    // 8,800 + 1,200; the sold shares were held 202 days (2024-01-16 to 2024-08-05), so the
    // replacement bought 2024-08-15 counts as held since 2024-01-26.
    expect(adjusted).toEqual({
      lotId: 'B1/wash:S1',
      quantity: '40',
      costBasis: '10000',
      acquiredOn: '2024-01-26',
    });
  });

  it('splits a replacement lot bought in larger quantity: only the matched shares carry the loss', () => {
    const report = findWashSales([{ ...sale, quantity: '30', loss: '900' }], [buy({ quantity: '100' })]);
    const adjusted = applyWashSaleAdjustments(
      [lot({ lotId: 'B1', quantity: '100', costBasis: '22000.00', acquiredOn: '2024-08-15' })],
      report.matches,
    );
    expect(adjusted.map((l) => [l.lotId, l.quantity, l.costBasis, l.acquiredOn])).toEqual([
      ['B1/wash:S1', '30', '7500', '2024-01-26'],
      ['B1', '70', '15400', '2024-08-15'],
    ]);
    const total = adjusted.reduce((sum, l) => sum.plus(l.costBasis), new Decimal(0));
    expect(total.toFixed()).toBe('22900');
  });
});
