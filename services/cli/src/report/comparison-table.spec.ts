import { metrics, policy, result, weekdays } from '../testing/backtest-result.builder';
import { comparisonTable, optionalNumber } from './comparison-table';

describe('comparisonTable', () => {
  const dates = weekdays('2015-01-05', 5);

  it('has one row per policy, no tax columns when the metrics carry no tax', () => {
    const table = comparisonTable(result([policy('a', dates), policy('b', dates)]));
    expect(table.rows.map((row) => row[0])).toEqual(['a', 'b']);
    expect(table.headers).not.toContain('tax paid');
    expect(table.headers).toHaveLength(table.align.length);
    expect(table.rows[0]).toHaveLength(table.headers.length);
    expect(table.rows[0]?.slice(1, 5)).toEqual(['110,000', '5.00%', '10.00%', '0.50']);
  });

  it('shows an undefined Sharpe ratio as "-"', () => {
    const table = comparisonTable(
      result([policy('flat', dates, undefined, { metrics: metrics({ sharpe: null }) })]),
    );
    expect(table.rows[0]?.[table.headers.indexOf('Sharpe')]).toBe('-');
  });

  it('adds tax paid and after-tax value when a policy carries them, "-" where one does not', () => {
    const table = comparisonTable(
      result([
        policy('a', dates, undefined, { metrics: metrics({ taxesPaid: 1500.4, afterTaxValue: 99_999.6 }) }),
        policy('b', dates),
      ]),
    );
    expect(table.headers.slice(-2)).toEqual(['tax paid', 'after-tax value']);
    expect(table.rows.map((row) => row.slice(-2))).toEqual([
      ['1,500', '100,000'],
      ['-', '-'],
    ]);
  });
});

describe('optionalNumber', () => {
  it.each([
    [{ x: 1.5 }, 1.5],
    [{ x: '-1234.50' }, -1234.5],
    [{ x: '12abc' }, undefined],
    [{ x: Number.NaN }, undefined],
    [{ x: null }, undefined],
    [{}, undefined],
  ])('%j -> %p', (record, expected) => {
    expect(optionalNumber(record, 'x')).toBe(expected);
  });
});
