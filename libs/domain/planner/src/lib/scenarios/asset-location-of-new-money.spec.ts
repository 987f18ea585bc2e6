import { parseTaxPolicy } from '@ballast/domain-tax';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { loadHighsSolver } from '../../testing/highs';
import { quotes, withPolicy } from '../../testing/households';

describe('asset location when placing new money (issue 6)', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  // 10,000 of new money, half in a taxable account, half in a traditional IRA; the household wants a
  // 50/50 mix of a taxable bond fund (interest taxed every year: tax-inefficient) and a US equity
  // index fund (qualified dividends, gains deferred: tax-efficient). Household-level targets are met
  // by either placement; the policy's asset classes put the bonds in the IRA.
  const household = {
    id: 'location',
    accounts: [
      { id: 'taxable', type: 'taxable', cash: '5000', lots: [] },
      { id: 'ira', type: 'traditional', cash: '5000', lots: [] },
    ],
    targets: { BND: 0.5, VTI: 0.5 },
  };
  const prices = quotes({ BND: '100', VTI: '100' });
  const context = { accountIds: ['taxable', 'ira'], symbols: ['BND', 'VTI'] };
  const frictionless = { cashBuffer: 0, minTradeValue: '0', costs: { commission: '0', spreadBps: 0 } };

  it('buys the bond fund in the IRA and the equity fund in the taxable account', () => {
    const plan = planRebalance(
      {
        portfolio: withPolicy(household, frictionless),
        prices,
        asOf: '2016-06-30',
        taxPolicy: parseTaxPolicy({ assetClasses: { BND: 'taxable-bond', VTI: 'us-equity' } }, context),
      },
      solver,
    );
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`).sort()).toEqual([
      'ira buy 50 BND',
      'taxable buy 50 VTI',
    ]);
  });

  it('with the ranking reversed, the placement reverses', () => {
    const plan = planRebalance(
      {
        portfolio: withPolicy(household, frictionless),
        prices,
        asOf: '2016-06-30',
        taxPolicy: parseTaxPolicy(
          {
            assetClasses: { BND: 'bonds', VTI: 'stocks' },
            locationRanking: ['stocks', 'bonds'],
          },
          context,
        ),
      },
      solver,
    );
    expect(plan.orders.map((o) => `${o.account} ${o.side} ${o.quantity} ${o.symbol}`).sort()).toEqual([
      'ira buy 50 VTI',
      'taxable buy 50 BND',
    ]);
  });

  it('names an asset class that is not in the ranking', () => {
    expect(() => parseTaxPolicy({ assetClasses: { BND: 'bond' } }, context)).toThrow(
      /policy\.assetClasses\.BND: expected an asset class of the ranking \(high-yield-bond, reit/,
    );
  });
});
