import { SymbolIndex } from './symbol-index';

describe('SymbolIndex', () => {
  it('finds exactly the portfolios that hold or target a symbol', () => {
    const index = new SymbolIndex();
    index.set('p2', ['SPY', 'TLT']);
    index.set('p1', ['SPY', 'GLD']);
    expect(index.portfoliosOf('SPY')).toEqual(['p1', 'p2']);
    expect(index.portfoliosOf('GLD')).toEqual(['p1']);
    expect(index.portfoliosOf('QQQ')).toEqual([]);
  });

  it('follows a new snapshot that drops and adds symbols, and forgets empty ones', () => {
    const index = new SymbolIndex();
    index.set('p1', ['SPY', 'TLT']);
    index.set('p1', ['SPY', 'IEF']);
    expect(index.portfoliosOf('TLT')).toEqual([]);
    expect(index.portfoliosOf('IEF')).toEqual(['p1']);
    expect(index.symbolCount).toBe(2);
    index.set('p1', []);
    expect(index.portfolioCount).toBe(0);
    expect(index.symbolCount).toBe(0);
  });

  it('is rebuilt from the table rows', async () => {
    const index = new SymbolIndex();
    index.set('gone', ['XYZ']);
    await index.rebuild(() =>
      Promise.resolve([
        { portfolioId: 'p1', symbol: 'SPY' },
        { portfolioId: 'p1', symbol: 'TLT' },
        { portfolioId: 'p2', symbol: 'SPY' },
      ]),
    );
    expect(index.portfoliosOf('SPY')).toEqual(['p1', 'p2']);
    expect(index.portfoliosOf('XYZ')).toEqual([]);
    expect(index.symbolsOf('p1')).toEqual(['SPY', 'TLT']);
  });

  it('keeps an update made while a rebuild reads the table (it may be newer than the rows)', async () => {
    const index = new SymbolIndex();
    let release: () => void = () => undefined;
    const reading = index.rebuild(
      () =>
        new Promise((resolve) => {
          release = () => resolve([{ portfolioId: 'p1', symbol: 'SPY' }]);
        }),
    );
    index.set('p1', ['QQQ']);
    index.set('p3', ['GLD']);
    release();
    await reading;
    expect(index.symbolsOf('p1')).toEqual(['QQQ']);
    expect(index.portfoliosOf('GLD')).toEqual(['p3']);
    expect(index.portfoliosOf('SPY')).toEqual([]);
  });

  it('keeps the previous index when the table cannot be read', async () => {
    const index = new SymbolIndex();
    index.set('p1', ['SPY']);
    await expect(index.rebuild(() => Promise.reject(new Error('database down')))).rejects.toThrow(
      'database down',
    );
    expect(index.portfoliosOf('SPY')).toEqual(['p1']);
  });
});
