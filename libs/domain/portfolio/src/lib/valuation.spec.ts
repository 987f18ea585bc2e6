import fc from 'fast-check';
import { pricedPortfolioArb, priceMap, quote } from '../testing/portfolio.fixtures';
import {
  InvalidDecimalError,
  InvalidHoldingsError,
  InvalidPriceError,
  MissingPriceError,
  NonPositivePortfolioValueError,
} from './errors';
import { valuePortfolio } from './valuation';

describe('valuePortfolio', () => {
  describe('worked example: 10 VTI at 101.25, 5 BND at 33.10, cash 500', () => {
    // VTI:  10 × 101.25 = 1012.50
    // BND:   5 ×  33.10 =  165.50
    // cash:                  500.00
    // total: 1012.50 + 165.50 + 500.00 = 1678.00
    // weights (to 22 digits, by long division): VTI 1012.5 / 1678 = 0.6033969010727056019070
    //                                           BND  165.5 / 1678 = 0.0986293206197854588796
    //                                           cash   500 / 1678 = 0.2979737783075089392133
    const valuation = valuePortfolio(
      {
        cash: '500',
        positions: [
          { symbol: 'VTI', quantity: '10' },
          { symbol: 'BND', quantity: '5' },
        ],
      },
      priceMap({ VTI: '101.25', BND: '33.10' }),
    );

    it('values positions and the total exactly', () => {
      expect(valuation.totalValue).toBe('1678');
      expect(valuation.cash.value).toBe('500');
      expect(
        valuation.holdings.map(({ symbol, quantity, price, marketValue }) => [
          symbol,
          quantity,
          price,
          marketValue,
        ]),
      ).toEqual([
        ['BND', '5', '33.1', '165.5'],
        ['VTI', '10', '101.25', '1012.5'],
      ]);
    });

    it('computes each weight as the double nearest to the exact ratio', () => {
      const [bnd, vti] = valuation.holdings;
      // Number('0.60339690107270560190…') etc.: the exact expansions above, rounded once to a double.
      expect(vti?.weight).toBe(Number('0.6033969010727056019070'));
      expect(bnd?.weight).toBe(Number('0.0986293206197854588796'));
      expect(valuation.cash.weight).toBe(Number('0.2979737783075089392133'));
    });

    it('lists the prices used, sorted by symbol', () => {
      expect(valuation.pricesUsed).toEqual([quote('BND', '33.10'), quote('VTI', '101.25')]);
    });
  });

  it('is exact where binary floats are not: 0.1 units at 0.2 plus 0.01 cash', () => {
    // Floats: 0.1 × 0.2 + 0.01 = 0.030000000000000006. Decimal: 0.02 + 0.01 = 0.03.
    expect(0.1 * 0.2 + 0.01).not.toBe(0.03);
    const valuation = valuePortfolio(
      { cash: '0.01', positions: [{ symbol: 'X', quantity: '0.1' }] },
      priceMap({ X: '0.2' }),
    );
    expect(valuation.holdings[0]?.marketValue).toBe('0.02');
    expect(valuation.totalValue).toBe('0.03');
    // 0.02 / 0.03 = 2/3 exactly, rounded once to the nearest double.
    expect(valuation.holdings[0]?.weight).toBe(2 / 3);
    expect(valuation.cash.weight).toBe(1 / 3);
  });

  it('keeps fractional quantities and long prices to the last digit', () => {
    const valuation = valuePortfolio(
      { cash: '0', positions: [{ symbol: 'ETH', quantity: '1.234567890123456789' }] },
      priceMap({ ETH: '3456.78' }),
    );
    // 1.234567890123456789 × 3456.78 = 4267.62959122096295907942 (checked with BigInt: 1234567890123456789 × 345678).
    expect((1234567890123456789n * 345678n).toString()).toBe('426762959122096295907942');
    expect(valuation.totalValue).toBe('4267.62959122096295907942');
    expect(valuation.holdings[0]?.weight).toBe(1);
  });

  it('needs no price for a zero-quantity position and gives it weight 0', () => {
    const valuation = valuePortfolio(
      {
        cash: '100',
        positions: [
          { symbol: 'SOLD', quantity: '0' },
          { symbol: 'GONE', quantity: '-0.000' },
          { symbol: 'VTI', quantity: '1' },
        ],
      },
      // GONE even has an unusable quote: it is not looked at.
      new Map([
        ['VTI', quote('VTI', '100')],
        ['GONE', quote('GONE', '0')],
      ]),
    );
    expect(valuation.holdings).toEqual([
      { symbol: 'GONE', quantity: '0', price: null, marketValue: '0', weight: 0 },
      { symbol: 'SOLD', quantity: '0', price: null, marketValue: '0', weight: 0 },
      { symbol: 'VTI', quantity: '1', price: '100', marketValue: '100', weight: 0.5 },
    ]);
    expect(valuation.pricesUsed.map((q) => q.symbol)).toEqual(['VTI']);
  });

  it('accepts a short position and a margin debit as long as the total is positive', () => {
    // 10 × 50 − 2 × 100 − 100 = 200: weights 2.5, −1, −0.5.
    const valuation = valuePortfolio(
      {
        cash: '-100',
        positions: [
          { symbol: 'LONG', quantity: '10' },
          { symbol: 'SHRT', quantity: '-2' },
        ],
      },
      priceMap({ LONG: '50', SHRT: '100' }),
    );
    expect(valuation.totalValue).toBe('200');
    expect(valuation.holdings.map((h) => h.weight)).toEqual([2.5, -1]);
    expect(valuation.cash.weight).toBe(-0.5);
  });

  it('values cash alone', () => {
    const valuation = valuePortfolio({ cash: '250.00', positions: [] }, new Map());
    expect(valuation).toEqual({
      totalValue: '250',
      cash: { value: '250', weight: 1 },
      holdings: [],
      pricesUsed: [],
    });
  });

  describe('errors', () => {
    it('MissingPriceError lists every unpriced held symbol, sorted', () => {
      const attempt = () =>
        valuePortfolio(
          {
            cash: '0',
            positions: [
              { symbol: 'VXUS', quantity: '1' },
              { symbol: 'VTI', quantity: '1' },
              { symbol: 'BND', quantity: '2' },
              { symbol: 'OLD', quantity: '0' },
            ],
          },
          priceMap({ VTI: '100' }),
        );
      expect(attempt).toThrow(MissingPriceError);
      expect(attempt).toThrow('Missing price for held symbol(s): BND, VXUS');
      expect(captured(attempt)).toMatchObject({ name: 'MissingPriceError', symbols: ['BND', 'VXUS'] });
    });

    it('InvalidPriceError lists every unusable quote', () => {
      const attempt = () =>
        valuePortfolio(
          {
            cash: '0',
            positions: ['A', 'B', 'C', 'D', 'E'].map((symbol) => ({ symbol, quantity: '1' })),
          },
          new Map([
            ['A', quote('A', '0')],
            ['B', quote('B', '-1.5')],
            ['C', quote('C', 'n/a')],
            ['D', quote('X', '10')],
            ['E', quote('E', '10')],
          ]),
        );
      expect(attempt).toThrow(InvalidPriceError);
      expect(attempt).toThrow(
        'Invalid price(s): A: must be positive, got "0"; B: must be positive, got "-1.5"; ' +
          'C: not a finite decimal string: "n/a"; D: quote is for "X"',
      );
    });

    it('reports missing prices before invalid ones', () => {
      expect(() =>
        valuePortfolio(
          {
            cash: '0',
            positions: [
              { symbol: 'A', quantity: '1' },
              { symbol: 'B', quantity: '1' },
            ],
          },
          priceMap({ A: '0' }),
        ),
      ).toThrow(MissingPriceError);
    });

    it.each([
      ['0', '-1012.5'],
      ['-0.01', '-1012.51'],
    ])('NonPositivePortfolioValueError when the total is %s', (total, cash) => {
      const attempt = () =>
        valuePortfolio({ cash, positions: [{ symbol: 'VTI', quantity: '10' }] }, priceMap({ VTI: '101.25' }));
      expect(attempt).toThrow(NonPositivePortfolioValueError);
      expect(attempt).toThrow(
        `Portfolio total value is ${total}; weights are defined only for a positive total value`,
      );
      expect(captured(attempt)).toMatchObject({ totalValue: total });
    });

    it('NonPositivePortfolioValueError for an empty portfolio', () => {
      expect(() => valuePortfolio({ cash: '0', positions: [] }, new Map())).toThrow(
        'Portfolio total value is 0; weights are defined only for a positive total value',
      );
    });

    it('InvalidHoldingsError for a duplicated or empty symbol', () => {
      const attempt = () =>
        valuePortfolio(
          {
            cash: '1',
            positions: [
              { symbol: 'VTI', quantity: '1' },
              { symbol: '', quantity: '1' },
              { symbol: 'VTI', quantity: '2' },
              { symbol: 'VTI', quantity: '3' },
            ],
          },
          priceMap({ VTI: '1' }),
        );
      expect(attempt).toThrow(InvalidHoldingsError);
      expect(attempt).toThrow(
        'Invalid holdings: positions[1]: symbol must be a non-empty string; VTI: listed more than once',
      );
    });

    it('InvalidDecimalError names the bad quantity or cash', () => {
      expect(() =>
        valuePortfolio(
          { cash: '1', positions: [{ symbol: 'VTI', quantity: '1,5' }] },
          priceMap({ VTI: '1' }),
        ),
      ).toThrow(new InvalidDecimalError('quantity of VTI', '1,5'));
      expect(() => valuePortfolio({ cash: '$1', positions: [] }, new Map())).toThrow(
        'cash: expected a finite decimal string such as "1234.56", got "$1"',
      );
    });
  });

  describe('properties', () => {
    it('holding weights plus the cash weight sum to 1 within 1e-12', () => {
      fc.assert(
        fc.property(pricedPortfolioArb, ({ holdings, prices }) => {
          const valuation = valuePortfolio(holdings, prices);
          const sum = valuation.holdings.reduce((acc, h) => acc + h.weight, valuation.cash.weight);
          expect(Math.abs(sum - 1)).toBeLessThanOrEqual(1e-12);
        }),
      );
    });

    it('total value is exactly cash plus the market values', () => {
      fc.assert(
        fc.property(pricedPortfolioArb, ({ holdings, prices }) => {
          const valuation = valuePortfolio(holdings, prices);
          // Independent check in BigInt: everything scaled to 1e-12 (8 quantity + 4 price decimals).
          const toUnits = (value: string): bigint => {
            const [whole = '0', fraction = ''] = value.split('.');
            return BigInt(whole + fraction.padEnd(12, '0'));
          };
          const expected = valuation.holdings.reduce(
            (acc, h) => acc + toUnits(h.marketValue),
            toUnits(valuation.cash.value),
          );
          expect(toUnits(valuation.totalValue)).toBe(expected);
          for (const h of valuation.holdings) {
            // 1e-12 units of value = 1e-8 units of quantity × 1e-4 units of price.
            expect(toUnits(h.marketValue)).toBe(
              (toUnits(h.quantity) / 10n ** 4n) * (toUnits(h.price ?? '0') / 10n ** 8n),
            );
          }
        }),
      );
    });

    it('does not depend on the order of positions', () => {
      fc.assert(
        fc.property(
          pricedPortfolioArb.chain((portfolio) =>
            fc
              .shuffledSubarray([...portfolio.holdings.positions], {
                minLength: portfolio.holdings.positions.length,
                maxLength: portfolio.holdings.positions.length,
              })
              .map((shuffled) => ({ ...portfolio, shuffled })),
          ),
          ({ holdings, prices, shuffled }) => {
            expect(valuePortfolio({ ...holdings, positions: shuffled }, prices)).toEqual(
              valuePortfolio(holdings, prices),
            );
          },
        ),
      );
    });
  });
});

function captured(attempt: () => unknown): unknown {
  try {
    attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
