import { findWashSales } from '../lib/wash-sale';
import { buy, IRA, TAXABLE } from './household.fixture';

// Treas. Reg. 1.1091-1(e): shares acquired that were already matched to one loss sale are not
// matched to another; loss sales are matched in the order they were made (1.1091-1(b)).
describe('scenario: one replacement purchase against two loss sales', () => {
  const first = {
    saleId: 'S1',
    accountId: TAXABLE,
    symbol: 'VTI',
    soldOn: '2024-08-05',
    quantity: '100',
    loss: '3000',
    acquiredOn: '2024-01-16',
  };
  const second = {
    ...first,
    saleId: 'S2',
    accountId: 'spouse-brokerage',
    soldOn: '2024-08-12',
    loss: '1000',
  };

  it('absorbs the earlier loss only: no double counting', () => {
    const report = findWashSales(
      [second, first],
      [buy({ boughtOn: '2024-08-20', accountId: IRA, accountType: 'roth' })],
    );
    expect(report.matches.map((m) => [m.saleId, m.quantity, m.disallowedLoss])).toEqual([
      ['S1', '100', '3000'],
    ]);
    expect(report.allowedLoss.get('S1')).toBe('0');
    expect(report.allowedLoss.get('S2')).toBe('1000');
  });

  it('spreads over both losses when it has shares for both, each share once', () => {
    const report = findWashSales([first, second], [buy({ boughtOn: '2024-08-20', quantity: '150' })]);
    expect(report.matches.map((m) => [m.saleId, m.quantity, m.disallowedLoss])).toEqual([
      ['S1', '100', '3000'],
      ['S2', '50', '500'],
    ]);
    expect(report.allowedLoss.get('S2')).toBe('500');
  });
});
