// Stress scenarios on hand-computable portfolios (every expected number is worked out in the comment
// beside it), plus properties on random portfolios (fast-check): the drivers sum to the portfolio P&L,
// the worst period is the minimum return, the worst window is no better than any other window.
import fc from 'fast-check';
import {
  applyShock,
  historicalStress,
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  NonFiniteValueError,
  portfolioReturns,
  UnknownSymbolError,
  UnsortedDatesError,
  worstWindow,
} from '../index';

const close = (a: number | null, b: number, tol = 1e-12) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(tol);
};

// A: +10%, -20%, +5%; B: 0%, +10%, -10%; weights 60/40.
// Daily-rebalanced portfolio: 0.06, -0.08, -0.01; wealth 1.06, 0.9752, 0.965448 (peak day 0, trough day 2).
const portfolio = {
  dates: ['2008-09-02', '2008-09-03', '2008-09-04'],
  symbols: ['A', 'B'],
  assetReturns: [
    [0.1, -0.2, 0.05],
    [0, 0.1, -0.1],
  ],
  weights: [0.6, 0.4],
};

describe('historical stress scenarios', () => {
  it('worst day, worst 2-day window, largest drawdown and a named range of the portfolio itself', () => {
    const [day, window, drawdown, range] = historicalStress(portfolio, {
      windows: [1, 2],
      ranges: [{ name: 'early September', from: '2008-09-01', to: '2008-09-03' }],
    });
    // Worst day 2008-09-03: A -20% × 0.6 = -0.12, B +10% × 0.4 = +0.04; total -0.08.
    expect(day).toMatchObject({ kind: 'worst-period', from: '2008-09-03', to: '2008-09-03', periods: 1 });
    close(day?.portfolioReturn ?? null, -0.08);
    expect(day?.drivers.map((d) => d.symbol)).toEqual(['A', 'B']);
    close(day?.drivers[0]?.contribution ?? null, -0.12);
    // 2-day windows of the portfolio: 1.06 × 0.92 - 1 = -0.0248, 0.92 × 0.99 - 1 = -0.0892: days 2-3.
    // Replayed buy-and-hold: A 0.8 × 1.05 - 1 = -0.16 (× 0.6 = -0.096), B 1.1 × 0.9 - 1 = -0.01 (× 0.4 = -0.004).
    expect(window).toMatchObject({ kind: 'worst-window', from: '2008-09-03', to: '2008-09-04', periods: 2 });
    close(window?.portfolioReturn ?? null, -0.1);
    close(window?.drivers[0]?.assetReturn ?? null, -0.16);
    close(window?.drivers[1]?.assetReturn ?? null, -0.01);
    // Largest drawdown: peak after day 1, trough after day 3, so the replay covers days 2-3 as above.
    expect(drawdown).toMatchObject({ kind: 'max-drawdown', from: '2008-09-03', to: '2008-09-04' });
    close(drawdown?.portfolioReturn ?? null, -0.1);
    // Range 09-01..09-03 holds the returns of 09-02 and 09-03: A 1.1 × 0.8 - 1 = -0.12 (-0.072), B +0.1 (+0.04).
    expect(range).toMatchObject({ kind: 'date-range', from: '2008-09-02', to: '2008-09-03', periods: 2 });
    close(range?.portfolioReturn ?? null, -0.032);
    expect(range?.drivers.map((d) => [d.symbol, d.contribution])).toEqual([
      ['A', expect.closeTo(-0.072, 12)],
      ['B', expect.closeTo(0.04, 12)],
    ]);
  });

  it('finds the windows in the benchmark when one is given', () => {
    // The benchmark's worst day is 2008-09-04 (-3%), not the portfolio's (2008-09-03).
    const [day] = historicalStress(portfolio, {
      reference: [0.01, -0.02, -0.03],
      windows: [1],
      maxDrawdown: false,
    });
    expect(day).toMatchObject({ name: 'worst period of the benchmark', from: '2008-09-04' });
    // A +5% × 0.6 = 0.03, B -10% × 0.4 = -0.04: -0.01, B drives it.
    close(day?.portfolioReturn ?? null, -0.01);
    expect(day?.drivers[0]?.symbol).toBe('B');
  });

  it('scenarios the data cannot support are null with the reason, not NaN', () => {
    const results = historicalStress(portfolio, {
      reference: [0.01, 0.02, 0.03],
      windows: [21],
      ranges: [{ name: 'GFC', from: '2008-10-01', to: '2009-03-09' }],
    });
    expect(results.map((r) => [r.kind, r.portfolioReturn, r.reason])).toEqual([
      ['worst-window', null, 'worst 21-period window of the benchmark needs at least 21 observations, got 3'],
      ['max-drawdown', null, 'the benchmark never falls below a previous high'],
      ['date-range', null, 'no return dated in 2008-10-01..2009-03-09 (data covers 2008-09-02..2008-09-04)'],
    ]);
    expect(JSON.stringify(results)).not.toMatch(/NaN|Infinity/);
  });

  it('bad input is a named error', () => {
    expect(() => historicalStress({ ...portfolio, weights: [1] })).toThrow(LengthMismatchError);
    expect(() =>
      historicalStress({ ...portfolio, dates: ['2008-09-02', '2008-09-02', '2008-09-04'] }),
    ).toThrow(UnsortedDatesError);
    expect(() =>
      historicalStress({
        ...portfolio,
        assetReturns: [
          [0.1, Number.NaN, 0],
          [0, 0, 0],
        ],
      }),
    ).toThrow(NonFiniteValueError);
    expect(() =>
      historicalStress(portfolio, { ranges: [{ name: 'backwards', from: '2009-03-09', to: '2008-09-01' }] }),
    ).toThrow(InvalidParameterError);
    expect(() => worstWindow([0.1, 0.2], 3)).toThrow(InsufficientDataError);
  });
});

