import { InvalidTaxInputError } from './household';
import { sellFromLots } from './lot-relief';
import { checkWashSalesPreTrade, type PreTradeInput, type ProposedOrder } from './pre-trade-check';
import { parseTaxPolicy } from './tax-policy';

// The pre-trade check of issue 6 (26 U.S.C. 1091; Rev. Rul. 2008-5 for IRA/Roth replacements).
// Household on 2024-08-05: brokerage (taxable), ira (traditional), roth; history since 2024-01-02.
const asOf = '2024-08-05';
const accounts = [
  { id: 'brokerage', type: 'taxable' as const },
  { id: 'ira', type: 'traditional' as const },
  { id: 'roth', type: 'roth' as const },
];
const policy = parseTaxPolicy(
  { identical: [['VOO', 'IVV']], substitutes: { VTI: ['ITOT'], VOO: ['VTI'], IVV: ['SCHX'] } },
  { accountIds: accounts.map((a) => a.id), symbols: ['VTI', 'ITOT', 'VOO', 'IVV', 'SCHX', 'BND'] },
);
// 100 VTI bought 2024-01-16 for 25,000, sold at 220: a 3,000 loss.
const vtiLossSale: ProposedOrder = {
  orderId: 'sell-vti',
  account: 'brokerage',
  symbol: 'VTI',
  side: 'sell',
  quantity: '100',
  price: '220',
  lots: sellFromLots({
    lots: [{ lotId: 'brokerage#0', quantity: '100', costBasis: '25000', acquiredOn: '2024-01-16' }],
    quantity: '100',
    price: '220',
    soldOn: asOf,
    method: 'fifo',
  }).sales,
};
const base: PreTradeInput = {
  orders: [],
  accounts,
  transactions: [
    { account: 'brokerage', symbol: 'VTI', side: 'buy', quantity: '100', price: '250', date: '2024-01-16' },
  ],
  pastLossSales: [],
  policy,
  asOf,
  coverage: { historyFrom: '2024-01-02' },
};

