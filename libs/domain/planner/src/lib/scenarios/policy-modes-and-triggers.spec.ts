import { type PortfolioFile } from '@ballast/domain-portfolio';
import { type LinearSolver } from '../linear-program';
import { planRebalance } from '../plan';
import { latestScheduledDate } from '../triggers';
import { loadHighsSolver } from '../../testing/highs';
import { exampleHousehold, quotes, withPolicy } from '../../testing/households';

// One taxable account of 10 000 at prices of 100: AAA 5 000 (target 40%), BBB 3 000 (30%),
// CCC 1 000 (20%), DDD 1 000 (10%), no cash. Drifts: AAA +10, BBB 0, CCC -10, DDD 0 points.
const household = {
  ...exampleHousehold(),
  accounts: [
    {
      id: 'brokerage',
      type: 'taxable',
      cash: '0',
      lots: [
        { symbol: 'AAA', quantity: '50', costBasis: '4000', acquired: '2015-01-02' },
        { symbol: 'BBB', quantity: '30', costBasis: '3000', acquired: '2015-01-02' },
        { symbol: 'CCC', quantity: '10', costBasis: '1000', acquired: '2015-01-02' },
        { symbol: 'DDD', quantity: '10', costBasis: '1000', acquired: '2015-01-02' },
      ],
    },
  ],
  transactions: [],
  targets: { AAA: 0.4, BBB: 0.3, CCC: 0.2, DDD: 0.1 },
};
const prices = quotes({ AAA: '100', BBB: '100', CCC: '100', DDD: '100' });
const frictionless = { cashBuffer: 0, minTradeValue: '0', costs: { commission: '0', spreadBps: 0 } };

function orders(portfolio: PortfolioFile, solver: LinearSolver, asOf = '2016-06-30'): string[] {
  return planRebalance({ portfolio, prices, asOf }, solver).orders.map(
    (o) => `${o.side} ${o.quantity} ${o.symbol}`,
  );
}

