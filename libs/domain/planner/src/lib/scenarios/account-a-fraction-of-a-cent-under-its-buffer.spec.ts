import { Decimal } from '@ballast/domain-portfolio';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { quotes, withPolicy } from '../../testing/households';

describe('an account a fraction of a cent under its buffer, with a commission', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  // The state the backtester met: an account a fraction of a cent short, where any sale pays a
  // commission of 1.50, so the plan must sell enough to cover both. This spec checks the outcome on
  // the smallest such household, which the planner answers correctly even without the defences
  // added for it (a 1e-9 integrality tolerance, sales rounded up to the share grid, selling a little
  // more when no buy is left to trim); the multi-account case that needs them is the backtester's
  // "conserves value" spec, which fails with an InfeasiblePlanError when they are taken out.
  it('sells enough to cover the shortfall and the commission, exactly', () => {
    const portfolio = withPolicy(
      {
        id: 'slipped',
        accounts: [
          {
            id: 'ira',
            type: 'traditional',
            cash: '0',
            lots: [{ symbol: 'BBB', quantity: '299.388916', costBasis: '14969.45', acquired: '2015-02-02' }],
          },
        ],
        targets: { BBB: 1 },
      },
      {
        wholeShares: false,
        minTradeValue: '0',
        cashBuffer: 0,
        costs: { commission: '1.5', spreadBps: 15 },
        // The same state as a withdrawal of 0.00137 from an account without cash.
        cashFlow: '-0.00137',
      },
    );
    const plan = planRebalance({ portfolio, prices: quotes({ BBB: '50' }), asOf: '2015-05-01' }, solver);
    expect(plan.triggers.map((t) => t.kind)).toEqual(['cash-flow', 'cash-buffer']);
    expect(plan.orders).toHaveLength(1);
    expect(plan.orders[0]).toMatchObject({ account: 'ira', symbol: 'BBB', side: 'sell' });
    const cash = new Decimal(plan.after.accounts[0]?.cash ?? '-1');
    expect(cash.gte(0)).toBe(true);
    // 1.50 + 0.00137 at 50 less 15 bps: 0.030097 shares at least, on the 6-decimal grid.
    expect(new Decimal(plan.orders[0]?.quantity ?? '0').lte('0.0302')).toBe(true);
  });
});
