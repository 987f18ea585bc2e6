import { type WidePrices } from '@ballast/domain-portfolio';
import { type LinearSolver } from '@ballast/domain-planner';
import { optimizePortfolio } from '@ballast/domain-optimizer';
import { loadHighsSolver } from '../testing/highs';
import { syntheticPrices } from '../testing/synthetic-prices';
import { type BacktestPolicy, runBacktest } from './backtest';
import { BacktestConfigError } from './errors';

jest.setTimeout(120_000);

const household = {
  id: 'sources',
  accounts: [{ id: 'ira', type: 'traditional', cash: '100000', lots: [] }],
  targets: { AAA: 0.4, BBB: 0.4, CCC: 0.2 },
  policy: { wholeShares: false, minTradeValue: '0', cashBuffer: 0, costs: { commission: '0', spreadBps: 0 } },
};

const minVolMonthly: BacktestPolicy = {
  name: 'min-vol monthly',
  rebalance: true,
  policy: { calendar: { frequency: 'monthly', day: 1 } },
  targets: { objective: 'min-volatility', lookbackDays: 60, every: 'monthly' },
};

describe('optimizer-driven targets', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('re-estimates on the first close of each month once the window is full, with the optimizer on that window only', () => {
    const prices = syntheticPrices(200);
    const result = runBacktest({ household, prices, fill: 'same-close', policies: [minVolMonthly] }, solver);
    const run = result.policies[0]!;
    const dates = prices.rows.map((row) => row.date);
    // Day 60 is the first with 60 returns behind it; then the first trading day of each later month.
    expect(run.targetChanges[0]!.date).toBe(dates[60]);
    const months = run.targetChanges.map((change) => change.date.slice(0, 7));
    expect(new Set(months).size).toBe(months.length);
    for (const change of run.targetChanges.slice(1)) {
      const t = dates.indexOf(change.date);
      expect(dates[t - 1]!.slice(0, 7)).not.toBe(change.date.slice(0, 7));
    }

    // Independent check of one estimate: the optimizer called directly on the 60 returns up to that day.
    const change = run.targetChanges[2]!;
    const t = dates.indexOf(change.date);
    const symbols = ['AAA', 'BBB', 'CCC'];
    const values = new Float64Array(60 * 3);
    for (let row = 0; row < 60; row += 1) {
      symbols.forEach((symbol, k) => {
        const day = t - 59 + row;
        values[row * 3 + k] =
          Number(prices.rows[day]!.prices.get(symbol)) / Number(prices.rows[day - 1]!.prices.get(symbol)) - 1;
      });
    }
    const direct = optimizePortfolio({
      returns: { symbols, dates: dates.slice(t - 59, t + 1), values },
      objective: 'min-volatility',
    });
    for (const symbol of symbols) {
      const expected = direct.weights[symbol]! < 1e-4 ? 0 : direct.weights[symbol]!;
      expect(change.weights[symbol]).toBeCloseTo(expected, 3);
    }
    // The household trades to the new targets at each monthly rebalance (the first estimate, mid-month,
    // waits for the next calendar date: the calendar, not the estimate, decides when to trade).
    const rebalanceDays = run.events.map((event) => event.date);
    expect(rebalanceDays).toEqual(expect.arrayContaining(run.targetChanges.slice(1).map((c) => c.date)));
  });

  it('never looks ahead: changing prices after a day leaves every earlier estimate and decision alone', () => {
    const prices = syntheticPrices(200);
    const cut = 150;
    const corrupted: WidePrices = {
      symbols: prices.symbols,
      rows: prices.rows.map((row, t) =>
        t < cut
          ? row
          : {
              date: row.date,
              prices: new Map([...row.prices].map(([s, p]) => [s, (Number(p) * 3).toFixed(4)])),
            },
      ),
    };
    const a = runBacktest({ household, prices, policies: [minVolMonthly] }, solver).policies[0]!;
    const b = runBacktest({ household, prices: corrupted, policies: [minVolMonthly] }, solver).policies[0]!;
    const cutDate = prices.rows[cut]!.date;
    const before = <T extends { date: string }>(list: readonly T[]) => list.filter((x) => x.date < cutDate);
    expect(before(b.targetChanges)).toEqual(before(a.targetChanges));
    // Decisions before the cut fill the next day: compare those that filled before it too.
    const settled = <T extends { filledOn: string }>(list: readonly T[]) =>
      list.filter((x) => x.filledOn < cutDate);
    expect(settled(b.events)).toEqual(settled(a.events));
    expect(Array.from(b.series.value.slice(0, cut))).toEqual(Array.from(a.series.value.slice(0, cut)));
  });

  it('names the field of a bad target source', () => {
    const bad = (targets: BacktestPolicy['targets']) => () =>
      runBacktest(
        { household, prices: syntheticPrices(100), policies: [{ ...minVolMonthly, targets }] },
        solver,
      );
    expect(bad({ objective: 'max-return' as never })).toThrow(
      new BacktestConfigError(
        'policies[0] (min-vol monthly).targets.objective',
        'unknown objective "max-return"; expected one of min-volatility, max-sharpe, efficient-risk, efficient-return, max-quadratic-utility, risk-parity, hrp, black-litterman',
      ),
    );
    expect(bad({ objective: 'hrp', lookbackDays: 5 })).toThrow(
      /targets\.lookbackDays: expected a whole number of days >= 20, got 5/,
    );
    expect(bad({ objective: 'hrp', options: { gamma: 1 } })).toThrow(
      /targets\.options\.gamma: unknown option/,
    );
    expect(bad({ objective: 'hrp', options: { bounds: { lower: 0 } } })).toThrow(
      /targets\.options\.bounds: expected \[lower, upper\]/,
    );
    expect(bad({ objective: 'hrp', options: { riskModel: 'shrunk' } })).toThrow(
      /targets\.options\.riskModel: expected one of/,
    );
  });

  it('applies [lower, upper] bounds to every asset', () => {
    const bounded: BacktestPolicy = {
      ...minVolMonthly,
      targets: { objective: 'min-volatility', lookbackDays: 60, options: { bounds: [0.2, 0.45] } },
    };
    const run = runBacktest({ household, prices: syntheticPrices(200), policies: [bounded] }, solver)
      .policies[0]!;
    expect(run.targetChanges.length).toBeGreaterThan(0);
    for (const change of run.targetChanges) {
      for (const weight of Object.values(change.weights)) {
        expect(weight).toBeGreaterThanOrEqual(0.2 - 1e-6);
        expect(weight).toBeLessThanOrEqual(0.45 + 1e-6);
      }
    }
  });
});

