import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type CorporateActions, parseLeanFactorFile } from '@ballast/domain-backtest';
import { type LeanDataset, LeanDataError, readLeanDataset, readZipEntries } from './lean-data';

const bundled = path.resolve(__dirname, '../../data/lean');
// Developers and CI have the shared data folder beside the project (../shared/data/README.md).
const shared = path.resolve(__dirname, '../../../../../shared/data/lean');

/** Raw closes of one symbol, in date order. */
function closesOf(dataset: LeanDataset, symbol: string): [string, number][] {
  return dataset.prices.rows.flatMap((row) => {
    const close = row.prices.get(symbol);
    return close === undefined ? [] : [[row.date, Number(close)] as [string, number]];
  });
}

/** Lean's adjusted close: raw x price factor x split factor of the first row dated on or after the day. */
function leanAdjusted(factorFile: string, symbol: string, closes: readonly [string, number][]): number[] {
  const rows = parseLeanFactorFile(symbol, readFileSync(factorFile, 'utf8'));
  return closes.map(([date, close]) => {
    const row = rows.find((candidate) => candidate.date >= date);
    return row === undefined ? close : close * row.priceFactor * row.splitFactor;
  });
}

/**
 * Raw closes back-adjusted with the derived actions, walking back from the last day: on an ex-date,
 * earlier closes are scaled by 1 / ratio for a split and by (C - amount x ratio) / C for a dividend,
 * C the raw close of the day before (Lean's pf_i / pf_i+1 = (C - D) / C, FactorFileRow.Apply).
 */
function backAdjusted(
  actions: CorporateActions,
  symbol: string,
  closes: readonly [string, number][],
): number[] {
  const ratioOn = new Map(actions.splits.filter((s) => s.symbol === symbol).map((s) => [s.date, s.ratio]));
  const amountOn = new Map(
    actions.dividends.filter((d) => d.symbol === symbol).map((d) => [d.exDate, Number(d.amountPerShare)]),
  );
  const adjusted = new Array<number>(closes.length);
  let factor = 1;
  for (let i = closes.length - 1; i >= 0; i--) {
    const [date, close] = closes[i] as [string, number];
    adjusted[i] = close * factor;
    const previous = closes[i - 1]?.[1];
    if (previous === undefined) break;
    const ratio = ratioOn.get(date) ?? 1;
    factor *= (previous - (amountOn.get(date) ?? 0) * ratio) / previous / ratio;
  }
  return adjusted;
}

/**
 * The largest relative difference of two series, each segment between gaps of more than ten calendar
 * days scaled to agree on its last day (a gap hides the closes the adjustment needs), the last
 * segment not scaled at all.
 */
function worstRelativeError(
  dates: readonly string[],
  ours: readonly number[],
  lean: readonly number[],
): number {
  let worst = 0;
  let anchor = 1;
  for (let i = dates.length - 1; i >= 0; i--) {
    const next = dates[i + 1];
    if (next !== undefined && Date.parse(next) - Date.parse(dates[i] as string) > 10 * 86_400_000) {
      anchor = (lean[i] as number) / (ours[i] as number);
    }
    worst = Math.max(worst, Math.abs(((ours[i] as number) * anchor) / (lean[i] as number) - 1));
  }
  return worst;
}

