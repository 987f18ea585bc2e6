import { Decimal } from '@ballast/domain-portfolio';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { exampleHousehold, quotes, withPolicy } from '../../testing/households';

describe('a deposit into a drifted portfolio', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  // 60/40 target, held 70/30 (7000 of AAA, 3000 of BBB at 100 each); a 2000 deposit arrives. The
  // household of 12 000 wants 7200/4800: both are underweight, so the deposit is all bought, no sale.
  const raw = {
    ...exampleHousehold(),
    accounts: [
      {
        id: 'brokerage',
        type: 'taxable',
        cash: '0',
        lots: [
          { symbol: 'AAA', quantity: '70', costBasis: '5000', acquired: '2015-01-02' },
          { symbol: 'BBB', quantity: '30', costBasis: '3000', acquired: '2015-01-02' },
        ],
      },
    ],
    transactions: [],
    targets: { AAA: 0.6, BBB: 0.4 },
  };
  const prices = quotes({ AAA: '100', BBB: '100' });

  it('invests the deposit in both underweight holdings and reaches the target exactly', () => {
    const portfolio = withPolicy(raw, {
      cashFlow: '2000',
      cashBuffer: 0,
      minTradeValue: '0',
      costs: { commission: '0', spreadBps: 0 },
    });
    const plan = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    expect(plan.triggers).toContainEqual({ kind: 'cash-flow', account: 'brokerage', amount: '2000' });
    expect(plan.value.total).toBe('12000');
    expect(plan.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'buy 2 AAA',
      'buy 18 BBB',
    ]);
    expect(plan.after.weights).toEqual([
      { symbol: 'AAA', weight: 0.6, targetWeight: 0.6 },
      { symbol: 'BBB', weight: 0.4, targetWeight: 0.4 },
    ]);
    expect(plan.after.accounts[0]?.cash).toBe('0');
    expect(plan.after.portfolioDrift).toBe(0);
    expect(plan.explanation).toContain('A deposit of 2000.00 into brokerage is included in the plan.');
  });

  it('with a commission of 250, skips the 2-share buy of AAA that closes less distance than it costs', () => {
    const portfolio = withPolicy(raw, {
      cashFlow: '2000',
      cashBuffer: 0,
      minTradeValue: '0',
      costs: { commission: '250', spreadBps: 0 },
    });
    const plan = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    // 17 BBB: 1700 + 250 commission fits the 2000; 18 would leave -50 in cash.
    expect(plan.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual(['buy 17 BBB']);
    expect(plan.costs).toEqual({ commission: '250', spread: '0', total: '250' });
    expect(plan.after.accounts[0]?.cash).toBe('50');
    expect(new Decimal(plan.after.total).plus(plan.costs.total).eq(plan.value.total)).toBe(true);
  });
});
