import { type WidePrices } from '@ballast/domain-portfolio';
import { type LinearSolver } from '@ballast/domain-planner';
import { loadHighsSolver } from '../testing/highs';
import { type BacktestInput, runBacktest } from './backtest';
import { BacktestConfigError } from './errors';

jest.setTimeout(120_000);

/**
 * AAA falls from 100 to 70 on day 10 and stays there; BBB (its substitute, a different fund on the
 * same index) moves with it at half the price; CCC is flat. 60 business days from 2016-03-01.
 */
function prices(): WidePrices {
  const rows: WidePrices['rows'][number][] = [];
  let t = 0;
  for (let day = Date.parse('2016-03-01T00:00:00Z'); t < 60; day += 86_400_000) {
    if ([0, 6].includes(new Date(day).getUTCDay())) continue;
    const aaa = t < 10 ? 100 : 70;
    rows.push({
      date: new Date(day).toISOString().slice(0, 10),
      prices: new Map([
        ['AAA', aaa.toFixed(2)],
        ['BBB', (aaa / 2).toFixed(2)],
        ['CCC', '50.00'],
      ]),
    });
    t += 1;
  }
  return { symbols: ['AAA', 'BBB', 'CCC'], rows };
}

const household = {
  id: 'harvest',
  accounts: [
    {
      id: 'taxable',
      type: 'taxable',
      cash: '0',
      lots: [
        { symbol: 'AAA', quantity: '60', costBasis: '6000', acquired: '2015-09-01' },
        { symbol: 'CCC', quantity: '80', costBasis: '4000', acquired: '2015-09-01' },
      ],
    },
  ],
  targets: { AAA: 0.6, CCC: 0.4 },
  policy: {
    wholeShares: true,
    minTradeValue: '0',
    cashBuffer: 0,
    costs: { commission: '0', spreadBps: 0 },
    bands: { absolute: 0.05 },
    substitutes: { AAA: ['BBB'] },
  },
};

describe('tax-loss harvesting in the simulation', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });
  const input = (harvest: boolean): BacktestInput => ({
    household,
    prices: prices(),
    fill: 'same-close',
    policies: [
      { name: 'bands', rebalance: true, policy: {}, ...(harvest ? { harvest: { every: 'weekly' } } : {}) },
    ],
  });

  it('sells the losing lot for its substitute once no purchase within 30 days would wash it, and keeps the swap', () => {
    const run = runBacktest(input(true), solver).policies[0]!;
    // The fall on 2016-03-15 pushes AAA out of its band: the rebalance that day buys AAA at 70. A
    // harvest sale of the old lot at a loss would then be washed by that purchase (26 U.S.C. 1091),
    // so the weekly checks wait until the first Monday more than 30 days later: 2016-04-18.
    expect(run.events[0]).toMatchObject({ date: '2016-03-15', triggers: ['absolute-band'] });
    const harvests = run.events.filter((event) => event.triggers.includes('harvest'));
    expect(harvests.map((event) => event.date)).toEqual(['2016-04-18']);
    // 60 shares bought for 6,000 sold at 70: a 1,800 short-term loss, harvested.
    expect(harvests[0]!.harvestedLoss).toBeCloseTo(1800, 9);
    expect(run.metrics.harvestedLoss).toBeCloseTo(1800, 9);
    // The proceeds (4,200) buy 120 BBB at 35; BBB then stands in for its share of AAA's target: no
    // rebalance trades it back, and no AAA is bought within 30 days (no wash sale).
    const last = run.series.dates.length - 1;
    expect(run.series.weights['BBB']![last]! * run.series.value[last]!).toBeCloseTo(120 * 35, 6);
    expect(run.events.at(-1)!.triggers).toEqual(['harvest']);
    expect(run.metrics.washSales).toBe(0);
    const [year] = run.taxByYear;
    expect(year).toMatchObject({ year: 2016, realizedShortTerm: -1800, disallowedLoss: 0 });
    // With nothing else realized, the loss is deducted from ordinary income: a tax saving (negative tax).
    expect(year!.tax).toBeLessThan(0);
  });

  it('next-open: the harvest decided at a close sells and buys the substitute at the next open', () => {
    // Every open 1% under the previous close (AAA opens at 69.30, BBB at 34.65 after the fall).
    const closes = prices();
    const opens: WidePrices = {
      symbols: closes.symbols,
      rows: closes.rows.map((row, t) => ({
        date: row.date,
        prices: new Map(
          [...(closes.rows[t - 1] ?? row).prices].map(([symbol, close]) => [
            symbol,
            (Number(close) * 0.99).toFixed(4),
          ]),
        ),
      })),
    };
    const run = runBacktest({ ...input(true), opens, fill: 'next-open' }, solver).policies[0]!;
    // The band rebalance decided on 2016-03-15 buys AAA at 2016-03-16's open; the first weekly check
    // more than 30 days after that purchase is 2016-04-18, filled at 2016-04-19's open.
    expect(run.events[0]).toMatchObject({ date: '2016-03-15', filledOn: '2016-03-16' });
    const harvests = run.events.filter((event) => event.triggers.includes('harvest'));
    expect(harvests.map((event) => [event.date, event.filledOn])).toEqual([['2016-04-18', '2016-04-19']]);
    // 60 shares bought for 6,000 sold at 69.30: a 1,842 loss; the 4,158 of proceeds buy 120 BBB at 34.65.
    expect(harvests[0]!.harvestedLoss).toBeCloseTo(6000 - 60 * 69.3, 9);
    expect(harvests[0]!.traded).toBeCloseTo(60 * 69.3 + 120 * 34.65, 9);
    expect(run.metrics.washSales).toBe(0);
  });

  it('without harvesting the loss stays unrealized', () => {
    const run = runBacktest(input(false), solver).policies[0]!;
    expect(run.events.filter((event) => event.triggers.includes('harvest'))).toEqual([]);
    expect(run.metrics.harvestedLoss).toBe(0);
    // The band rebalance sold CCC at its cost: nothing realized.
    expect(run.taxByYear.map((year) => [year.realizedShortTerm, year.realizedLongTerm])).toEqual([[0, 0]]);
  });

  it('needs substitutes to harvest into', () => {
    const { substitutes: _none, ...policy } = household.policy;
    const without = { ...household, policy };
    expect(() => runBacktest({ ...input(true), household: without }, solver)).toThrow(
      new BacktestConfigError(
        'policies[0] (bands).harvest',
        'harvesting needs substitutes to buy: set policy.substitutes (for example { SPY: [IVV] })',
      ),
    );
  });
});
