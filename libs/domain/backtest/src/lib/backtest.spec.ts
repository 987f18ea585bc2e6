import { type WidePrices } from '@ballast/domain-portfolio';
import { type LinearSolver } from '@ballast/domain-planner';
import { loadHighsSolver } from '../testing/highs';
import { syntheticPrices } from '../testing/synthetic-prices';
import { type BacktestInput, runBacktest } from './backtest';

jest.setTimeout(120_000);

const household = {
  id: 'test',
  accounts: [
    {
      id: 'taxable',
      type: 'taxable',
      cash: '10000',
      lots: [{ symbol: 'AAA', quantity: '300', costBasis: '28000', acquired: '2014-01-02' }],
    },
    { id: 'ira', type: 'traditional', cash: '20000', lots: [] },
  ],
  targets: { AAA: 0.5, BBB: 0.3, CCC: 0.2 },
  policy: {
    wholeShares: false,
    minTradeValue: '0',
    cashBuffer: 0,
    costs: { commission: '0', spreadBps: 0 },
  },
};

describe('runBacktest', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('buy and hold is worth the holdings valued at each close, computed directly from the prices', () => {
    const prices = syntheticPrices(300);
    // Fully invested: no cash to put to work, so nothing is ever traded.
    const invested = {
      ...household,
      accounts: household.accounts.map((account) => ({ ...account, cash: '0' })),
    };
    const result = runBacktest(
      { household: invested, prices, policies: [{ name: 'hold', rebalance: false, policy: {} }] },
      solver,
    );
    const hold = result.policies[0]!;
    expect(hold.events).toEqual([]);
    prices.rows.forEach((row, t) => {
      const direct = 300 * Number(row.prices.get('AAA'));
      expect(hold.series.value[t]).toBeCloseTo(direct, 6);
    });
    expect(hold.metrics.finalValue).toBeCloseTo(300 * Number(prices.rows[299]!.prices.get('AAA')), 6);
  });

  it('buy and hold from cash buys its targets once, at the start, then holds the same shares', () => {
    const prices = syntheticPrices(120);
    const hold = runBacktest(
      { household, prices, policies: [{ name: 'hold', rebalance: false, policy: {} }] },
      solver,
    ).policies[0]!;
    expect(hold.events.map((event) => [event.date, event.filledOn, event.triggers])).toEqual([
      [prices.rows[0]!.date, prices.rows[1]!.date, ['starting-cash']],
    ]);
    // From the fill on, each symbol's quantity (weight x value / close) never changes.
    for (const symbol of ['AAA', 'BBB', 'CCC']) {
      const quantity = (t: number) =>
        (hold.series.weights[symbol]![t]! * hold.series.value[t]!) /
        Number(prices.rows[t]!.prices.get(symbol));
      for (let t = 2; t < 120; t += 1) expect(quantity(t) / quantity(1) - 1).toBeCloseTo(0, 9);
    }
  });

  it('monthly calendar rebalancing with zero costs and fractional shares equals the hand-computed rebalanced portfolio', () => {
    const prices = syntheticPrices(260);
    const result = runBacktest(
      {
        household,
        prices,
        fill: 'same-close',
        policies: [
          { name: 'monthly', rebalance: true, policy: { calendar: { frequency: 'monthly', day: 1 } } },
        ],
      },
      solver,
    );
    const monthly = result.policies[0]!;
    // Independent computation: at the first close of each month (and the first day), reset the
    // household's total to the targets at that close; in between, the quantities are constant.
    const targets = { AAA: 0.5, BBB: 0.3, CCC: 0.2 } as const;
    const symbols = Object.keys(targets) as (keyof typeof targets)[];
    let quantity = { AAA: 300, BBB: 0, CCC: 0 };
    let cash = 30_000;
    let month = '';
    prices.rows.forEach((row, t) => {
      const p = (s: keyof typeof targets): number => Number(row.prices.get(s));
      const value = symbols.reduce((sum, s) => sum + quantity[s] * p(s), cash);
      if (row.date.slice(0, 7) !== month) {
        month = row.date.slice(0, 7);
        quantity = {
          AAA: (targets.AAA * value) / p('AAA'),
          BBB: (targets.BBB * value) / p('BBB'),
          CCC: (targets.CCC * value) / p('CCC'),
        };
        cash = 0;
      }
      expect(monthly.series.value[t]! / value - 1).toBeCloseTo(0, 9);
    });
    expect(monthly.events.length).toBe(12);
    expect(monthly.events.every((event) => event.triggers.includes('calendar'))).toBe(true);
  });

  it('conserves value: with flat prices the final value is the start plus the flows minus the costs paid', () => {
    const flat: WidePrices = {
      symbols: ['AAA', 'BBB', 'CCC'],
      rows: syntheticPrices(120).rows.map((row) => ({
        date: row.date,
        prices: new Map([
          ['AAA', '100'],
          ['BBB', '50'],
          ['CCC', '20'],
        ]),
      })),
    };
    const result = runBacktest(
      {
        household: {
          ...household,
          policy: { ...household.policy, costs: { commission: '1.5', spreadBps: 10 } },
        },
        prices: flat,
        slippageBps: 5,
        cashFlows: [
          { date: flat.rows[30]!.date, account: 'taxable', amount: '5000' },
          { date: flat.rows[60]!.date, account: 'ira', amount: '-2500' },
        ],
        policies: [{ name: 'bands', rebalance: true, policy: { bands: { absolute: 0.05 } } }],
      },
      solver,
    );
    const bands = result.policies[0]!;
    const costs = bands.events.reduce((sum, event) => sum + event.costs, 0);
    expect(costs).toBeGreaterThan(0);
    expect(bands.metrics.costs).toBeCloseTo(costs, 9);
    expect(bands.metrics.finalValue).toBeCloseTo(30_000 + 300 * 100 + 5000 - 2500 - costs, 6);
  });

  it('never trades on a price from after its decision: changing later prices leaves earlier days alone', () => {
    const input = (prices: WidePrices): BacktestInput => ({
      household,
      prices,
      policies: [
        { name: 'bands', rebalance: true, policy: { bands: { absolute: 0.03 }, wholeShares: true } },
        { name: 'quarterly', rebalance: true, policy: { calendar: { frequency: 'quarterly', day: 1 } } },
      ],
    });
    const honest = runBacktest(input(syntheticPrices(300)), solver);
    // From day 200 on, AAA is worth three times as much: a backtest that peeked would trade earlier.
    const corrupted = runBacktest(input(syntheticPrices(300, { from: 200, factor: 3 })), solver);
    honest.policies.forEach((policy, index) => {
      const other = corrupted.policies[index]!;
      expect(Array.from(other.series.value.slice(0, 200))).toEqual(
        Array.from(policy.series.value.slice(0, 200)),
      );
      const before = (events: typeof policy.events) =>
        events.filter((event) => event.filledOn < honest.policies[0]!.series.dates[200]!);
      expect(before(other.events)).toEqual(before(policy.events));
    });
  });

  describe('rejects a configuration it cannot run, naming the field', () => {
    const prices = syntheticPrices(50);
    const base: BacktestInput = {
      household,
      prices,
      policies: [{ name: 'hold', rebalance: false, policy: {} }],
    };
    it.each([
      [
        'an unknown symbol',
        { household: { ...household, targets: { AAA: 0.5, ZZZ: 0.5 } } },
        /prices: no price column for ZZZ/,
      ],
      [
        'an empty date range',
        { from: '2030-01-01' },
        /from\/to: the range 2030-01-01\.\.\(end\) holds 0 day/,
      ],
      [
        'a cash flow before the start',
        { cashFlows: [{ date: '2014-12-31', account: 'ira', amount: '100' }] },
        /cashFlows\[0\]\.date: 2014-12-31 is outside/,
      ],
      [
        'a cash flow into an unknown account',
        { cashFlows: [{ date: '2015-01-05', account: 'roth', amount: '100' }] },
        /cashFlows\[0\]\.account: unknown account "roth"/,
      ],
      ['no policy', { policies: [] }, /policies: at least one policy is required/],
      [
        'a policy that is not a valid policy block',
        { policies: [{ name: 'x', rebalance: true, policy: { mode: 'sometimes' } }] },
        /policies\[0\] \(x\): .*policy\.mode/,
      ],
    ] as const)('%s', (_, change, message) => {
      expect(() => runBacktest({ ...base, ...change }, solver)).toThrow(message);
    });
  });
});
