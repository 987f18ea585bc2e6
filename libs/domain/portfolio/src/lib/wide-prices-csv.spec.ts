import { parseWidePricesCsv, PricesCsvError } from './wide-prices-csv';

describe('parseWidePricesCsv', () => {
  it('reads symbols, dates and exact decimal strings, skipping empty cells', () => {
    const parsed = parseWidePricesCsv('Date,SPY,tlt\n2008-01-02,144.93,\n2008-01-03,144.86,92.130001\n');
    expect(parsed.symbols).toEqual(['SPY', 'TLT']);
    expect(parsed.rows).toHaveLength(2);
    expect([...(parsed.rows[0]?.prices ?? [])]).toEqual([['SPY', '144.93']]);
    expect(parsed.rows[1]?.prices.get('TLT')).toBe('92.130001');
  });

  it.each([
    ['', 1, 'the file is empty'],
    ['date\n2020-01-01\n', 1, 'names no symbol'],
    ['date,SPY,SPY\n', 1, 'appears twice'],
    ['date,SPY\n2020-01-02,1\n2020-01-02,2\n', 3, 'is not after'],
    ['date,SPY\n2020-13-45x,1\n', 2, 'is not a date'],
    ['date,SPY\n2020-01-02,-1\n', 2, 'not a positive decimal'],
    ['date,SPY\n2020-01-02,1e3\n', 2, 'not a positive decimal'],
    ['date,SPY,TLT\n2020-01-02,1\n', 2, 'expected 3 cells'],
  ])('rejects %j at line %i', (text, line, message) => {
    expect(() => parseWidePricesCsv(text)).toThrow(PricesCsvError);
    expect(() => parseWidePricesCsv(text)).toThrow(new RegExp(`line ${line}: .*${message}`));
  });
});