describe('hypothetical shocks', () => {
  const symbols = ['SPY', 'TLT', 'GLD'];
  const weights = [0.6, 0.3, 0.1];
  const sleeves = { SPY: 'equities', TLT: 'bonds', GLD: 'commodities' };

  it('equities -20%, bonds +5%: -0.12 + 0.015 = -0.105, gold unshocked', () => {
    const r = applyShock(symbols, weights, {
      name: 'equity crash',
      groups: sleeves,
      groupShocks: { equities: -0.2, bonds: 0.05 },
    });
    close(r.portfolioReturn, -0.105);
    expect(r.drivers.map((d) => [d.symbol, d.assetReturn])).toEqual([
      ['SPY', -0.2],
      ['GLD', 0],
      ['TLT', 0.05],
    ]);
  });

  it("a symbol's own shock overrides its sleeve's", () => {
    const r = applyShock(symbols, weights, {
      name: 'override',
      groups: sleeves,
      groupShocks: { equities: -0.2 },
      symbolShocks: { SPY: -0.3, GLD: 0.1 },
    });
    // -0.3 × 0.6 + 0.1 × 0.1 = -0.17
    close(r.portfolioReturn, -0.17);
  });

  it('unknown symbols and sleeves, impossible and non-finite shocks are named errors', () => {
    expect(() => applyShock(symbols, weights, { name: 'typo', symbolShocks: { SPX: -0.2 } })).toThrow(
      UnknownSymbolError,
    );
    expect(() =>
      applyShock(symbols, weights, { name: 'typo', groups: sleeves, groupShocks: { equity: -0.2 } }),
    ).toThrow(UnknownSymbolError);
    expect(() => applyShock(symbols, weights, { name: 'x', symbolShocks: { SPY: -1.5 } })).toThrow(
      InvalidParameterError,
    );
    expect(() => applyShock(symbols, weights, { name: 'x', symbolShocks: { SPY: Number.NaN } })).toThrow(
      NonFiniteValueError,
    );
  });
});

describe('stress properties (fast-check)', () => {
  const returnsArb = fc.double({ min: -0.2, max: 0.2, noNaN: true });
  const caseArb = fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.record({
      weights: fc.array(fc.double({ min: -0.5, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
      assets: fc
        .integer({ min: 1, max: 40 })
        .chain((t) =>
          fc.array(fc.array(returnsArb, { minLength: t, maxLength: t }), { minLength: n, maxLength: n }),
        ),
    }),
  );
  const dated = (t: number) =>
    Array.from({ length: t }, (_, i) =>
      new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    );

  it('drivers sum to the portfolio P&L; the worst period is the minimum portfolio return', () => {
    fc.assert(
      fc.property(caseArb, ({ weights, assets }) => {
        const t = (assets[0] as number[]).length;
        const symbols = assets.map((_, i) => `S${i}`);
        const results = historicalStress(
          { dates: dated(t), symbols, assetReturns: assets, weights },
          { windows: [1, 5] },
        );
        for (const r of results) {
          if (r.portfolioReturn === null) continue;
          const sum = r.drivers.reduce((s, d) => s + d.contribution, 0);
          expect(Math.abs(sum - r.portfolioReturn)).toBeLessThanOrEqual(1e-12);
          for (let i = 1; i < r.drivers.length; i += 1)
            expect((r.drivers[i - 1] as { contribution: number }).contribution).toBeLessThanOrEqual(
              (r.drivers[i] as { contribution: number }).contribution,
            );
        }
        const daily = portfolioReturns(assets, weights);
        close(results[0]?.portfolioReturn ?? null, Math.min(...daily), 1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it('the worst window is no better than any window of that length', () => {
    fc.assert(
      fc.property(
        fc.array(returnsArb, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (r, length) => {
          fc.pre(r.length >= length);
          const w = worstWindow(r, length);
          for (let s = 0; s + length <= r.length; s += 1) {
            let wealth = 1;
            for (let k = s; k < s + length; k += 1) wealth *= 1 + (r[k] as number);
            expect(w.compoundedReturn).toBeLessThanOrEqual(wealth - 1 + 1e-15);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
