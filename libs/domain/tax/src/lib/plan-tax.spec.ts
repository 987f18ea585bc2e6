import { InsufficientSharesError } from './lot-relief';
import { taxOfPlan, type PlanTaxInput } from './plan-tax';
import { parseTaxPolicy } from './tax-policy';

// A plan on 2024-09-03 at 170 a share. Brokerage (taxable, HIFO): A 100 VTI bought 2019-01-10 for
// 10,000; B 100 VTI bought 2023-06-01 for 18,000. IRA: 50 VTI bought 2024-01-02 for 9,000.
// 1,000 of short-term loss carried in. Wash sale with an IRA replacement: Rev. Rul. 2008-5.
const input: PlanTaxInput = {
  accounts: [
    {
      id: 'brokerage',
      type: 'taxable',
      lots: [
        { symbol: 'VTI', quantity: '100', costBasis: '10000', acquired: '2019-01-10' },
        { symbol: 'VTI', quantity: '100', costBasis: '18000', acquired: '2023-06-01' },
      ],
    },
    {
      id: 'ira',
      type: 'traditional',
      lots: [{ symbol: 'VTI', quantity: '50', costBasis: '9000', acquired: '2024-01-02' }],
    },
  ],
  transactions: [
    { account: 'ira', symbol: 'VTI', side: 'buy', quantity: '50', price: '180', date: '2024-01-02' },
  ],
  policy: parseTaxPolicy(
    {
      lotMethod: { brokerage: 'hifo' },
      taxRates: { shortTerm: 0.24, longTerm: 0.15, state: 0.05 },
      carryForward: { shortTerm: '1000' },
    },
    { accountIds: ['brokerage', 'ira'], symbols: ['VTI'] },
  ),
  asOf: '2024-09-03',
  orders: [
    { orderId: 'sell-1', account: 'brokerage', symbol: 'VTI', side: 'sell', quantity: '150', price: '170' },
    { orderId: 'sell-2', account: 'brokerage', symbol: 'VTI', side: 'sell', quantity: '30', price: '170' },
    { orderId: 'ira-sell', account: 'ira', symbol: 'VTI', side: 'sell', quantity: '10', price: '170' },
    { orderId: 'ira-buy', account: 'ira', symbol: 'VTI', side: 'buy', quantity: '20', price: '170' },
  ],
};

describe('taxOfPlan', () => {
  const report = taxOfPlan(input);

  it('relieves lots per sell by the account’s method, the second sell from what the first left', () => {
    expect(
      report.orders.map((o) => o.lots.map((l) => [l.lotId, l.quantity, l.gain, l.term, l.disallowedLoss])),
    ).toEqual([
      [
        ['brokerage#1', '100', '-1000', 'long', '200'],
        ['brokerage#0', '50', '3500', 'long', '0'],
      ],
      [['brokerage#0', '30', '2100', 'long', '0']],
      [['ira#0', '10', '-100', 'short', '0']],
      [],
    ]);
  });

  it('reports the wash sale the plan causes: 20 replacement shares in the IRA, 200 lost permanently', () => {
    expect(report.washSales).toEqual([
      {
        orderId: 'sell-1',
        lotId: 'brokerage#1',
        account: 'brokerage',
        symbol: 'VTI',
        replacement: { source: 'order', ref: 'ira-buy', account: 'ira', symbol: 'VTI', date: '2024-09-03' },
        quantity: '20',
        disallowedLoss: '200',
        basisAdjustment: '0',
        permanentlyLost: true,
      },
    ]);
    expect(report.orders[3]?.washSale.verdict).toBe('permanently-lost');
  });

  it('realizes per account with the washed loss removed, and taxes only the taxable account', () => {
    // Brokerage long-term: −1,000 + 200 disallowed + 3,500 + 2,100 = 4,800.
    expect(report.realized).toEqual([
      { account: 'brokerage', type: 'taxable', shortTerm: '0', longTerm: '4800', taxable: true },
      { account: 'ira', type: 'traditional', shortTerm: '-100', longTerm: '0', taxable: false },
    ]);
    // Carried-in 1,000 short-term loss: net 3,800 long-term; 3,800 × 15% = 570.00, × 5% state = 190.00.
    expect([report.netting.taxableLongTermGain, report.estimatedTax.total]).toEqual(['3800', '760.00']);
    expect(report.coverage.complete).toBe(true);
  });

  it('refuses a plan that sells more than an account holds', () => {
    expect(() =>
      taxOfPlan({
        ...input,
        orders: [{ account: 'ira', symbol: 'VTI', side: 'sell', quantity: '51', price: '170' }],
      }),
    ).toThrow(InsufficientSharesError);
  });
});