describe('readLeanDataset on the bundled SPY, QQQ, IWM and EEM (QuantConnect/Lean at 2486390)', () => {
  let dataset: LeanDataset;

  beforeAll(async () => {
    dataset = await readLeanDataset(bundled, ['spy', 'QQQ', 'IWM', 'EEM']);
  });

  it('builds a raw-close table from the first date of each map file, prices divided by 10000 exactly', () => {
    expect(dataset.prices.symbols).toEqual(['SPY', 'QQQ', 'IWM', 'EEM']);
    const firstDates = dataset.prices.symbols.map((symbol) => closesOf(dataset, symbol)[0]?.[0]);
    // EEM's daily file starts in 1998 with another security; the iShares ETF listed on 2003-04-11.
    expect(firstDates).toEqual(['1998-01-02', '1999-03-10', '2000-05-26', '2003-04-11']);
    expect(dataset.prices.rows[0]).toEqual({ date: '1998-01-02', prices: new Map([['SPY', '97.36']]) });
    expect(dataset.prices.rows[dataset.prices.rows.length - 1]).toEqual({
      date: '2021-03-31',
      prices: new Map([
        ['SPY', '396.33'],
        ['QQQ', '319.13'],
        ['IWM', '220.94'],
        ['EEM', '53.34'],
      ]),
    });
  });

  it('keeps the raw opens of the same bars (the second column), from the same first dates', () => {
    // spy.csv's first bar "19980102 00:00,973100,975300,965300,973600,..." and eem.csv's first
    // iShares bar "20030411 00:00,1001200,1001200,997000,997000,...".
    expect(dataset.opens.symbols).toEqual(dataset.prices.symbols);
    expect(dataset.opens.rows.map((row) => row.date)).toEqual(dataset.prices.rows.map((row) => row.date));
    expect(dataset.opens.rows[0]).toEqual({ date: '1998-01-02', prices: new Map([['SPY', '97.31']]) });
    const eem = dataset.opens.rows.find((row) => row.prices.has('EEM'));
    expect([eem?.date, eem?.prices.get('EEM')]).toEqual(['2003-04-11', '100.12']);
    expect(dataset.opens.rows.at(-1)?.prices.get('SPY')).toBe('395.35');
  });

  it("finds QQQ's 2-for-1 of 2000-03-20, IWM's 2-for-1 and EEM's two 3-for-1 splits, and no other split", () => {
    expect(dataset.actions.splits).toEqual([
      { symbol: 'QQQ', date: '2000-03-20', ratio: 2 },
      { symbol: 'EEM', date: '2005-06-09', ratio: 3 },
      { symbol: 'IWM', date: '2005-06-09', ratio: 2 },
      { symbol: 'EEM', date: '2008-07-24', ratio: 3 },
    ]);
  });

  it('dates SPY dividends on ex-dates quoted in issue 7 with the amounts quoted there, within 1e-4', () => {
    const spy = new Map(
      dataset.actions.dividends
        .filter((d) => d.symbol === 'SPY')
        .map((d) => [d.exDate, Number(d.amountPerShare)]),
    );

    expect(Math.abs((spy.get('2020-03-20') ?? NaN) - 1.4056)).toBeLessThan(1e-4);
    expect(Math.abs((spy.get('2020-06-19') ?? NaN) - 1.3662)).toBeLessThan(1e-4);
    expect(spy.size).toBe(94);
  });

  // EEM's split factor 0.11111099 for 1/9 is itself off by 1.1e-6, which bounds the match before 2008.
  it.each([
    ['SPY', 1e-6],
    ['QQQ', 1e-6],
    ['IWM', 1e-6],
    ['EEM', 2e-6],
  ])(
    "%s: the derived actions applied to the raw closes reproduce Lean's factor-adjusted closes within %d",
    (symbol, tolerance) => {
      const closes = closesOf(dataset, symbol);
      const lean = leanAdjusted(
        path.join(bundled, 'factor_files', `${symbol.toLowerCase()}.csv`),
        symbol,
        closes,
      );
      const ours = backAdjusted(dataset.actions, symbol, closes);

      expect(
        worstRelativeError(
          closes.map(([date]) => date),
          ours,
          lean,
        ),
      ).toBeLessThan(tolerance);
    },
  );
});

describe('readLeanDataset on AAPL from ../shared/data/lean', () => {
  it("finds Apple's 2-for-1 splits of 2000-06-21 and 2005-02-28, 7-for-1 of 2014-06-09 and 4-for-1 of 2020-08-31", async () => {
    const dataset = await readLeanDataset(shared, ['AAPL']);

    expect(dataset.actions.splits).toEqual([
      { symbol: 'AAPL', date: '2000-06-21', ratio: 2 },
      { symbol: 'AAPL', date: '2005-02-28', ratio: 2 },
      { symbol: 'AAPL', date: '2014-06-09', ratio: 7 },
      { symbol: 'AAPL', date: '2020-08-31', ratio: 4 },
    ]);
    const closes = closesOf(dataset, 'AAPL');
    const lean = leanAdjusted(path.join(shared, 'factor_files/aapl.csv'), 'AAPL', closes);
    const ours = backAdjusted(dataset.actions, 'AAPL', closes);
    // Lean writes AAPL's split factors with 7 significant digits (0.0178571 for 1/56, off by 2.4e-6),
    // so exact ratios can only match its series to that precision.
    expect(
      worstRelativeError(
        closes.map(([date]) => date),
        ours,
        lean,
      ),
    ).toBeLessThan(1e-5);
  });
});

describe('readZipEntries', () => {
  it('refuses a file that is not a zip archive', () => {
    expect(() => readZipEntries('x.zip', Buffer.from('not a zip, just some text long enough'))).toThrow(
      new LeanDataError('x.zip', 'not a zip archive (no end of central directory record)'),
    );
  });

  it('refuses an archive whose content fails its CRC-32', () => {
    const zip = readFileSync(path.join(bundled, 'daily/spy.zip'));
    const damaged = Buffer.from(zip);
    // Flip a bit in the stored CRC of the central directory entry (offset 16 of that header).
    const centralDirectory = damaged.readUInt32LE(damaged.length - 22 + 16);
    damaged.writeUInt32LE((damaged.readUInt32LE(centralDirectory + 16) ^ 1) >>> 0, centralDirectory + 16);

    expect(readZipEntries('spy.zip', zip).get('spy.csv')?.length).toBe(326_552);
    expect(() => readZipEntries('spy.zip', damaged)).toThrow(
      'zip entry spy.csv fails its size or CRC-32 check',
    );
  });
});
