import { parseTaxPolicy } from '@ballast/domain-tax';
import { type LinearSolver } from '../linear-program';
import { planRebalance, saleTaxCurve } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { quotes, withPolicy } from '../../testing/households';

describe('a tax-aware plan', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  // 60/40 AAA/BBB wanted; AAA is 80% of the household, held in both the taxable account (bought at 20,
  // now 100: a long-term gain of 80 a share) and the IRA. BBB is bought in whichever account sells.
  const household = {
    id: 'tax',
    accounts: [
      {
        id: 'taxable',
        type: 'taxable',
        cash: '0',
        lots: [{ symbol: 'AAA', quantity: '40', costBasis: '800', acquired: '2010-01-04' }],
      },
      {
        id: 'ira',
        type: 'traditional',
        cash: '0',
        lots: [
          { symbol: 'AAA', quantity: '40', costBasis: '4000', acquired: '2012-01-03' },
          { symbol: 'BBB', quantity: '20', costBasis: '2000', acquired: '2012-01-03' },
        ],
      },
    ],
    targets: { AAA: 0.6, BBB: 0.4 },
  };
  const prices = quotes({ AAA: '100', BBB: '100' });
  const frictionless = { cashBuffer: 0, minTradeValue: '0', costs: { commission: '0', spreadBps: 0 } };
  const context = { accountIds: ['taxable', 'ira'], symbols: ['AAA', 'BBB'] };

  it('sells in the IRA, where a sale costs no tax, rather than in the taxable account', () => {
    const portfolio = withPolicy(household, frictionless);
    const plan = planRebalance(
      {
        portfolio,
        prices,
        asOf: '2016-06-30',
        taxPolicy: parseTaxPolicy({ taxRates: { shortTerm: 0.35, longTerm: 0.15 } }, context),
      },
      solver,
    );
    // 10 000 in all: AAA 8 000 -> 6 000, so 20 AAA are sold and 20 BBB bought, all inside the IRA.
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'ira sell 20 AAA',
      'ira buy 20 BBB',
    ]);
    // Without the tax policy the two accounts' sales are equally good to the planner; with it, a sale
    // in the taxable account would cost 20 x 80 x 15% = 240 of tax.
    const untaxed = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    expect(untaxed.orders.filter((o) => o.side === 'sell').reduce((n, o) => n + Number(o.quantity), 0)).toBe(
      20,
    );
  });

  it('still sells what the targets need when every sale is taxed: tax weighs against drift dollar for dollar', () => {
    const taxableOnly = {
      ...household,
      accounts: [
        {
          ...household.accounts[0],
          lots: [
            ...household.accounts[0]!.lots,
            { symbol: 'BBB', quantity: '10', costBasis: '1000', acquired: '2010-01-04' },
          ],
        },
      ],
    };
    const plan = planRebalance(
      {
        portfolio: withPolicy(taxableOnly, frictionless),
        prices,
        asOf: '2016-06-30',
        taxPolicy: parseTaxPolicy(
          { taxRates: { shortTerm: 0.35, longTerm: 0.15 } },
          { accountIds: ['taxable'], symbols: ['AAA', 'BBB'] },
        ),
      },
      solver,
    );
    // 5 000: AAA 4 000 -> 3 000. Each share sold costs 12 of tax (80 x 15%) and closes 200 of distance.
    expect(plan.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'sell 10 AAA',
      'buy 10 BBB',
    ]);
  });
});

describe('saleTaxCurve', () => {
  it('keeps pieces whose tax per share rises along the relief order', () => {
    expect(
      saleTaxCurve([
        { shares: 10, taxPerShare: 1 },
        { shares: 5, taxPerShare: 4 },
      ]),
    ).toEqual([
      { shares: 10, taxPerShare: 1 },
      { shares: 5, taxPerShare: 4 },
    ]);
  });

  it('replaces falling pieces by their convex minorant (FIFO over old gains first)', () => {
    // Cumulative tax 0 -> 50 -> 60 over 20 shares: the minorant is the straight line, 3 a share.
    expect(
      saleTaxCurve([
        { shares: 10, taxPerShare: 5 },
        { shares: 10, taxPerShare: 1 },
      ]),
    ).toEqual([{ shares: 20, taxPerShare: 3 }]);
  });

  it('counts losses at zero', () => {
    expect(
      saleTaxCurve([
        { shares: 10, taxPerShare: -2 },
        { shares: 10, taxPerShare: 4 },
      ]),
    ).toEqual([
      { shares: 10, taxPerShare: 0 },
      { shares: 10, taxPerShare: 4 },
    ]);
  });
});
