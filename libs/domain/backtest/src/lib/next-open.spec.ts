import { type WidePrices } from '@ballast/domain-portfolio';
import { type LinearSolver } from '@ballast/domain-planner';
import { loadHighsSolver } from '../testing/highs';
import { syntheticPrices } from '../testing/synthetic-prices';
import { type BacktestInput, runBacktest } from './backtest';
import { BacktestConfigError } from './errors';

jest.setTimeout(120_000);

/**
 * Opens for `closes`: each day's open a deterministic few tenths of a percent off the previous
 * close (an overnight gap), so that an open fill and a close fill of the same day always differ.
 */
function opensFor(closes: WidePrices): WidePrices {
  return {
    symbols: closes.symbols,
    rows: closes.rows.map((row, t) => ({
      date: row.date,
      prices: new Map(
        closes.symbols.map((symbol, j) => {
          const previous = Number((closes.rows[t - 1] ?? row).prices.get(symbol));
          return [symbol, (previous * (1 + 0.004 * Math.sin(t * 1.7 + j))).toFixed(4)];
        }),
      ),
    })),
  };
}

/** The same days with the prices of `symbol` times `factor` from row `from` on. */
function shocked(prices: WidePrices, symbol: string, from: number, factor: number): WidePrices {
  return {
    symbols: prices.symbols,
    rows: prices.rows.map((row, t) =>
      t < from
        ? row
        : {
            date: row.date,
            prices: new Map(
              [...row.prices].map(([s, p]) => [s, s === symbol ? (Number(p) * factor).toFixed(4) : p]),
            ),
          },
    ),
  };
}

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
    costs: { commission: '1', spreadBps: 10 },
  },
};

