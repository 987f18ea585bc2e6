// `ballast signals` run in-process on SPY closes (libs/domain/risk/fixtures, from PyPortfolioOpt) and
// the bundled ETF closes (services/market-data/assets, from mlfinlab). Independent references: the
// SMA and Bollinger Bands recomputed here from the closes by their definitions (mean of the last n;
// mean ± 2 population σ, as trading-signals and Tulip Indicators define them); the other indicators
// against IndicatorSuite, which libs/domain/signals verifies against Tulip Indicators' reference values.
// Regimes: the SPY dates documented in libs/domain/signals/README.md (crisis after Lehman, low-vol 2017).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AdaptiveBand,
  IndicatorSuite,
  type IndicatorSnapshot,
  type TimingView,
} from '@ballast/domain-signals';
import { type CliContext } from '../cli-context';
import { runCli } from '../run-cli';

const root = join(__dirname, '../../../..');
const scratch = mkdtempSync(join(tmpdir(), 'ballast-signals-'));

interface SignalsDocument {
  input: { symbols: string[]; benchmark: string };
  symbols: (IndicatorSnapshot & {
    symbol: string;
    lastDate: string | null;
    close: number | null;
    timing: TimingView;
    undefinedReasons: Record<string, string>;
  })[];
  regime: {
    symbol: string;
    date: string | null;
    regime: string | null;
    realizedVolatility: number | null;
    drawdown: number | null;
    reason: string;
  };
  adaptiveBand: AdaptiveBand;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: root,
  };
  const code = await runCli(['signals', ...argv], context);
  return { code, stdout, stderr };
}

async function json(...argv: string[]): Promise<SignalsDocument> {
  const r = await run(...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).not.toMatch(/NaN|Infinity/);
  return JSON.parse(r.stdout) as SignalsDocument;
}

function spyUntil(file: string, until: string): { path: string; closes: number[] } {
  const rows = readFileSync(join(root, 'libs/domain/risk/fixtures', file), 'utf8')
    .trim()
    .split('\n');
  const kept = rows.slice(1).filter((line) => line.slice(0, 10) <= until);
  const path = join(scratch, `${file}-${until}.csv`);
  writeFileSync(path, `${rows[0] as string}\n${kept.join('\n')}\n`);
  return { path, closes: kept.map((line) => Number(line.split(',')[1])) };
}

function flatFile(name: string, count: number, price = 100): string {
  const lines = Array.from(
    { length: count },
    (_, i) =>
      `${new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10)},${price + (name === 'ramp' ? i : 0)}`,
  );
  const path = join(scratch, `${name}-${count}.csv`);
  writeFileSync(path, `date,X\n${lines.join('\n')}\n`);
  return path;
}

const close = (actual: number | null | undefined, expected: number, tolerance = 1e-9) => {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );
};

describe('ballast signals: indicators at the last date', () => {
  it('SPY 2017-12-29: SMA and Bollinger Bands by their definitions, the rest as IndicatorSuite', async () => {
    const { path, closes } = spyUntil('spy-2016-2019.csv', '2017-12-29');
    const doc = await json('--prices', path);
    const spy = doc.symbols[0];
    expect(spy).toMatchObject({ symbol: 'SPY', lastDate: '2017-12-29', bars: closes.length });
    const last = (n: number) => closes.slice(-n);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    close(spy?.sma, mean(last(50)));
    const m20 = mean(last(20));
    const sd20 = Math.sqrt(mean(last(20).map((x) => (x - m20) ** 2)));
    close(spy?.bollinger?.middle, m20);
    close(spy?.bollinger?.upper, m20 + 2 * sd20);
    close(spy?.bollinger?.lower, m20 - 2 * sd20);
    const suite = new IndicatorSuite();
    for (const c of closes) suite.add({ close: c });
    const reference = suite.snapshot();
    expect([spy?.ema, spy?.rsi, spy?.macd, spy?.atr]).toEqual([
      reference.ema,
      reference.rsi,
      reference.macd,
      reference.atr,
    ]);
    expect([spy?.timing.trend.label, spy?.timing.volatility.label]).toEqual(['up', 'normal']);
  });

  it('2017 is low-vol: the band narrows 200 → 150 bps, the cooldown stays 5 days', async () => {
    const doc = await json('--prices', spyUntil('spy-2016-2019.csv', '2017-12-29').path);
    expect(doc.regime).toMatchObject({ symbol: 'SPY', date: '2017-12-29', regime: 'low-vol' });
    expect(doc.adaptiveBand).toMatchObject({
      regime: 'low-vol',
      bandBps: 150,
      cooldownDays: 5,
      adjusted: true,
    });
  });

  it('2008-12-31 is crisis: the band doubles to 400 bps and the cooldown triples to 15 days, with the reason', async () => {
    const doc = await json('--prices', spyUntil('spy-2006-2009.csv', '2008-12-31').path, '--band-bps', '200');
    expect(doc.regime.regime).toBe('crisis');
    expect(doc.regime.drawdown).toBeLessThan(-0.2);
    expect(doc.regime.realizedVolatility).toBeGreaterThan(0.22);
    expect(doc.adaptiveBand).toMatchObject({ bandBps: 400, cooldownDays: 15 });
    expect(doc.adaptiveBand.reason).toMatch(/^regime crisis: band widened 200 → 400 bps \(×2\)/);
  });

  it('--cooldown-days 0 (the planner default: no cooldown) stays 0 in every regime', async () => {
    const doc = await json(
      '--prices',
      spyUntil('spy-2006-2009.csv', '2008-12-31').path,
      '--cooldown-days',
      '0',
    );
    expect(doc.regime.regime).toBe('crisis');
    expect(doc.adaptiveBand).toMatchObject({ baseCooldownDays: 0, cooldownDays: 0, bandBps: 400 });
  });

  it('--symbols and --benchmark select columns of a multi-symbol file', async () => {
    const doc = await json(
      '--prices',
      'services/market-data/assets/etf-prices-2008-2016.csv',
      '--symbols',
      'tlt,eem',
      '--benchmark',
      'EFA',
    );
    expect(doc.symbols.map((s) => s.symbol)).toEqual(['TLT', 'EEM']);
    expect(doc.regime.symbol).toBe('EFA');
    expect(doc.input).toMatchObject({ symbols: ['TLT', 'EEM'], benchmark: 'EFA' });
    const text = await run('--prices', 'services/market-data/assets/etf-prices-2008-2016.csv');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/regime of SPY on 2016-07-01: /);
  });
});

