import { KNOWN_CURRENCIES, currencyCode, isKnownCurrency } from './currency';
import { issuesOf } from './testing/issues';

describe('currencyCode', () => {
  it.each(['USD', 'EUR', 'JPY', 'GBP', 'CHF', 'ISK', 'VND'])('accepts %s', (code) => {
    expect(issuesOf(currencyCode, code)).toEqual([]);
  });

  it('rejects a lower-case code by its format, telling the author what to fix', () => {
    expect(issuesOf(currencyCode, 'usd')).toEqual([
      '(root): must be an ISO 4217 currency code of three upper-case letters, such as "USD"',
    ]);
  });

  it.each(['XYZ', 'GBX', 'HRK', 'BGN'])('rejects %s as unknown (pseudo or withdrawn code)', (code) => {
    expect(issuesOf(currencyCode, code)).toEqual([
      `(root): unknown currency code "${code}": not an active ISO 4217 code`,
    ]);
  });

  it('lists each code once, all in ISO format', () => {
    expect(new Set(KNOWN_CURRENCIES).size).toBe(KNOWN_CURRENCIES.length);
    expect(KNOWN_CURRENCIES.length).toBeGreaterThanOrEqual(40);
    for (const code of KNOWN_CURRENCIES) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect(isKnownCurrency(code)).toBe(true);
    }
  });
});