describe('next-open fills', () => {
  let solver: LinearSolver;
  beforeAll(async () => {
    solver = await loadHighsSolver();
  });

  describe('decided on day 0, filled on day 1: one stock, $10,000 of cash, whole shares, 10 bps spread + 5 bps slippage', () => {
    // Day 0 closes at 100: the planner, seeing only that close, buys the most whole shares the cash
    // covers with costs, floor(10,000 / (100 x 1.0015)) = 99. The order fills at day 1's open. (A
    // third day is there because the metrics need two daily returns; nothing happens on it.)
    const twoDays = (open1: string, close1: string): BacktestInput => {
      const prices: WidePrices = {
        symbols: ['XYZ'],
        rows: [
          { date: '2020-03-02', prices: new Map([['XYZ', '100']]) },
          { date: '2020-03-03', prices: new Map([['XYZ', close1]]) },
          { date: '2020-03-04', prices: new Map([['XYZ', close1]]) },
        ],
      };
      const opens: WidePrices = {
        symbols: ['XYZ'],
        rows: [
          { date: '2020-03-02', prices: new Map([['XYZ', '99']]) },
          { date: '2020-03-03', prices: new Map([['XYZ', open1]]) },
          { date: '2020-03-04', prices: new Map([['XYZ', close1]]) },
        ],
      };
      return {
        household: {
          id: 'cash',
          accounts: [{ id: 'taxable', type: 'taxable', cash: '10000', lots: [] }],
          targets: { XYZ: 1 },
          policy: {
            wholeShares: true,
            minTradeValue: '0',
            cashBuffer: 0,
            costs: { commission: '0', spreadBps: 10 },
          },
        },
        prices,
        opens,
        fill: 'next-open',
        slippageBps: 5,
        policies: [{ name: 'hold', rebalance: false, policy: {} }],
      };
    };

    it('fills the planned 99 shares at a lower open: value = 99 x close + cash left', () => {
      const hold = runBacktest(twoDays('97.5', '98.25'), solver).policies[0]!;
      // Paid 99 x 97.5 = 9,652.50 plus 0.15% = 14.47875; cash left 10,000 - 9,666.97875 = 333.02125.
      expect(hold.events).toEqual([
        {
          date: '2020-03-02',
          filledOn: '2020-03-03',
          triggers: ['starting-cash'],
          orders: 1,
          traded: 9652.5,
          costs: 14.47875,
          partialFills: 0,
        },
      ]);
      expect(hold.series.value[0]).toBe(10_000);
      expect(Math.abs(hold.series.value[1]! - (99 * 98.25 + 333.02125))).toBeLessThan(1e-9);
    });

    it('cuts the buy to what the cash covers at a higher open (a partial fill)', () => {
      const hold = runBacktest(twoDays('101.2', '100.7'), solver).policies[0]!;
      // 99 x 101.2 x 1.0015 = 10,033.78 > 10,000: floor(10,000 / (101.2 x 1.0015)) = 98 shares,
      // 9,917.60 plus 14.8764 of costs; cash left 67.5236.
      expect(hold.events[0]).toMatchObject({ orders: 1, traded: 9917.6, partialFills: 1 });
      expect(Math.abs(hold.events[0]!.costs - 14.8764)).toBeLessThan(1e-9);
      expect(Math.abs(hold.series.value[1]! - (98 * 100.7 + 67.5236))).toBeLessThan(1e-9);
    });
  });

  it('never trades on a price it could not have seen: the decision at t reads closes up to t, the fill only t+1 open', () => {
    const closes = syntheticPrices(300);
    const opens = opensFor(closes);
    const input = (c: WidePrices, o: WidePrices): BacktestInput => ({
      household,
      prices: c,
      opens: o,
      fill: 'next-open',
      policies: [
        { name: 'bands', rebalance: true, policy: { bands: { absolute: 0.03 }, wholeShares: true } },
        { name: 'quarterly', rebalance: true, policy: { calendar: { frequency: 'quarterly', day: 1 } } },
      ],
    });
    const honest = runBacktest(input(closes, opens), solver);
    const quarterly = honest.policies[1]!;
    // k: a day something fills on (the second quarterly rebalance), decided at day k-1's close.
    const k = quarterly.series.dates.indexOf(quarterly.events[1]!.filledOn);
    expect(k).toBeGreaterThan(50);
    expect(quarterly.events[1]!.date).toBe(quarterly.series.dates[k - 1]);

    // Everything after day k's open is corrupted: closes from day k, opens from day k+1.
    const corrupted = runBacktest(
      input(shocked(closes, 'AAA', k, 3), shocked(opens, 'AAA', k + 1, 3)),
      solver,
    );
    honest.policies.forEach((policy, index) => {
      const other = corrupted.policies[index]!;
      expect(Array.from(other.series.value.slice(0, k))).toEqual(Array.from(policy.series.value.slice(0, k)));
      // The fills of day k itself (at its open) are the same too.
      const upToK = (events: typeof policy.events) =>
        events.filter((event) => event.filledOn <= policy.series.dates[k]!);
      expect(upToK(other.events)).toEqual(upToK(policy.events));
    });

    // The control: changing day k's open does change day k's fill, so the fill reads it.
    const openMoved = runBacktest(input(closes, shocked(opens, 'AAA', k, 1.05)), solver).policies[1]!;
    expect(openMoved.events[1]!.filledOn).toBe(quarterly.events[1]!.filledOn);
    expect(openMoved.events[1]!.traded).not.toBeCloseTo(quarterly.events[1]!.traded, 2);
  });

  it('conserves value with costs and taxes: the end is the start plus flows, less costs and taxes, plus each fill marked from open to close', () => {
    // Flat closes, opens around them: every fill's open-to-close gap is the only market move.
    const flat: WidePrices = {
      symbols: ['AAA', 'BBB', 'CCC'],
      rows: syntheticPrices(320).rows.map((row) => ({
        date: row.date,
        prices: new Map([
          ['AAA', '100'],
          ['BBB', '50'],
          ['CCC', '20'],
        ]),
      })),
    };
    const opens: WidePrices = {
      symbols: flat.symbols,
      rows: flat.rows.map((row, t) => ({
        date: row.date,
        prices: new Map(
          [...row.prices].map(([symbol, close], j) => [
            symbol,
            (Number(close) * (1 + 0.01 * Math.sin(t / 5 + j))).toFixed(4),
          ]),
        ),
      })),
    };
    const result = runBacktest(
      {
        household,
        prices: flat,
        opens,
        fill: 'next-open',
        slippageBps: 5,
        cashFlows: [
          { date: flat.rows[30]!.date, account: 'taxable', amount: '5000' },
          { date: flat.rows[60]!.date, account: 'ira', amount: '-2500' },
        ],
        policies: [
          { name: 'monthly', rebalance: true, policy: { calendar: { frequency: 'monthly', day: 1 } } },
        ],
      },
      solver,
    );
    const monthly = result.policies[0]!;
    const { dates, value, weights } = monthly.series;
    const closeOf: Record<string, number> = { AAA: 100, BBB: 50, CCC: 20 };
    // Shares held at each close, from the series alone: weight x value / close.
    const shares = (symbol: string, t: number) => (weights[symbol]![t]! * value[t]!) / closeOf[symbol]!;
    let marked = 0;
    for (let t = 1; t < dates.length; t += 1) {
      for (const symbol of flat.symbols) {
        const open = Number(opens.rows[t]!.prices.get(symbol));
        marked += (shares(symbol, t) - shares(symbol, t - 1)) * (closeOf[symbol]! - open);
      }
    }
    const { costs, taxesPaid } = monthly.metrics;
    expect(costs).toBeGreaterThan(0);
    // 2015 sold AAA lots bought at 93.33 a share: its tax was paid on 2016's first trading day.
    expect(taxesPaid).toBeGreaterThan(0);
    expect(monthly.events.length).toBeGreaterThan(5);
    const start = 10_000 + 20_000 + 300 * 100;
    expect(value.at(-1)! - (start + 5000 - 2500 - costs - taxesPaid + marked)).toBeCloseTo(0, 6);
    // The fills' open-to-close marks are not negligible: a close-fill accounting would not balance.
    expect(Math.abs(marked)).toBeGreaterThan(1);
  });

  describe('refuses what it cannot fill, naming the field', () => {
    const closes = syntheticPrices(30);
    const base: BacktestInput = {
      household,
      prices: closes,
      fill: 'next-open',
      policies: [{ name: 'hold', rebalance: false, policy: {} }],
    };

    it('next-open over closes only (a CSV)', () => {
      expect(() => runBacktest(base, solver)).toThrow(BacktestConfigError);
      expect(() => runBacktest(base, solver)).toThrow(
        /^fill: next-open fills at the next day's open, but the price data carries closes only/,
      );
    });

    it('a day inside the range without an open', () => {
      const opens = opensFor(closes);
      const gap: WidePrices = {
        symbols: opens.symbols,
        rows: opens.rows.map((row, t) =>
          t === 12 ? { date: row.date, prices: new Map([...row.prices].filter(([s]) => s !== 'BBB')) } : row,
        ),
      };
      expect(() => runBacktest({ ...base, opens: gap }, solver)).toThrow(
        new RegExp(`^opens: no open for BBB on ${closes.rows[12]!.date}, inside the range`),
      );
    });

    it('a fill timing that does not exist', () => {
      expect(() =>
        runBacktest({ ...base, fill: 'next-noon' as unknown as BacktestInput['fill'] }, solver),
      ).toThrow(/^fill: expected next-close, next-open, same-close, got "next-noon"/);
    });
  });
});