describe('planning modes and triggers', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('band mode to the band edge stops just inside the band instead of at the target', () => {
    const edge = withPolicy(household, {
      ...frictionless,
      mode: 'band',
      bandTarget: 'edge',
      bands: { absolute: 0.05 },
    });
    // AAA 50% -> 45% (target 40% + 5), CCC 10% -> 15% (20% - 5): five shares each way.
    expect(orders(edge, solver)).toEqual(['sell 5 AAA', 'buy 5 CCC']);
    const toTarget = withPolicy(household, { ...frictionless, mode: 'band', bands: { absolute: 0.05 } });
    expect(orders(toTarget, solver)).toEqual(['sell 10 AAA', 'buy 10 CCC']);
  });

  it('partial mode trades only the N largest drifts', () => {
    const withCash = { ...household, accounts: [{ ...household.accounts[0], cash: '1000' }] };
    // 11 000 in all: drifts AAA +5.45, BBB -2.73, CCC -10.91, DDD -0.91 points; the two largest are CCC and AAA.
    const plan = planRebalance(
      {
        portfolio: withPolicy(withCash, { ...frictionless, mode: 'partial', partialSymbols: 2 }),
        prices,
        asOf: '2016-06-30',
      },
      solver,
    );
    expect(new Set(plan.orders.map((order) => order.symbol))).toEqual(new Set(['AAA', 'CCC']));
  });

  it('partial mode never sells only to park the proceeds in cash: cash counts as a holding', () => {
    // 11 000 in all: AAA 60 shares (54.5% against 40%: +14.5 points), BBB -2.7, CCC -10.9, DDD -0.9.
    const heavy = {
      ...household,
      accounts: [
        {
          ...household.accounts[0],
          lots: [
            { symbol: 'AAA', quantity: '60', costBasis: '4000', acquired: '2015-01-02' },
            { symbol: 'BBB', quantity: '30', costBasis: '3000', acquired: '2015-01-02' },
            { symbol: 'CCC', quantity: '10', costBasis: '1000', acquired: '2015-01-02' },
            { symbol: 'DDD', quantity: '10', costBasis: '1000', acquired: '2015-01-02' },
          ],
        },
      ],
    };
    const costly = { ...frictionless, costs: { commission: '0', spreadBps: 10 } };
    // Only AAA may trade: selling it moves 14.5 points of drift from AAA into cash and removes none.
    const alone = planRebalance(
      {
        portfolio: withPolicy(heavy, { ...costly, mode: 'partial', partialSymbols: 1 }),
        prices,
        asOf: '2016-06-30',
      },
      solver,
    );
    expect(alone.orders).toEqual([]);
    expect(alone.explanation).toContain(
      'Partial mode trades only the 1 largest drift(s): AAA; cash counts as a holding, so a sale is made only where its proceeds close a drift (a purchase among them, a withdrawal or a buffer), not to park them in cash.',
    );
    // AAA and CCC: AAA sells what CCC's 12 shares cost (1 201.20 with the spread; 12 AAA fetch only
    // 1 198.80, so 13 in whole shares), and no more.
    expect(orders(withPolicy(heavy, { ...costly, mode: 'partial', partialSymbols: 2 }), solver)).toEqual([
      'sell 13 AAA',
      'buy 12 CCC',
    ]);
  });

  it('cash-flow mode invests a deposit buying only, most underweight first', () => {
    const deposit = withPolicy(household, { ...frictionless, mode: 'cash-flow', cashFlow: '1000' });
    // 11 000 after the deposit: CCC wants 2 200 (holds 1 000), so all 1 000 goes to CCC; AAA, overweight, is not sold.
    expect(orders(deposit, solver)).toEqual(['buy 10 CCC']);
  });

  it('cash-flow mode raises a withdrawal selling only, from the most overweight', () => {
    const withdrawal = withPolicy(household, { ...frictionless, mode: 'cash-flow', cashFlow: '-1000' });
    // 9 000 after: AAA wants 3 600 (holds 5 000), BBB 2 700 (3 000), DDD 900 (1 000): the 1 000 comes
    // from those, every dollar of it closing a dollar of distance; CCC, underweight, is neither sold nor bought.
    const plan = planRebalance({ portfolio: withdrawal, prices, asOf: '2016-06-30' }, solver);
    expect(plan.orders.every((o) => o.side === 'sell' && ['AAA', 'BBB', 'DDD'].includes(o.symbol))).toBe(
      true,
    );
    expect(plan.orders.reduce((sum, o) => sum + Number(o.estimatedValue), 0)).toBe(1000);
    expect(plan.after.accounts[0]?.cash).toBe('0');
  });

  it('cash-flow mode without a cash flow does nothing', () => {
    const plan = planRebalance(
      {
        portfolio: withPolicy(household, { ...frictionless, mode: 'cash-flow' }),
        prices,
        asOf: '2016-06-30',
      },
      solver,
    );
    expect(plan.orders).toEqual([]);
  });

  it('a per-symbol band overrides the policy-wide band', () => {
    // Policy-wide 15 points keeps everything in band; AAA's own 5-point band fires alone.
    const portfolio = withPolicy(household, {
      ...frictionless,
      mode: 'band',
      bands: { absolute: 0.15, symbols: { AAA: { absolute: 0.05 } } },
    });
    const plan = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    expect(
      plan.triggers.map((t) => [t.kind, 'symbol' in t ? t.symbol : '', 'band' in t ? t.band : '']),
    ).toEqual([['absolute-band', 'AAA', 0.05]]);
    // Only AAA is out of band: it is sold toward target, and the cash stays (no other symbol may trade).
    expect(plan.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual(['sell 10 AAA']);
  });

  it('the calendar fires once its scheduled date has passed since the last rebalance', () => {
    const quarterly = (lastRebalance: string | null): PortfolioFile =>
      withPolicy(household, {
        ...frictionless,
        bands: { absolute: 0.5 },
        calendar: { frequency: 'quarterly', day: 15 },
        lastRebalance,
      });
    const due = planRebalance({ portfolio: quarterly('2016-03-20'), prices, asOf: '2016-06-30' }, solver);
    expect(due.triggers).toEqual([
      {
        kind: 'calendar',
        frequency: 'quarterly',
        day: 15,
        scheduled: '2016-04-15',
        lastRebalance: '2016-03-20',
      },
    ]);
    expect(due.orders.length).toBeGreaterThan(0);
    const done = planRebalance({ portfolio: quarterly('2016-04-15'), prices, asOf: '2016-06-30' }, solver);
    expect(done.triggers).toEqual([]);
    expect(done.orders).toEqual([]);
  });

  it('a cooldown holds back band triggers but still invests a deposit, buying only', () => {
    const portfolio = withPolicy(household, {
      ...frictionless,
      bands: { absolute: 0.05 },
      lastRebalance: '2016-06-20',
      cooldownDays: 30,
      cashFlow: '1000',
    });
    const plan = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    expect(plan.holds).toEqual([
      {
        kind: 'cooldown',
        lastRebalance: '2016-06-20',
        cooldownDays: 30,
        until: '2016-07-20',
        heldBack: ['absolute-band', 'absolute-band'],
      },
    ]);
    expect(plan.triggers.map((trigger) => trigger.kind)).toEqual(['cash-flow']);
    expect(plan.orders.every((order) => order.side === 'buy')).toBe(true);
    expect(plan.explanation.some((line) => line.includes('cooldown of 30 day(s)'))).toBe(true);
    // After the cooldown, the same household rebalances.
    const later = planRebalance({ portfolio, prices, asOf: '2016-07-20' }, solver);
    expect(later.holds).toEqual([]);
    expect(later.orders.some((order) => order.side === 'sell')).toBe(true);
  });

  it('does not trade when the drift removed is worth less than the cost', () => {
    const costly = (driftCostBps: number): PortfolioFile =>
      withPolicy(household, {
        cashBuffer: 0,
        minTradeValue: '0',
        costs: { commission: '10', spreadBps: 0 },
        bands: { absolute: 0.05 },
        benefitCost: { driftCostBps, minRatio: 1 },
      });
    // Selling 10 AAA and buying 9 CCC (the two commissions of 10 leave too little cash for a tenth
    // share) takes one-way drift from 10% to 0.9619% of the value (cash 80 of 9 980 included):
    // 903.81 of drift removed for 20 of commission.
    const worthIt = planRebalance({ portfolio: costly(300), prices, asOf: '2016-06-30' }, solver);
    expect(worthIt.holds).toEqual([]);
    expect(worthIt.orders.map((o) => `${o.side} ${o.quantity} ${o.symbol}`)).toEqual([
      'sell 10 AAA',
      'buy 9 CCC',
    ]);
    // At 100 bps the benefit is 9.04, below the 20.00 of cost: no orders, and the plan says why.
    const held = planRebalance({ portfolio: costly(100), prices, asOf: '2016-06-30' }, solver);
    expect(held.orders).toEqual([]);
    expect(held.holds).toEqual([
      { kind: 'benefit-below-cost', driftRemoved: '903.81', benefit: '9.04', cost: '20.00', minRatio: 1 },
    ]);
    expect(held.explanation.some((line) => line.includes('the plan does not trade'))).toBe(true);
  });

  it('sleeve targets set symbol targets, and a sleeve band fires on the sleeve total', () => {
    const portfolio = withPolicy(
      {
        ...household,
        targets: {
          sleeves: {
            equity: { weight: 0.7, symbols: { AAA: 4 / 7, BBB: 3 / 7 } },
            bonds: { weight: 0.3, symbols: { CCC: 2 / 3, DDD: 1 / 3 } },
          },
        },
      },
      { ...frictionless, mode: 'band', bands: { absolute: 0.5, sleeves: { equity: { absolute: 0.05 } } } },
    );
    expect(portfolio.targets.map((t) => [t.symbol, Number(t.weight.toFixed(12))])).toEqual([
      ['AAA', 0.4],
      ['BBB', 0.3],
      ['CCC', 0.2],
      ['DDD', 0.1],
    ]);
    const plan = planRebalance({ portfolio, prices, asOf: '2016-06-30' }, solver);
    // Equity is 80% against 70%: the sleeve fires, and band mode trades its symbols only.
    expect(plan.triggers).toEqual([
      expect.objectContaining({
        kind: 'sleeve-band',
        sleeve: 'equity',
        symbols: ['AAA', 'BBB'],
        band: { kind: 'absolute', width: 0.05 },
      }),
    ]);
    expect(plan.orders.map((o) => o.symbol)).toEqual(['AAA']);
    expect(
      plan.sleeves.map((s) => [
        s.sleeve,
        Number(s.currentWeight.toFixed(12)),
        Number(s.targetWeight.toFixed(12)),
      ]),
    ).toEqual([
      ['equity', 0.8, 0.7],
      ['bonds', 0.2, 0.3],
    ]);
  });
});

describe('latestScheduledDate', () => {
  it.each([
    ['monthly', 15, '2016-06-30', '2016-06-15'],
    ['monthly', 15, '2016-06-14', '2016-05-15'],
    // A day past the month's end means its last day (February 2016 had 29 days).
    ['monthly', 31, '2016-03-01', '2016-02-29'],
    ['quarterly', 1, '2016-06-30', '2016-04-01'],
    ['quarterly', 1, '2016-01-01', '2016-01-01'],
    ['quarterly', 20, '2016-01-10', '2015-10-20'],
    ['annually', 2, '2016-01-01', '2015-01-02'],
    ['annually', 2, '2016-12-31', '2016-01-02'],
  ] as const)('%s on day %d, as of %s: %s', (frequency, day, asOf, expected) => {
    expect(latestScheduledDate({ frequency, day }, asOf)).toBe(expected);
  });
});
