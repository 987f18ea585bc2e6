import { sellFromLots } from '../lib/lot-relief';
import { findWashSales, lossSalesOf } from '../lib/wash-sale';
import { addDays, buy, IRA, lot, TAXABLE } from './household.fixture';

// 26 U.S.C. 1091(a): only acquisitions "within a period beginning 30 days before the date of such
// sale ... and ending 30 days after such date" make a wash sale; day 31 is outside.
describe('scenario: a buy 31 days after a loss sale is not a wash sale', () => {
  const soldOn = '2024-08-05';
  const sale = sellFromLots({ lots: [lot()], quantity: '100', price: '220', soldOn, method: 'fifo' });
  const losses = lossSalesOf({ saleId: 'S1', accountId: TAXABLE, symbol: 'VTI', soldOn }, sale.sales);

  it('keeps the whole loss deductible on day 31, in any account', () => {
    for (const purchase of [
      buy({ boughtOn: addDays(soldOn, 31) }),
      buy({ accountId: IRA, accountType: 'traditional', boughtOn: addDays(soldOn, 31) }),
    ]) {
      const report = findWashSales(losses, [purchase]);
      expect(report.matches).toEqual([]);
      expect(report.allowedLoss.get('S1:L1')).toBe('3000');
    }
  });

  it('but day 30 is still inside the window', () => {
    expect(addDays(soldOn, 30)).toBe('2024-09-04');
    expect(findWashSales(losses, [buy({ boughtOn: addDays(soldOn, 30) })]).allowedLoss.get('S1:L1')).toBe(
      '0',
    );
  });
});
