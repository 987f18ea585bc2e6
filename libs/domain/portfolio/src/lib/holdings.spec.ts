import fc from 'fast-check';
import { cashArb, priceArb, quantityArb, quote, symbolArb } from '../testing/portfolio.fixtures';
import { Decimal, toDecimalString } from './decimal';
import { InvalidDecimalError } from './errors';
import { type Holdings, type PriceQuote, aggregateAccounts } from './holdings';
import { valuePortfolio } from './valuation';

describe('aggregateAccounts', () => {
  it('sums cash and quantities per symbol across accounts, sorted by symbol', () => {
    // cash: 100.10 + (−20.05) = 80.05; VTI: 10 + 0.25 = 10.25; BND only in the first, VXUS only in the second.
    const household = aggregateAccounts([
      {
        cash: '100.10',
        positions: [
          { symbol: 'VTI', quantity: '10' },
          { symbol: 'BND', quantity: '5.5' },
        ],
      },
      {
        cash: '-20.05',
        positions: [
          { symbol: 'VXUS', quantity: '3' },
          { symbol: 'VTI', quantity: '0.25' },
        ],
      },
    ]);
    expect(household).toEqual({
      cash: '80.05',
      positions: [
        { symbol: 'BND', quantity: '5.5' },
        { symbol: 'VTI', quantity: '10.25' },
        { symbol: 'VXUS', quantity: '3' },
      ],
    });
  });

  it('adds exactly where floats do not: 0.1 + 0.2 shares', () => {
    expect(
      aggregateAccounts([
        { cash: '0.1', positions: [{ symbol: 'X', quantity: '0.1' }] },
        { cash: '0.2', positions: [{ symbol: 'X', quantity: '0.2' }] },
      ]),
    ).toEqual({ cash: '0.3', positions: [{ symbol: 'X', quantity: '0.3' }] });
  });

  it('merges a symbol listed twice in one account and keeps a position that nets to zero', () => {
    expect(
      aggregateAccounts([
        {
          cash: '0',
          positions: [
            { symbol: 'A', quantity: '1' },
            { symbol: 'A', quantity: '2' },
          ],
        },
        { cash: '0', positions: [{ symbol: 'B', quantity: '4' }] },
        { cash: '0', positions: [{ symbol: 'B', quantity: '-4' }] },
      ]),
    ).toEqual({
      cash: '0',
      positions: [
        { symbol: 'A', quantity: '3' },
        { symbol: 'B', quantity: '0' },
      ],
    });
  });

  it('gives empty holdings for no accounts', () => {
    expect(aggregateAccounts([])).toEqual({ cash: '0', positions: [] });
  });

  it('names the account and position of a bad decimal', () => {
    const attempt = () =>
      aggregateAccounts([
        { cash: '1', positions: [] },
        { cash: '1', positions: [{ symbol: 'VTI', quantity: 'ten' }] },
      ]);
    expect(attempt).toThrow(InvalidDecimalError);
    expect(attempt).toThrow('accounts[1].positions[0].quantity (VTI): expected a finite decimal string');
    expect(() => aggregateAccounts([{ cash: '', positions: [] }])).toThrow('accounts[0].cash: expected');
  });

  describe('properties', () => {
    const accountsArb = fc
      .record({
        prices: fc.uniqueArray(fc.record({ symbol: symbolArb, price: priceArb }), {
          selector: (p) => p.symbol,
          minLength: 1,
          maxLength: 8,
        }),
        accountCount: fc.integer({ min: 1, max: 4 }),
      })
      .chain(({ prices, accountCount }) => {
        const symbols = prices.map((p) => p.symbol);
        const account: fc.Arbitrary<Holdings> = fc.record({
          // Positive cash keeps every account's own total positive, so each can be valued alone.
          cash: cashArb.filter((cash) => /[1-9]/.test(cash)),
          positions: fc.uniqueArray(
            fc.record({ symbol: fc.constantFrom(...symbols), quantity: quantityArb }),
            { selector: (p) => p.symbol },
          ),
        });
        return fc.record({
          prices: fc.constant(
            new Map<string, PriceQuote>(prices.map((p) => [p.symbol, quote(p.symbol, p.price)])),
          ),
          accounts: fc.array(account, { minLength: accountCount, maxLength: accountCount }),
        });
      });

    it('preserves total value: value(aggregate) = Σ value(account), exactly', () => {
      fc.assert(
        fc.property(accountsArb, ({ prices, accounts }) => {
          const sumOfAccounts = accounts
            .map((account) => new Decimal(valuePortfolio(account, prices).totalValue))
            .reduce((acc, value) => acc.plus(value), new Decimal(0));
          expect(valuePortfolio(aggregateAccounts(accounts), prices).totalValue).toBe(
            toDecimalString(sumOfAccounts),
          );
        }),
      );
    });

    it('does not depend on the order of accounts', () => {
      fc.assert(
        fc.property(accountsArb, ({ accounts }) => {
          expect(aggregateAccounts([...accounts].reverse())).toEqual(aggregateAccounts(accounts));
        }),
      );
    });
  });
});