describe('ballast signals: bad input', () => {
  it('a series shorter than each window: that indicator is null with the number of prices it needs', async () => {
    // Each indicator's first stable bar: one price fewer gives null, exactly that many a value.
    const needs = { sma: 50, ema: 20, macd: 26, rsi: 15, bollinger: 20, atr: 14 } as const;
    for (const [key, count] of Object.entries(needs) as [keyof typeof needs, number][]) {
      const short = await json('--prices', flatFile('ramp', count - 1));
      expect(short.symbols[0]?.[key]).toBeNull();
      expect(short.symbols[0]?.undefinedReasons[key]).toBe(`needs ${count} prices, has ${count - 1}`);
      const enough = await json('--prices', flatFile('ramp', count));
      expect(enough.symbols[0]?.[key]).not.toBeNull();
    }
    const tiny = await json('--prices', flatFile('ramp', 10));
    expect(tiny.regime).toMatchObject({
      regime: null,
      reason: 'needs 22 prices for a 21-period volatility, has 10',
    });
    expect(tiny.adaptiveBand).toMatchObject({ bandBps: 200, cooldownDays: 5, adjusted: false });
    expect(tiny.symbols[0]?.timing.trend).toEqual({
      label: null,
      reason: 'SMA or EMA not available yet after 10 bars',
    });
  });

  it('a zero-variance (flat) series: RSI is null with its reason, volatility 0 is low-vol, no NaN', async () => {
    const doc = await json('--prices', flatFile('flat', 80));
    expect(doc.symbols[0]?.rsi).toBeNull();
    expect(doc.symbols[0]?.undefinedReasons['rsi']).toBe(
      'undefined: the price never changed (average gain and loss both 0)',
    );
    expect(doc.symbols[0]?.timing.momentum.label).toBe('flat');
    expect(doc.regime).toMatchObject({ regime: 'low-vol', realizedVolatility: 0, drawdown: 0 });
  });

  it('a column without a price: every null field has its reason, and the regime of that column is null with why', async () => {
    const path = join(scratch, 'empty-column.csv');
    writeFileSync(path, 'date,X,Y\n2024-01-02,,100\n2024-01-03,,101\n2024-01-04,,102\n');
    const doc = await json('--prices', path, '--benchmark', 'X');
    const x = doc.symbols[0];
    expect(x).toMatchObject({ symbol: 'X', lastDate: null, close: null, sma: null, rsi: null });
    expect(x?.undefinedReasons).toMatchObject({
      lastDate: 'no price of X in the file',
      close: 'no price of X in the file',
      sma: 'needs 50 prices, has 0',
    });
    expect(doc.symbols[1]?.undefinedReasons['close']).toBeUndefined();
    expect(doc.regime).toMatchObject({ regime: null, reason: 'no price of X in the file' });
  });

  it('NaN or infinite prices, unknown symbols and a missing --prices are usage errors', async () => {
    const nan = join(scratch, 'nan.csv');
    writeFileSync(nan, 'date,X\n2024-01-02,100\n2024-01-03,NaN\n');
    const inf = join(scratch, 'inf.csv');
    writeFileSync(inf, 'date,X\n2024-01-02,100\n2024-01-03,Infinity\n');
    const cases: [string[], RegExp][] = [
      [['--prices', nan], /line 3: price of X "NaN" is not a positive decimal number/],
      [['--prices', inf], /line 3: price of X "Infinity" is not a positive decimal number/],
      [[], /--prices FILE is required/],
      [
        ['--prices', 'services/market-data/assets/etf-prices-2008-2016.csv', '--symbols', 'SPX'],
        /--symbols: SPX is not a column/,
      ],
      [
        ['--prices', 'services/market-data/assets/etf-prices-2008-2016.csv', '--benchmark', 'VTI'],
        /--benchmark: VTI is not a column/,
      ],
      [['--prices', flatFile('flat', 30), '--band-bps', '-5'], /--band-bps: "-5" must be a positive number/],
      [
        ['--prices', 'services/market-data/assets/etf-prices-2008-2016.csv', '--benchmark', 'SPY,TLT'],
        /--benchmark: one symbol, got 2 \(SPY, TLT\); the regime is that of one column/,
      ],
      [
        ['--prices', flatFile('flat', 30), '--cooldown-days', '2.5'],
        /--cooldown-days: "2.5" must be a whole number of days, 0 or more/,
      ],
      [
        ['--prices', flatFile('flat', 30), '--cooldown-days', '-1'],
        /--cooldown-days: "-1" must be a whole number of days, 0 or more/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv, '--json');
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
  });
});
