import fc from 'fast-check';
import { pricedPortfolioArb, priceMap, symbolArb } from '../testing/portfolio.fixtures';
import { computeDrift } from './drift';
import { InvalidTargetsError } from './errors';
import { type TargetWeight } from './holdings';
import { type Valuation, valuePortfolio } from './valuation';

/** 10 VTI at 101.25, 5 BND at 33.10, cash 500: total 1678 (see valuation.spec.ts). */
function workedValuation(): Valuation {
  return valuePortfolio(
    {
      cash: '500',
      positions: [
        { symbol: 'VTI', quantity: '10' },
        { symbol: 'BND', quantity: '5' },
      ],
    },
    priceMap({ VTI: '101.25', BND: '33.10' }),
  );
}

describe('computeDrift', () => {
  describe('worked example: targets VTI 60 %, BND 10 %, so cash 30 %', () => {
    // Target values at total 1678: VTI 0.6 × 1678 = 1006.8, BND 167.8, cash 503.4.
    // Drift = (value − target value) / total:
    //   VTI  (1012.5 − 1006.8) / 1678 =  5.7 / 1678 =  0.0033969010727056019
    //   BND  ( 165.5 −  167.8) / 1678 = −2.3 / 1678 = −0.0013706793802145411
    //   cash ( 500   −  503.4) / 1678 = −3.4 / 1678 = −0.0020262216924910608
    // Relative: VTI 5.7 / 1006.8 = 0.0056615017878426698, BND −2.3 / 167.8 = −0.0137067938021454112.
    // Portfolio drift: (5.7 + 2.3 + 3.4) / 2 / 1678 = 5.7 / 1678 = 0.0033969010727056019.
    const report = computeDrift(workedValuation(), [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.1 },
    ]);

    it('reports each symbol against its target, sorted by symbol', () => {
      expect(report.totalValue).toBe('1678');
      expect(report.rows.map((row) => [row.symbol, row.targetWeight, row.marketValue, row.quantity])).toEqual(
        [
          ['BND', 0.1, '165.5', '5'],
          ['VTI', 0.6, '1012.5', '10'],
        ],
      );
      const [bnd, vti] = report.rows;
      expect(vti?.drift).toBeCloseTo(0.003396901072705602, 15);
      expect(bnd?.drift).toBeCloseTo(-0.0013706793802145411, 15);
      expect(vti?.relativeDrift).toBeCloseTo(0.00566150178784267, 14);
      expect(bnd?.relativeDrift).toBeCloseTo(-0.013706793802145411, 14);
    });

    it('reports cash against the remainder of the targets', () => {
      expect(report.cash.value).toBe('500');
      expect(report.cash.targetWeight).toBeCloseTo(0.3, 15);
      expect(report.cash.drift).toBeCloseTo(-0.002026221692491061, 15);
    });

    it('measures portfolio drift as half the sum of absolute drifts', () => {
      expect(report.portfolioDrift).toBeCloseTo(0.003396901072705602, 15);
    });
  });

  it('covers held symbols without a target and targets not held', () => {
    const valuation = valuePortfolio(
      {
        cash: '0',
        positions: [
          { symbol: 'OLD', quantity: '1' },
          { symbol: 'VTI', quantity: '3' },
          { symbol: 'SOLD', quantity: '0' },
        ],
      },
      priceMap({ OLD: '25', VTI: '25' }),
    );
    const report = computeDrift(valuation, [
      { symbol: 'VTI', weight: 0.5 },
      { symbol: 'NEW', weight: 0.3 },
      { symbol: 'SOLD', weight: 0.2 },
    ]);
    expect(report.rows).toEqual([
      {
        symbol: 'NEW',
        targetWeight: 0.3,
        currentWeight: 0,
        drift: -0.3,
        relativeDrift: -1,
        marketValue: '0',
        quantity: '0',
      },
      {
        symbol: 'OLD',
        targetWeight: 0,
        currentWeight: 0.25,
        drift: 0.25,
        relativeDrift: null,
        marketValue: '25',
        quantity: '1',
      },
      {
        symbol: 'SOLD',
        targetWeight: 0.2,
        currentWeight: 0,
        drift: -0.2,
        relativeDrift: -1,
        marketValue: '0',
        quantity: '0',
      },
      {
        symbol: 'VTI',
        targetWeight: 0.5,
        currentWeight: 0.75,
        drift: 0.25,
        relativeDrift: 0.5,
        marketValue: '75',
        quantity: '3',
      },
    ]);
    expect(report.cash).toEqual({ value: '0', weight: 0, targetWeight: 0, drift: 0 });
    // (0.3 + 0.25 + 0.2 + 0.25 + 0) / 2 = 0.5
    expect(report.portfolioDrift).toBe(0.5);
  });

  it('gives relativeDrift null for an explicit zero target', () => {
    const report = computeDrift(workedValuation(), [{ symbol: 'VTI', weight: 0 }]);
    expect(report.rows.find((row) => row.symbol === 'VTI')?.relativeDrift).toBeNull();
    expect(report.cash.targetWeight).toBe(1);
  });

  it('reports zero drift for a portfolio on target', () => {
    // 6 × 100 = 600, 3 × 100 = 300, cash 100: exactly 60 % / 30 % / 10 %.
    const valuation = valuePortfolio(
      {
        cash: '100',
        positions: [
          { symbol: 'A', quantity: '6' },
          { symbol: 'B', quantity: '3' },
        ],
      },
      priceMap({ A: '100', B: '100' }),
    );
    const report = computeDrift(valuation, [
      { symbol: 'A', weight: 0.6 },
      { symbol: 'B', weight: 0.3 },
    ]);
    expect(report.rows.map((row) => row.drift)).toEqual([0, 0]);
    expect(report.cash.drift).toBeCloseTo(0, 15);
    expect(report.portfolioDrift).toBeCloseTo(0, 15);
  });

  it('throws InvalidTargetsError for invalid targets', () => {
    expect(() => computeDrift(workedValuation(), [{ symbol: 'VTI', weight: -0.5 }])).toThrow(
      InvalidTargetsError,
    );
    expect(() =>
      computeDrift(workedValuation(), [
        { symbol: 'VTI', weight: 0.8 },
        { symbol: 'BND', weight: 0.8 },
      ]),
    ).toThrow('Invalid target weights: weights sum to 1.6, more than 1');
  });

  describe('properties', () => {
    /** Valid targets over some held and some unheld symbols, summing to a random total in [0, 1]. */
    const scenarioArb = pricedPortfolioArb.chain((portfolio) => {
      const held = portfolio.holdings.positions.map((position) => position.symbol);
      const symbols = fc.uniqueArray(
        held.length > 0 ? fc.oneof(fc.constantFrom(...held), symbolArb) : symbolArb,
        {
          maxLength: 10,
        },
      );
      return fc
        .record({
          symbols,
          raw: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 10, maxLength: 10 }),
          total: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })),
        })
        .map(({ symbols: chosen, raw, total }) => {
          const rawSum = raw.slice(0, chosen.length).reduce((a, b) => a + b, 0);
          const targets: TargetWeight[] = chosen.map((symbol, i) => ({
            symbol,
            weight: rawSum > 0 ? ((raw[i] ?? 0) / rawSum) * total : 0,
          }));
          return { valuation: valuePortfolio(portfolio.holdings, portfolio.prices), targets };
        });
    });

    it('Σ current − Σ target over rows + (cash weight − cash target) = 0 within 1e-12', () => {
      fc.assert(
        fc.property(scenarioArb, ({ valuation, targets }) => {
          const report = computeDrift(valuation, targets);
          const current = report.rows.reduce((acc, row) => acc + row.currentWeight, 0);
          const target = report.rows.reduce((acc, row) => acc + row.targetWeight, 0);
          expect(
            Math.abs(current - target + (report.cash.weight - report.cash.targetWeight)),
          ).toBeLessThanOrEqual(1e-12);
        }),
      );
    });

    it('portfolio drift equals the sum of positive drifts (one-way turnover) and lies in [0, 1]', () => {
      fc.assert(
        fc.property(scenarioArb, ({ valuation, targets }) => {
          const report = computeDrift(valuation, targets);
          const positive = [...report.rows.map((row) => row.drift), report.cash.drift]
            .filter((drift) => drift > 0)
            .reduce((a, b) => a + b, 0);
          expect(Math.abs(report.portfolioDrift - positive)).toBeLessThanOrEqual(1e-12);
          expect(report.portfolioDrift).toBeGreaterThanOrEqual(0);
          expect(report.portfolioDrift).toBeLessThanOrEqual(1 + 1e-12);
        }),
      );
    });

    it('rows are the union of held and targeted symbols, sorted', () => {
      fc.assert(
        fc.property(scenarioArb, ({ valuation, targets }) => {
          const symbols = computeDrift(valuation, targets).rows.map((row) => row.symbol);
          const expected = [
            ...new Set([...valuation.holdings.map((h) => h.symbol), ...targets.map((t) => t.symbol)]),
          ].sort();
          expect(symbols).toEqual(expected);
        }),
      );
    });
  });
});
