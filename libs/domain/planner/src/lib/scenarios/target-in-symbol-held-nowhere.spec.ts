import { UnreachableTargetError } from '../errors';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { exampleHousehold, quotes, withPolicy } from '../../testing/households';

describe('a target in a symbol held nowhere', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  const raw = {
    ...exampleHousehold(),
    accounts: [
      {
        id: 'roth',
        type: 'roth',
        cash: '0',
        lots: [{ symbol: 'AAA', quantity: '100', costBasis: '8000', acquired: '2015-01-02' }],
      },
    ],
    transactions: [],
    targets: { AAA: 0.7, NEW: 0.3 },
  };
  const prices = quotes({ AAA: '100', NEW: '20' });

  it('is bought with the proceeds of the overweight holding, in the same account', () => {
    const portfolio = withPolicy(raw, {
      cashBuffer: 0,
      minTradeValue: '0',
      costs: { commission: '0', spreadBps: 0 },
    });
    const plan = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    expect(plan.drift.rows.find((row) => row.symbol === 'NEW')).toMatchObject({
      currentWeight: 0,
      targetWeight: 0.3,
    });
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'roth sell 30 AAA',
      'roth buy 150 NEW',
    ]);
    expect(plan.after.portfolioDrift).toBe(0);
  });

  it('raises UnreachableTargetError when that symbol may not be bought', () => {
    const portfolio = withPolicy(raw, { restrictions: { doNotBuy: ['NEW'] } });
    expect(() => planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver)).toThrow(
      new UnreachableTargetError('NEW', 0.3, 'doNotBuy'),
    );
    expect(() => planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver)).toThrow(
      'targets.NEW (0.3) is unreachable: NEW is held nowhere and policy.restrictions.doNotBuy lists it, so it cannot be bought (short by the whole 0.3)',
    );
  });
});
