import { applyWashSaleAdjustments } from '../lib/wash-sale-adjustment';
import { sellFromLots } from '../lib/lot-relief';
import { findWashSales, lossSalesOf } from '../lib/wash-sale';
import { netCapitalGains } from '../lib/capital-loss-netting';
import { addDays, buy, IRA, lot, TAXABLE } from './household.fixture';

// 26 U.S.C. 1091(a) disallows a loss when substantially identical stock is acquired within 30 days;
// Rev. Rul. 2008-5 holds that a purchase by the taxpayer's IRA or Roth IRA triggers it, and that the
// disallowed loss does NOT increase the basis of the IRA's shares: the loss is lost for good.
describe('scenario: a buy in the IRA 10 days after a loss sale in the taxable account', () => {
  const soldOn = '2024-08-05';
  // 100 VTI bought for 25,000.00 (250/sh), sold at 220: a 3,000 short-term loss.
  const sale = sellFromLots({ lots: [lot()], quantity: '100', price: '220', soldOn, method: 'fifo' });
  const losses = lossSalesOf({ saleId: 'S1', accountId: TAXABLE, symbol: 'VTI', soldOn }, sale.sales);
  const iraBuy = buy({
    purchaseId: 'IRA-B1',
    accountId: IRA,
    accountType: 'traditional',
    boughtOn: addDays(soldOn, 10),
  });

  it('disallows the whole loss and says it is lost permanently', () => {
    expect(sale.sales[0]?.gain).toBe('-3000');
    const report = findWashSales(losses, [iraBuy]);
    expect(report.matches).toHaveLength(1);
    expect(report.matches[0]).toMatchObject({
      saleId: 'S1:L1',
      purchaseId: 'IRA-B1',
      quantity: '100',
      disallowedLoss: '3000',
      treatment: 'permanently-disallowed',
    });
    expect(report.allowedLoss.get('S1:L1')).toBe('0');
  });

  it('adds nothing to the IRA shares’ basis and deducts nothing this year', () => {
    const report = findWashSales(losses, [iraBuy]);
    const iraLots = [lot({ lotId: 'IRA-B1', costBasis: '22000.00', acquiredOn: iraBuy.boughtOn })];
    expect(applyWashSaleAdjustments(iraLots, report.matches)).toEqual(iraLots);
    const year = netCapitalGains({ shortTerm: [`-${report.allowedLoss.get('S1:L1') ?? ''}`], longTerm: [] });
    expect(year.deductedLoss).toBe('0');
    expect(year.carryforward).toEqual({ shortTerm: '0', longTerm: '0' });
  });
});
