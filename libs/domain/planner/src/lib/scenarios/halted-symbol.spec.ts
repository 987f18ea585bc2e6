import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { exampleHousehold, quotes, withPolicy } from '../../testing/households';

describe('a halted symbol', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('is never traded even when far overweight, the rest is rebalanced around it, and the plan says so', () => {
    // AAA is 80% against a 50% target but halted; BBB and CCC share what is left.
    const raw = {
      ...exampleHousehold(),
      accounts: [
        {
          id: 'ira',
          type: 'traditional',
          cash: '2000',
          lots: [{ symbol: 'AAA', quantity: '80', costBasis: '8000', acquired: '2015-01-02' }],
        },
      ],
      transactions: [],
      targets: { AAA: 0.5, BBB: 0.25, CCC: 0.25 },
    };
    const portfolio = withPolicy(raw, {
      cashBuffer: 0,
      minTradeValue: '0',
      costs: { commission: '0', spreadBps: 0 },
      restrictions: { halted: ['AAA'] },
    });
    const plan = planRebalance(
      { portfolio, prices: quotes({ AAA: '100', BBB: '50', CCC: '25' }), asOf: '2016-06-30' },
      solver,
    );
    expect(plan.orders.some((order) => order.symbol === 'AAA')).toBe(false);
    expect(plan.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'buy 20 BBB',
      'buy 40 CCC',
    ]);
    expect(plan.explanation).toContain('AAA is halted: it is never traded, and the plan leaves it as it is.');
  });
});
