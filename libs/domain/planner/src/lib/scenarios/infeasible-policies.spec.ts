import { CashBufferInfeasibleError, WithdrawalInfeasibleError } from '../errors';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { exampleHousehold, quotes, withPolicy } from '../../testing/households';

describe('infeasible policies and a withdrawal', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  const raw = {
    ...exampleHousehold(),
    accounts: [
      {
        id: 'ira',
        type: 'traditional',
        cash: '0',
        lots: [{ symbol: 'AAA', quantity: '10', costBasis: '800', acquired: '2015-01-02' }],
      },
    ],
    transactions: [],
    targets: { AAA: 1 },
  };
  const prices = quotes({ AAA: '100' });
  const asOf = '2016-06-30';

  it('a cash buffer that cannot be met because the only holding may not be sold names the account and the shortfall', () => {
    const portfolio = withPolicy(raw, { cashBuffer: 0.1, restrictions: { doNotSell: ['AAA'] } });
    expect(() => planRebalance({ portfolio, prices, asOf }, solver)).toThrow(
      new CashBufferInfeasibleError('ira', '100.00', '0.00', '100.00'),
    );
    expect(() => planRebalance({ portfolio, prices, asOf }, solver)).toThrow(
      'policy.cashBuffer cannot be met in account "ira": it needs 100.00 in cash, at most 0.00 is reachable by selling what may be sold (short by 100.00)',
    );
  });

  it('a withdrawal of more than the account is worth names policy.cashFlow, the account and the shortfall', () => {
    // 10 AAA at 100 with a 2 bps spread raise 999.80; the withdrawal is 2 000.
    const portfolio = withPolicy(raw, { cashBuffer: 0, cashFlow: '-2000' });
    expect(() => planRebalance({ portfolio, prices, asOf }, solver)).toThrow(
      new WithdrawalInfeasibleError('ira', '2000.00', '999.80', '1000.20'),
    );
    expect(() => planRebalance({ portfolio, prices, asOf }, solver)).toThrow(
      'policy.cashFlow: a withdrawal of 2000.00 from account "ira" cannot be raised: its cash and what it may sell come to at most 999.80 after costs (short by 1000.20)',
    );
  });

  it('a withdrawal from an account whose holding may not be sold is a withdrawal error, not a buffer error', () => {
    const portfolio = withPolicy(raw, {
      cashBuffer: 0,
      cashFlow: '-500',
      restrictions: { doNotSell: ['AAA'] },
    });
    expect(() => planRebalance({ portfolio, prices, asOf }, solver)).toThrow(
      new WithdrawalInfeasibleError('ira', '500.00', '0.00', '500.00'),
    );
  });

  it('a withdrawal is raised by selling; with a turnover cap too tight for it, the error names both', () => {
    const uncapped = withPolicy(raw, {
      cashBuffer: 0,
      cashFlow: '-900',
      maxTurnover: null,
      minTradeValue: '0',
    });
    const plan = planRebalance({ portfolio: uncapped, prices, asOf }, solver);
    expect(plan.triggers).toContainEqual({
      kind: 'cash-buffer',
      account: 'ira',
      cash: '-900',
      required: '0.00',
    });
    expect(plan.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual(['sell 10 AAA']);
    // 9 shares raise 900 less 0.18 of spread (2 bps): 18 cents short, so the tenth share is sold too.
    expect(plan.after.accounts[0]?.cash).toBe('99.8');
    expect(plan.explanation).toContain('A withdrawal of 900.00 from ira is raised by the plan.');

    // Raising 900 in a household worth 100 after the withdrawal is a 450% one-way turnover.
    const capped = withPolicy(raw, { cashBuffer: 0, cashFlow: '-900', maxTurnover: 1, minTradeValue: '0' });
    expect(() => planRebalance({ portfolio: capped, prices, asOf }, solver)).toThrow(
      'no plan satisfies policy.cashBuffer in account(s) ira together with minTradeValue, maxTurnover and wholeShares: HiGHS proved the model infeasible',
    );
  });
});