describe('checkWashSalesPreTrade', () => {
  it('passes a loss sale with no identical buy in the window, coverage complete', () => {
    const report = checkWashSalesPreTrade({ ...base, orders: [vtiLossSale] });
    expect(report.orders).toEqual([
      { orderId: 'sell-vti', verdict: 'ok', washes: [], disallowedLoss: '0', actions: [] },
    ]);
    expect(report.coverage).toEqual({ complete: true, gaps: [] });
  });

  it('flags a loss sale washed by a buy in another account 12 days ago, with the matching trade', () => {
    const report = checkWashSalesPreTrade({
      ...base,
      orders: [vtiLossSale],
      transactions: [
        ...base.transactions,
        { account: 'roth', symbol: 'VTI', side: 'buy', quantity: '40', price: '225', date: '2024-07-24' },
      ],
    });
    const [verdict] = report.orders;
    expect(verdict).toMatchObject({ verdict: 'permanently-lost', disallowedLoss: '1200' });
    expect(verdict?.washes[0]).toMatchObject({
      sale: { source: 'order', ref: 'sell-vti', lotId: 'brokerage#0' },
      replacement: {
        source: 'transaction',
        ref: '1',
        account: 'roth',
        accountType: 'roth',
        date: '2024-07-24',
      },
      quantity: '40',
      disallowedLoss: '1200',
      treatment: 'permanently-disallowed',
    });
    expect(verdict?.actions.map((a) => a.action)).toEqual(['remove', 'accept']);
    expect(verdict?.actions[1]?.detail).toBe(
      'the loss of 1200 is lost permanently (the replacement is in an IRA or Roth)',
    );
  });

  it('catches a plan that sells at a loss in one account and buys an identical fund in another', () => {
    const buyIvv: ProposedOrder = {
      orderId: 'buy-ivv',
      account: 'ira',
      symbol: 'IVV',
      side: 'buy',
      quantity: '10',
      price: '540',
    };
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
    const report = checkWashSalesPreTrade({ ...base, orders: [sellVoo, buyIvv] });
    expect(report.orders.map((o) => [o.orderId, o.verdict, o.disallowedLoss])).toEqual([
      ['sell-voo', 'permanently-lost', '200'],
      ['buy-ivv', 'permanently-lost', '200'],
    ]);
    expect(report.orders[0]?.actions).toEqual([
      { action: 'remove', detail: 'keep the lots: no loss is realized, none is disallowed' },
      {
        action: 'buy-substitute',
        orderId: 'buy-ivv',
        substitute: 'SCHX',
        detail: 'buy SCHX instead of IVV in order buy-ivv',
      },
      {
        action: 'accept',
        detail: 'the loss of 200 is lost permanently (the replacement is in an IRA or Roth)',
      },
    ]);
    expect(report.orders[1]?.actions[1]).toEqual({
      action: 'buy-substitute',
      substitute: 'SCHX',
      detail: 'buy SCHX instead of IVV',
    });
  });

  it('checks a proposed buy against the loss sales of the past 30 days, and not beyond', () => {
    const buyVti: ProposedOrder = {
      orderId: 'buy-vti',
      account: 'brokerage',
      symbol: 'VTI',
      side: 'buy',
      quantity: '50',
      price: '221',
    };
    const withLossOn = (date: string) =>
      checkWashSalesPreTrade({
        ...base,
        orders: [buyVti],
        pastLossSales: [
          {
            account: 'brokerage',
            symbol: 'VTI',
            date,
            quantity: '100',
            loss: '3000',
            acquired: '2024-01-16',
          },
        ],
      }).orders[0];
    expect(withLossOn('2024-07-06')).toMatchObject({ verdict: 'would-wash', disallowedLoss: '1500' });
    expect(withLossOn('2024-07-06')?.washes[0]).toMatchObject({
      sale: { source: 'past-loss-sale', ref: '0' },
      replacement: { source: 'order', ref: 'buy-vti' },
      treatment: 'basis-adjusted',
      // Sold shares held 172 days (2024-01-16 to 2024-07-06): the new shares count from 2024-02-15.
      holdingPeriodFrom: '2024-02-15',
    });
    expect(withLossOn('2024-07-06')?.actions.map((a) => a.action)).toEqual([
      'remove',
      'buy-substitute',
      'accept',
    ]);
    expect(withLossOn('2024-07-05')?.verdict).toBe('ok');
  });

  it("washes a loss sale pending in another portfolio's proposal with a buy proposed here, and leaves the coverage alone", () => {
    // Publication 550 (2023), "Wash Sales": a loss is disallowed when substantially identical stock
    // is bought within 30 days after the sale, the spouse's purchases included. Pending elsewhere,
    // the sale trades on approval, i.e. on the trade date of this buy.
    const withoutPastLosses: PreTradeInput = { ...base, pastLossSales: undefined };
    const buyIvv: ProposedOrder = {
      orderId: 'buy-ivv',
      account: 'ira',
      symbol: 'IVV',
      side: 'buy',
      quantity: '40',
      price: '500',
    };
    const pending = { account: 'brokerage', symbol: 'VOO', date: asOf, quantity: '100', loss: '2000' };
    const report = checkWashSalesPreTrade({
      ...withoutPastLosses,
      orders: [buyIvv],
      pendingLossSales: [pending],
    });
    // VOO and IVV are identical under the policy; 40 of the 100 shares' loss (20 each), lost for good
    // since the replacement is in the IRA (Rev. Rul. 2008-5).
    expect(report.orders[0]).toMatchObject({ verdict: 'permanently-lost', disallowedLoss: '800' });
    expect(report.orders[0]?.washes[0]).toMatchObject({
      sale: { source: 'pending-loss-sale', ref: '0', account: 'brokerage', symbol: 'VOO', date: asOf },
      replacement: { source: 'order', ref: 'buy-ivv' },
    });
    expect(report.coverage).toEqual(
      checkWashSalesPreTrade({ ...withoutPastLosses, orders: [buyIvv] }).coverage,
    );
    // The pending sale relieves VOO bought 10 days ago: that purchase is its lot, not its replacement.
    const boughtOn = '2024-07-26';
    const ownLot = checkWashSalesPreTrade({
      ...withoutPastLosses,
      orders: [buyIvv],
      transactions: [
        ...base.transactions,
        { account: 'brokerage', symbol: 'VOO', side: 'buy', quantity: '100', price: '520', date: boughtOn },
      ],
      pendingLossSales: [{ ...pending, acquired: boughtOn }],
    });
    expect(ownLot.orders[0]).toMatchObject({ verdict: 'permanently-lost', disallowedLoss: '800' });
    // A pending sale in an IRA realizes no deductible loss; one elsewhere than identical is no match.
    expect(
      checkWashSalesPreTrade({
        ...withoutPastLosses,
        orders: [buyIvv],
        pendingLossSales: [{ ...pending, account: 'ira' }],
      }).orders[0]?.verdict,
    ).toBe('ok');
    expect(
      checkWashSalesPreTrade({
        ...withoutPastLosses,
        orders: [buyIvv],
        pendingLossSales: [{ ...pending, symbol: 'BND' }],
      }).orders[0]?.verdict,
    ).toBe('ok');
  });

  it('does not let a past buy that already replaced an earlier loss replace a new one', () => {
    const report = checkWashSalesPreTrade({
      ...base,
      orders: [vtiLossSale],
      transactions: [
        ...base.transactions,
        {
          account: 'brokerage',
          symbol: 'VTI',
          side: 'buy',
          quantity: '100',
          price: '230',
          date: '2024-07-20',
        },
      ],
      pastLossSales: [
        { account: 'brokerage', symbol: 'VTI', date: '2024-07-15', quantity: '100', loss: '500' },
      ],
    });
    expect(report.orders[0]?.verdict).toBe('ok');
  });

  it('never washes a sale inside an IRA: there is no deductible loss', () => {
    const iraSale = { ...vtiLossSale, account: 'ira' };
    const buy: ProposedOrder = {
      orderId: 'buy',
      account: 'brokerage',
      symbol: 'VTI',
      side: 'buy',
      quantity: '1',
      price: '220',
    };
    expect(checkWashSalesPreTrade({ ...base, orders: [iraSale, buy] }).orders.map((o) => o.verdict)).toEqual([
      'ok',
      'ok',
    ]);
    expect(
      checkWashSalesPreTrade({ ...base, orders: [vtiLossSale, buy] }).orders.map((o) => o.verdict),
    ).toEqual(['would-wash', 'would-wash']);
  });

  it('does not count the relieved lot’s own purchase as its replacement', () => {
    const recent: ProposedOrder = {
      ...vtiLossSale,
      lots: vtiLossSale.lots?.map((l) => ({ ...l, acquiredOn: '2024-07-22', term: 'short' as const })),
    };
    const report = checkWashSalesPreTrade({
      ...base,
      orders: [recent],
      transactions: [
        {
          account: 'brokerage',
          symbol: 'VTI',
          side: 'buy',
          quantity: '100',
          price: '250',
          date: '2024-07-22',
        },
      ],
    });
    expect(report.orders[0]?.verdict).toBe('ok');
  });

  it('says the coverage is incomplete: short history, missing accounts, unknown sale results', () => {
    const report = checkWashSalesPreTrade({
      ...base,
      orders: [vtiLossSale],
      transactions: [
        { account: 'ira', symbol: 'BND', side: 'sell', quantity: '10', price: '72', date: '2024-07-20' },
      ],
      pastLossSales: undefined,
      coverage: { missingAccounts: ['spouse-401k'] },
    });
    expect(report.coverage.complete).toBe(false);
    expect(report.coverage.gaps.map((g) => g.code)).toEqual([
      'history-shorter-than-30-days',
      'accounts-missing',
      'unknown-sale-result',
    ]);
    expect(report.coverage.gaps[0]?.detail).toBe(
      'the history starts on 2024-07-20, 16 days before 2024-08-05: trades before it are unknown',
    );
    expect(checkWashSalesPreTrade({ ...base, transactions: [], coverage: {} }).coverage.gaps[0]?.code).toBe(
      'history-shorter-than-30-days',
    );
  });

  it('rejects malformed orders, naming the field', () => {
    expect(() =>
      checkWashSalesPreTrade({ ...base, orders: [{ ...vtiLossSale, account: 'spouse' }] }),
    ).toThrow(InvalidTaxInputError);
    expect(() => checkWashSalesPreTrade({ ...base, orders: [{ ...vtiLossSale, lots: undefined }] })).toThrow(
      'orders[0].lots: a sell order needs the lots it relieves',
    );
    expect(() => checkWashSalesPreTrade({ ...base, orders: [{ ...vtiLossSale, quantity: '101' }] })).toThrow(
      'orders[0].lots: the lots relieve 100 shares, the order sells 101',
    );
    expect(() => checkWashSalesPreTrade({ ...base, orders: [{ ...vtiLossSale, quantity: '-1' }] })).toThrow(
      'orders[0].quantity: must be positive, got -1',
    );
  });
});
