import { Decimal } from '@ballast/domain-portfolio';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { quotes, withPolicy } from '../../testing/households';

describe('band mode when the only out-of-band holding is underweight and an account is under its buffer', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  // The state the backtester met on 2010-09-03 (demo household, adaptive bands): SPY under its band,
  // the taxable account a few cents under its 0.2% buffer. Band mode trades SPY only toward its
  // target (buy), so without more the buffer could not be restored: InfeasiblePlanError. The account
  // under its buffer may sell in-band holdings too, selling only.
  it('raises the buffer by selling just enough of an in-band holding in that account', () => {
    // Targets AAA 50%, BBB 25%, CCC 25%; held AAA 42% (out of its 5-point band, under), BBB and
    // CCC 29% each (in band); the taxable account 4 dollars under its 0.2% buffer.
    const portfolio = withPolicy(
      {
        id: 'band-buffer',
        accounts: [
          {
            id: 'taxable',
            type: 'taxable',
            cash: '10.00',
            lots: [
              { symbol: 'AAA', quantity: '42', costBasis: '4200', acquired: '2015-02-02' },
              { symbol: 'BBB', quantity: '58', costBasis: '2900', acquired: '2015-02-02' },
            ],
          },
          {
            id: 'ira',
            type: 'traditional',
            cash: '10.00',
            lots: [{ symbol: 'CCC', quantity: '58', costBasis: '2900', acquired: '2015-02-02' }],
          },
        ],
        targets: { AAA: 0.5, BBB: 0.25, CCC: 0.25 },
      },
      {
        mode: 'band',
        bands: { absolute: 0.05 },
        wholeShares: true,
        minTradeValue: '0',
        cashBuffer: 0.002,
        costs: { commission: '0', spreadBps: 5 },
      },
    );
    const plan = planRebalance(
      { portfolio, prices: quotes({ AAA: '100', BBB: '50', CCC: '50' }), asOf: '2015-05-01' },
      solver,
    );
    expect(plan.triggers.map((t) => t.kind).sort()).toEqual(['absolute-band', 'cash-buffer']);
    // One BBB share (50) restores the buffer (14.22 on 7,110); no more in-band selling than that,
    // nothing in the IRA (not under its buffer: 10 >= 5.80), and no AAA bought without the cash.
    expect(plan.orders.map((o) => [o.account, o.side, o.symbol, o.quantity])).toEqual([
      ['taxable', 'sell', 'BBB', '1'],
    ]);
    const taxable = plan.after.accounts.find((a) => a.account === 'taxable');
    expect(new Decimal(taxable?.cash ?? '-1').gte(new Decimal('0.002').times(taxable?.value ?? '0'))).toBe(
      true,
    );
  });
});
