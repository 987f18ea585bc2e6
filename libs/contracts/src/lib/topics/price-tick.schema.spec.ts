import { aPriceTick } from '../testing/examples';
import { issuesOf } from '../testing/issues';
import { priceTickPayloadSchema } from './price-tick.schema';

describe('price.tick payload', () => {
  it('accepts a validated price', () => {
    expect(issuesOf(priceTickPayloadSchema, aPriceTick())).toEqual([]);
  });

  it('accepts an offset time whose millis agree', () => {
    const tick = { ...aPriceTick(), asOf: '2024-03-15T15:30:00.250+01:00', asOfMillis: 1_710_513_000_250 };
    expect(issuesOf(priceTickPayloadSchema, tick)).toEqual([]);
  });

  it.each([
    ['a negative price', { price: '-251.37' }, 'price: must be greater than zero'],
    ['a zero price', { price: '0.000' }, 'price: must be greater than zero'],
    ['an exponent', { price: '1e5' }, 'price: must be a decimal string such as "101.25"'],
    ['a float price', { price: 251.37 }, 'price: must be a decimal string such as "101.25"'],
    [
      'a lower-case currency',
      { currency: 'usd' },
      'currency: must be an ISO 4217 currency code of three upper-case letters, such as "USD"',
    ],
    [
      'an unknown currency',
      { currency: 'ABC' },
      'currency: unknown currency code "ABC": not an active ISO 4217 code',
    ],
    [
      'a lower-case symbol',
      { symbol: 'vti' },
      'symbol: must be an upper-case ticker of 1 to 20 letters, digits or . - ^ = (such as "VTI" or "BRK.B")',
    ],
    [
      'asOfMillis disagreeing with asOf',
      { asOfMillis: 1_710_513_000_001 },
      'asOfMillis: must equal asOf in epoch milliseconds (1710513000000), got 1710513000001',
    ],
    ['a blank source', { source: ' ' }, 'source: must not be blank'],
  ])('rejects %s', (_label, change, expected) => {
    expect(issuesOf(priceTickPayloadSchema, { ...aPriceTick(), ...change })).toEqual([expected]);
  });
});
