import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { exampleHousehold, quotes, withPolicy } from '../../testing/households';

describe('an account too small to hold a whole share', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  // The HSA has 150 in cash; the cheapest target costs 200 a share. Cash never moves between accounts.
  const raw = {
    ...exampleHousehold(),
    accounts: [
      {
        id: 'taxable',
        type: 'taxable',
        cash: '0',
        lots: [{ symbol: 'AAA', quantity: '50', costBasis: '8000', acquired: '2015-01-02' }],
      },
      { id: 'hsa', type: 'roth', cash: '150', lots: [] },
    ],
    transactions: [],
    targets: { AAA: 0.5, BBB: 0.5 },
  };
  const prices = quotes({ AAA: '200', BBB: '250' });
  const policy = { cashBuffer: 0, minTradeValue: '0', costs: { commission: '0', spreadBps: 0 } };

  it('with whole shares, leaves that account in cash and says why', () => {
    const plan = planRebalance(
      { portfolio: withPolicy(raw, { ...policy, wholeShares: true }), prices, asOf: '2016-06-30' },
      solver,
    );
    expect(plan.orders.filter((order) => order.account === 'hsa')).toEqual([]);
    expect(plan.after.accounts[1]).toEqual({ account: 'hsa', type: 'roth', cash: '150', value: '150' });
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'taxable sell 25 AAA',
      'taxable buy 20 BBB',
    ]);
    expect(plan.explanation).toContain(
      'Account hsa keeps 150.00 above its buffer in cash: less than one whole share of the cheapest target it may buy (AAA at 200.00).',
    );
  });

  it('with fractional shares, invests it', () => {
    const plan = planRebalance(
      { portfolio: withPolicy(raw, { ...policy, wholeShares: false }), prices, asOf: '2016-06-30' },
      solver,
    );
    const hsa = plan.orders.filter((order) => order.account === 'hsa');
    expect(hsa.length).toBeGreaterThan(0);
    expect(hsa.every((order) => order.side === 'buy' && !Number.isInteger(Number(order.quantity)))).toBe(
      true,
    );
    expect(Number(plan.after.accounts[1]?.cash)).toBeLessThan(0.01);
  });
});