describe('adaptive bands', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  it('widens the bands when the benchmark crashes, and says so', () => {
    // AAA falls 40% on day 120: a crisis by the drawdown threshold of the regime classifier.
    const prices = syntheticPrices(260, { from: 120, factor: 0.6 });
    const policy: BacktestPolicy = {
      name: 'adaptive',
      rebalance: true,
      policy: { bands: { absolute: 0.05 } },
      adaptiveBands: { benchmark: 'AAA' },
    };
    const run = runBacktest({ household, prices, policies: [policy] }, solver).policies[0]!;
    const crisis = run.regimeChanges.find((change) => change.regime === 'crisis');
    expect(crisis).toBeDefined();
    expect(crisis!.date >= prices.rows[120]!.date).toBe(true);
    expect(crisis!.reason).toMatch(/band widened 500 → 1000 bps/);
  });

  it('rejects a benchmark that is not a price column', () => {
    expect(() =>
      runBacktest(
        {
          household,
          prices: syntheticPrices(100),
          policies: [
            {
              name: 'x',
              rebalance: true,
              policy: { bands: { absolute: 0.05 } },
              adaptiveBands: { benchmark: 'SPX' },
            },
          ],
        },
        solver,
      ),
    ).toThrow(
      /policies\[0\] \(x\)\.adaptiveBands\.benchmark: no price column "SPX"; the file has AAA, BBB, CCC/,
    );
  });
});
