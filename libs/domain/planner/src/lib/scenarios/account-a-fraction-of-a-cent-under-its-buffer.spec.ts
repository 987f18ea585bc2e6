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

  // Found by the backtester: slippage left an IRA at -0.00137 of cash. Any sale pays a commission of
  // 1.50, so the plan must sell enough to cover both. HiGHS's default integrality tolerance accepted an
  // order's on/off switch at 1e-7 (a sale without its commission in the model), and rounding the sale
  // to the share grid lost a fraction of a cent; the planner now asks for a tight tolerance, rounds
  // sales up and, with no buy left to trim, sells a little more.
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
