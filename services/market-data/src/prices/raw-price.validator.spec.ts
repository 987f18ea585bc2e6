import { validateRawPrice } from './raw-price.validator';

const now = Date.parse('2024-03-15T20:00:00Z');
const good = { symbol: 'spy', price: 512.25, currency: 'usd', asOf: '2024-03-15T19:59:00Z', source: 'acme' };

describe('validateRawPrice', () => {
  it('normalises a good feed price into a tick with a decimal string price', () => {
    expect(validateRawPrice(good, now)).toEqual({
      ok: true,
      tick: {
        symbol: 'SPY',
        price: '512.25',
        currency: 'USD',
        asOf: '2024-03-15T19:59:00.000Z',
        asOfMillis: Date.parse('2024-03-15T19:59:00Z'),
        source: 'feed:acme',
      },
    });
  });

  it('accepts an offset other than Z and normalises it to UTC', () => {
    const verdict = validateRawPrice({ ...good, asOf: '2024-03-15T15:59:00-04:00' }, now);
    expect(verdict.ok && verdict.tick.asOf).toBe('2024-03-15T19:59:00.000Z');
  });

  it('writes tiny numbers without an exponent', () => {
    const verdict = validateRawPrice({ ...good, price: 1e-7 }, now);
    expect(verdict.ok && verdict.tick.price).toBe('0.0000001');
  });

  it.each([
    [{ price: -1 }, 'is not positive'],
    [{ price: 0 }, 'is not positive'],
    [{ price: '0.000' }, 'is not positive'],
    [{ price: Number.NaN }, 'not a finite decimal'],
    [{ price: Number.POSITIVE_INFINITY }, 'not a finite decimal'],
    [{ price: '12,5' }, 'not a finite decimal'],
    [{ price: '1e3' }, 'not a finite decimal'],
    [{ currency: 'XYZ' }, 'not a known ISO 4217 code'],
    [{ symbol: 'S P Y' }, 'is not a ticker'],
    [{ asOf: 'yesterday' }, 'not an ISO-8601'],
    [{ asOf: '2024-03-15T19:59:00' }, 'with a time zone'],
    [{ asOf: '2024-03-16T20:00:00Z' }, 'is in the future'],
  ])('rejects %j with a specific reason', (change, reason) => {
    const verdict = validateRawPrice({ ...good, ...change }, now);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain(reason);
  });
});
