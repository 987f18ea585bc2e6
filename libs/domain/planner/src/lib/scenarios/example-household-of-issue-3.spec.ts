import { Decimal, parsePortfolioFile } from '@ballast/domain-portfolio';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { JUNE_30_2016, exampleHousehold, quotes } from '../../testing/households';

describe('the example household of issue 3 on 2016-06-30', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('sells SPY and buys TLT and EFA in the taxable account, sells first, and leaves the small IRA alone', () => {
    const plan = planRebalance(
      { portfolio: parsePortfolioFile(exampleHousehold()), prices: quotes(JUNE_30_2016), asOf: '2016-06-30' },
      solver,
    );
    // 120 SPY at 209.47999572753906 + 2500 + 100 of cash.
    expect(plan.value.total).toBe('27737.5994873046872');
    expect(
      plan.triggers.map((t) => `${t.kind} ${'symbol' in t ? t.symbol : 'account' in t ? t.account : ''}`),
    ).toEqual([
      'absolute-band EFA',
      'relative-band EFA',
      'absolute-band SPY',
      'relative-band SPY',
      'absolute-band TLT',
      'relative-band TLT',
    ]);
    // The optimum in whole shares: 79 SPY (16 548.92), 59 TLT (8 195.10), 49 EFA (2 735.18) against
    // targets of 16 642.56, 8 321.28 and 2 773.76; one share more of TLT or EFA breaks the buffer.
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'taxable sell 41 SPY',
      'taxable buy 49 EFA',
      'taxable buy 59 TLT',
    ]);
    const taxable = plan.after.accounts[0];
    expect(taxable?.account).toBe('taxable');
    // Cash after ≥ 0.5% of the account's value after, exactly.
    expect(new Decimal(taxable?.cash ?? '0').gte(new Decimal(taxable?.value ?? '0').times('0.005'))).toBe(
      true,
    );
    expect(plan.after.accounts[1]).toEqual({
      account: 'ira',
      type: 'traditional',
      cash: '100',
      value: '100',
    });
    // 2 bps of 8588.67982482910146 + 2735.17998504638678 + 8195.09963989257842 = 19518.95944976806666.
    expect(plan.costs).toEqual({
      commission: '0',
      spread: '3.903791889953613332',
      total: '3.903791889953613332',
    });
    expect(new Decimal(plan.after.total).plus(plan.costs.total).eq(plan.value.total)).toBe(true);
    expect(plan.after.portfolioDrift).toBeLessThan(0.01);
    expect(plan.explanation[0]).toBe(
      'Household smith is worth 27737.60 at prices of 2016-06-30 across 2 account(s); portfolio drift is 40.00%.',
    );
  });
});
