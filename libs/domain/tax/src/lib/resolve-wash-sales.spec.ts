import { type PreTradeInput, type ProposedOrder } from './pre-trade-check';
import { resolveWashSales } from './resolve-wash-sales';
import { parseTaxPolicy } from './tax-policy';

// Issue 6, "Pre-trade": trades that would create a wash sale (26 U.S.C. 1091) are removed, changed
// (the substitute instead) or flagged as accepted, with the reason. Household on 2024-08-05.
const policy = parseTaxPolicy(
  { identical: [['VOO', 'IVV']], substitutes: { IVV: ['SCHX'], VTI: ['ITOT'] } },
  { accountIds: ['brokerage', 'ira'], symbols: ['VOO', 'IVV', 'SCHX', 'VTI', 'ITOT'] },
);
const sellVoo: ProposedOrder = {
  orderId: 'sell-voo',
  account: 'brokerage',
  symbol: 'VOO',
  side: 'sell',
  quantity: '10',
  price: '480',
  lots: [
    {
      lotId: 'brokerage#1',
      acquiredOn: '2022-01-03',
      quantity: '10',
      costBasis: '5000',
      proceeds: '4800',
      gain: '-200',
      term: 'long',
    },
  ],
};
const buyIvv: ProposedOrder = {
  orderId: 'buy-ivv',
  account: 'ira',
  symbol: 'IVV',
  side: 'buy',
  quantity: '10',
  price: '540',
};
const input: PreTradeInput = {
  orders: [sellVoo, buyIvv],
  accounts: [
    { id: 'brokerage', type: 'taxable' },
    { id: 'ira', type: 'traditional' },
  ],
  transactions: [
    { account: 'brokerage', symbol: 'VOO', side: 'buy', quantity: '10', price: '500', date: '2022-01-03' },
  ],
  pastLossSales: [],
  policy,
  asOf: '2024-08-05',
};
const prices = new Map([['SCHX', '60']]);

describe('resolveWashSales', () => {
  it('buys the substitute instead of the identical fund, keeping the loss sale', () => {
    const resolved = resolveWashSales(input, { prices });
    expect(resolved.orders.map((o) => `${o.orderId} ${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'sell-voo sell 10 VOO',
      'buy-ivv buy 90 SCHX', // 10 × 540 = 5,400 of SCHX at 60
    ]);
    expect(resolved.decisions).toEqual([
      {
        orderId: 'buy-ivv',
        decision: 'changed',
        reason:
          'would wash order sell-voo in brokerage: 200 of loss would be lost permanently (IRA/Roth replacement); buys 90 SCHX instead of 10 IVV',
      },
    ]);
    expect(resolved.report.orders.map((o) => o.verdict)).toEqual(['ok', 'ok']);
  });

  it('removes the buy when asked, or accepts both with the consequence', () => {
    const removed = resolveWashSales(input, { prices, resolution: 'remove' });
    expect(removed.orders.map((o) => o.orderId)).toEqual(['sell-voo']);
    expect(removed.decisions.map((d) => [d.orderId, d.decision])).toEqual([['buy-ivv', 'removed']]);
    const accepted = resolveWashSales(input, { prices, resolution: 'accept' });
    expect(accepted.orders).toEqual(input.orders);
    expect(accepted.decisions.map((d) => [d.orderId, d.decision])).toEqual([
      ['sell-voo', 'accepted'],
      ['buy-ivv', 'accepted'],
    ]);
    expect(accepted.report.orders.map((o) => o.verdict)).toEqual(['permanently-lost', 'permanently-lost']);
  });

  it('removes a loss sale washed by a past buy: the lot is kept', () => {
    const resolved = resolveWashSales(
      {
        ...input,
        orders: [sellVoo],
        transactions: [
          ...input.transactions,
          { account: 'ira', symbol: 'IVV', side: 'buy', quantity: '4', price: '530', date: '2024-07-30' },
        ],
      },
      { prices },
    );
    expect(resolved.orders).toEqual([]);
    expect(resolved.decisions).toEqual([
      {
        orderId: 'sell-voo',
        decision: 'removed',
        reason:
          'washed by the buy of 2024-07-30 in ira: 80 of loss would be lost permanently (IRA/Roth replacement); the lots are kept instead',
      },
    ]);
  });
});
