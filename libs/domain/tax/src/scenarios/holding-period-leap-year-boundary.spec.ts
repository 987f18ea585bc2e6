import { sellFromLots } from '../lib/lot-relief';
import { holdingTerm } from '../lib/holding-period';
import { lot } from './household.fixture';

// 26 U.S.C. 1222: long-term means held MORE than one year; IRS Publication 550, "Holding Period":
// the count starts the day after acquisition and includes the day of disposal. A year that spans
// 29 February is 366 days long, and a 29 February purchase reaches its anniversary on 28 February.
describe('scenario: the leap-year boundary of the one-year rule', () => {
  const sellOn = (acquiredOn: string, soldOn: string) =>
    sellFromLots({ lots: [lot({ acquiredOn })], quantity: '100', price: '260', soldOn, method: 'fifo' })
      .sales[0]?.term;

  it('bought on 29 February 2024: short-term through 28 February 2025, long-term from 1 March', () => {
    expect(sellOn('2024-02-29', '2025-02-28')).toBe('short');
    expect(sellOn('2024-02-29', '2025-03-01')).toBe('long');
  });

  it('bought on 1 March 2023: a year later is 1 March 2024 (366 days), long-term from 2 March', () => {
    expect(sellOn('2023-03-01', '2024-02-29')).toBe('short');
    expect(sellOn('2023-03-01', '2024-03-01')).toBe('short');
    expect(sellOn('2023-03-01', '2024-03-02')).toBe('long');
  });

  it('bought on 28 February 2023: long-term on 29 February 2024, a date that exists only in leap years', () => {
    expect(holdingTerm('2023-02-28', '2024-02-28')).toBe('short');
    expect(holdingTerm('2023-02-28', '2024-02-29')).toBe('long');
  });
});
