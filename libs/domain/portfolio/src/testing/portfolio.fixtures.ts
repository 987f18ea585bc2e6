// Builders and fast-check arbitraries for this library's specs. Not exported from the library.
import fc from 'fast-check';
import { type Holdings, type PriceQuote } from '../lib/holdings';

/** A quote with a fixed as-of and source; only the price matters to the math. */
export function quote(symbol: string, price: string, overrides: Partial<PriceQuote> = {}): PriceQuote {
  return { symbol, price, asOf: '2024-03-15T20:00:00.000Z', source: 'test', ...overrides };
}

/** `{ VTI: '101.25' }` -> a price map as `valuePortfolio` takes it. */
export function priceMap(prices: Readonly<Record<string, string>>): Map<string, PriceQuote> {
  return new Map(Object.entries(prices).map(([symbol, price]) => [symbol, quote(symbol, price)]));
}

/** Renders `units × 10^-scale` as a plain decimal string: (12345n, 2) -> '123.45'. */
export function scaledDecimal(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Decimal strings with up to `integerDigits` digits before the point and `maxScale` after. */
export function decimalString(options: {
  integerDigits: number;
  maxScale: number;
  min?: 'negative' | 'zero' | 'positive';
}): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: options.maxScale }).chain((scale) => {
    const max = 10n ** BigInt(options.integerDigits + scale) - 1n;
    const min = options.min === 'negative' ? -max : options.min === 'positive' ? 1n : 0n;
    return fc.bigInt({ min, max }).map((units) => scaledDecimal(units, scale));
  });
}

export const symbolArb = fc.stringMatching(/^[A-Z]{1,5}$/);
export const quantityArb = decimalString({ integerDigits: 9, maxScale: 8 });
export const priceArb = decimalString({ integerDigits: 6, maxScale: 4, min: 'positive' });
export const cashArb = decimalString({ integerDigits: 10, maxScale: 2 });

/** A long-only portfolio with a price for every symbol and a positive total value. */
export const pricedPortfolioArb: fc.Arbitrary<{ holdings: Holdings; prices: Map<string, PriceQuote> }> = fc
  .record({
    cash: cashArb,
    lines: fc.uniqueArray(fc.record({ symbol: symbolArb, quantity: quantityArb, price: priceArb }), {
      selector: (line) => line.symbol,
      maxLength: 12,
    }),
  })
  .filter(({ cash, lines }) => /[1-9]/.test(cash) || lines.some((line) => /[1-9]/.test(line.quantity)))
  .map(({ cash, lines }) => ({
    holdings: { cash, positions: lines.map(({ symbol, quantity }) => ({ symbol, quantity })) },
    prices: new Map(lines.map(({ symbol, price }) => [symbol, quote(symbol, price)])),
  }));
