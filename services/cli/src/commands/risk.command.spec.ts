// `ballast risk` run in-process. References:
// - empyrical's own test expectations (quantopian/empyrical, empyrical/tests/test_stats.py @ 0a9fa58,
//   as transcribed in libs/domain/risk/src/lib/empyrical-reference.spec.ts): mixed_returns (its NaN
//   dropped) has Sharpe 1.7238613961706866, Sortino 2.605531251673693, downside risk 0.60448325038829653,
//   and against negative_returns[1:] alpha -8.306666666666668, beta -0.71296296296296313;
// - SPY 2006-2009 (libs/domain/risk/fixtures, from PyPortfolioOpt) against numpy: annual volatility
//   0.2634667339958968, Sharpe 0.08841500098202969, max drawdown -0.5518942219357119 2007-10-09 -> 2009-03-09;
// - the bundled ETF closes 2008-2016 (services/market-data/assets, from mlfinlab) for the portfolio,
//   the benchmark, the stress windows (checked against the raw closes) and the hand-computed shock.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type PortfolioRiskReport,
  type StressResult,
  annualVolatility,
  assetReturnsFromPrices,
  portfolioReturns,
  sharpeRatio,
  valueAtRisk,
} from '@ballast/domain-risk';
import { type CliContext } from '../cli-context';
import { runCli } from '../run-cli';

const root = join(__dirname, '../../../..');
const etf = 'services/market-data/assets/etf-prices-2008-2016.csv';
const spy0609 = 'libs/domain/risk/fixtures/spy-2006-2009.csv';
const scratch = mkdtempSync(join(tmpdir(), 'ballast-risk-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: root,
  };
  const code = await runCli(['risk', ...argv], context);
  return { code, stdout, stderr };
}

/** Runs with --json and parses the single JSON document on stdout. */
type RiskDocument = PortfolioRiskReport & {
  input: Record<string, unknown> & { weights: Record<string, number> };
  conventions: Record<string, unknown>;
};

async function json(...argv: string[]): Promise<RiskDocument> {
  const r = await run(...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).not.toMatch(/NaN|Infinity/);
  return JSON.parse(r.stdout) as RiskDocument;
}

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const close = (actual: unknown, expected: number, tolerance = 1e-12) => {
  expect(typeof actual).toBe('number');
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(
    tolerance * Math.max(1, Math.abs(expected)),
  );
};

const dates = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
  );
const returnsCsv = (columns: Record<string, readonly number[]>, from = 0) => {
  const symbols = Object.keys(columns);
  const n = (columns[symbols[0] as string] as readonly number[]).length;
  const d = dates(n + from).slice(from);
  return (
    [
      `date,${symbols.join(',')}`,
      ...d.map((day, i) => [day, ...symbols.map((s) => String(columns[s]?.[i]))].join(',')),
    ].join('\n') + '\n'
  );
};

// empyrical test_stats.py series, in percent there.
const mixed = [1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100);
const negative = [-6, -7, -1, -9, -2, -6, -8, -5].map((x) => x / 100);

describe('ballast risk: one series', () => {
  it("a returns file reproduces empyrical's expectations for mixed_returns, and its alpha/beta against negative_returns", async () => {
    const r = file('mixed.csv', returnsCsv({ MIXED: mixed }));
    const b = file('negative.csv', returnsCsv({ NEG: negative }));
    const doc = await json('--returns', r, '--benchmark', b);
    expect(doc.input).toMatchObject({
      kind: 'returns',
      symbols: ['MIXED'],
      weighting: 'single-series',
      benchmark: 'NEG',
    });
    close(doc.sharpeRatio, 1.7238613961706866, 1e-8);
    close(doc.sortinoRatio, 2.605531251673693, 1e-8);
    close(doc.downsideRisk, 0.60448325038829653, 1e-8);
    close(doc.alpha, -8.306666666666668, 1e-8);
    close(doc.beta, -0.71296296296296313, 1e-8);
    close(doc.maxDrawdown['maxDrawdown'], -0.1, 1e-8);
  });

  it('a one-column prices file is that series: SPY 2006-2009 against numpy', async () => {
    const doc = await json('--prices', spy0609);
    expect(doc.observations).toBe(1006);
    close(doc.annualVolatility, 0.2634667339958968);
    close(doc.sharpeRatio, 0.08841500098202969, 1e-10);
    expect(doc.maxDrawdown).toMatchObject({
      peakDate: '2007-10-09',
      troughDate: '2009-03-09',
      recoveryDate: null,
    });
    close(doc.maxDrawdown['maxDrawdown'], -0.5518942219357119);
    expect(doc.conventions).toMatchObject({ periodsPerYear: 252, riskFreePerPeriod: 0, confidence: 0.95 });
  });

  it('--frequency, --risk-free and --confidence reach the statistics', async () => {
    const r = file('mixed-f.csv', returnsCsv({ MIXED: mixed }));
    const doc = await json(
      '--returns',
      r,
      '--frequency',
      '12',
      '--risk-free',
      '0.001',
      '--confidence',
      '0.99',
    );
    close(doc.sharpeRatio, sharpeRatio(mixed, { riskFree: 0.001, periodsPerYear: 12 }));
    close(doc.valueAtRisk['historical'], valueAtRisk(mixed, { confidence: 0.99 }));
  });
});

describe('ballast risk: --required-return, --horizon and the drawdown peak', () => {
  it("--required-return reaches Sortino and the downside risk (empyrical's test_sortino and test_downside_risk)", async () => {
    const r = file('mixed-mar.csv', returnsCsv({ MIXED: mixed }));
    // empyrical test_stats.py @ 0a9fa58, test_sortino: mixed_returns against flat_line_1 (1% a period).
    const sortino = await json('--returns', r, '--required-return', '0.01');
    close(sortino.sortinoRatio, -1.3934779588919977, 1e-8);
    expect(sortino.conventions).toMatchObject({ requiredReturnPerPeriod: 0.01 });
    // test_downside_risk: mixed_returns with required return 0.1.
    const downside = await json('--returns', r, '--required-return', '0.1');
    close(downside.downsideRisk, 1.7161730681956295, 1e-8);
    // Sharpe does not read the required return.
    close(downside.sharpeRatio, 1.7238613961706866, 1e-8);
  });

  it('--horizon gives VaR and CVaR over that many periods, null with the reason when the series is shorter', async () => {
    const r = file('mixed-horizon.csv', returnsCsv({ MIXED: mixed }));
    const three = await json('--returns', r, '--horizon', '3');
    expect(three.conventions).toMatchObject({ horizonPeriods: 3 });
    close(three.valueAtRisk['historical'], valueAtRisk(mixed, { confidence: 0.95, horizon: 3 }));
    close(
      three.valueAtRisk['normal'],
      valueAtRisk(mixed, { confidence: 0.95, horizon: 3, method: 'normal' }),
    );
    const one = await json('--returns', r);
    expect(three.valueAtRisk['historical']).not.toBe(one.valueAtRisk['historical']);
    const long = await json('--returns', r, '--horizon', '20');
    expect(long.valueAtRisk['historical']).toBeNull();
    expect(long.undefinedReasons['valueAtRisk.historical']).toMatch(/needs at least 20 observations, got 8/);
    const bad = await run('--returns', r, '--horizon', '0');
    expect([bad.code, bad.stderr]).toEqual([2, 'ballast risk: --horizon: "0" is not a positive integer\n']);
  });

  it('a drawdown from the very start is dated by the first price row; from returns it is null with the reason', async () => {
    const prices = file(
      'falling.csv',
      'date,X\n2024-01-02,100\n2024-01-03,99\n2024-01-04,98\n2024-01-05,99.5\n2024-01-08,101\n',
    );
    const fromPrices = await json('--prices', prices);
    expect(fromPrices.maxDrawdown).toMatchObject({
      peakIndex: -1,
      peakDate: '2024-01-02',
      troughDate: '2024-01-04',
      recoveryDate: '2024-01-08',
    });
    expect(fromPrices.undefinedReasons['maxDrawdown.peakDate']).toBeUndefined();
    const text = await run('--prices', prices);
    expect(text.stdout).toMatch(/max drawdown +-2\.00% \(2024-01-02 -> 2024-01-04, recovered 2024-01-08\)/);
    const fromReturns = await json('--returns', file('negative-peak.csv', returnsCsv({ NEG: negative })));
    expect(fromReturns.maxDrawdown).toMatchObject({ peakIndex: -1, peakDate: null });
    expect(fromReturns.undefinedReasons['maxDrawdown.peakDate']).toBe(
      'the peak is the starting value, before the first return: a returns file gives it no date',
    );
  });

  it('a decomposition window longer than the series is a usage error, not silently the whole series', async () => {
    const r = file('mixed-window.csv', returnsCsv({ A: mixed, B: negative }));
    const bad = await run('--returns', r, '--equal-weight', '--decomposition-window', '9', '--json');
    expect([bad.code, bad.stdout]).toEqual([2, '']);
    expect(bad.stderr).toBe(
      'ballast risk: --decomposition-window 9: longer than the 8 returns of the input (2024-01-01..2024-01-08)\n',
    );
    const whole = await json('--returns', r, '--equal-weight', '--decomposition-window', '8');
    expect(whole.decompositionPeriods).toBe(8);
  });
});

describe('ballast risk: a weighted portfolio of ETFs against SPY', () => {
  const weights = file('weights.json', JSON.stringify({ SPY: 0.6, TLT: 0.3, EEM: 0.1 }));
  const spyOnly = file(
    'spy.csv',
    readFileSync(join(root, etf), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(',').slice(0, 2).join(','))
      .join('\n') + '\n',
  );
  const stress = file(
    'stress.json',
    JSON.stringify({
      ranges: [{ name: 'GFC', from: '2008-09-01', to: '2009-03-09' }],
      shocks: [
        {
          name: 'equities -20%, bonds +5%',
          groups: { SPY: 'equities', EEM: 'equities', TLT: 'bonds' },
          groupShocks: { equities: -0.2, bonds: 0.05 },
        },
      ],
    }),
  );
  // The raw closes, to check the replay against.
  const rows = readFileSync(join(root, etf), 'utf8').trim().split('\n');
  const header = (rows[0] as string).split(',');
  const closeOn = (symbol: string, date: string) => {
    const row = rows.find((line) => line.startsWith(date)) as string;
    return Number(row.split(',')[header.indexOf(symbol)]);
  };

  it('statistics of the daily-rebalanced portfolio; contributions sum to its volatility; correlation matrix', async () => {
    const doc = await json('--prices', etf, '--weights', weights, '--benchmark', spyOnly, '--stress', stress);
    const table = rows.slice(1).map((line) => line.split(','));
    const assets = assetReturnsFromPrices({
      dates: table.map((r) => r[0] as string),
      symbols: ['SPY', 'TLT', 'EEM'],
      prices: ['SPY', 'TLT', 'EEM'].map((s) => table.map((r) => Number(r[header.indexOf(s)]))),
    });
    const p = portfolioReturns(assets.returns, [0.6, 0.3, 0.1]);
    close(doc.annualVolatility, annualVolatility(p));
    close(doc.sharpeRatio, sharpeRatio(p));
    const contributions = doc.riskContributions as { symbol: string; contribution: number }[];
    expect(contributions.map((c) => c.symbol)).toEqual(['SPY', 'TLT', 'EEM']);
    close(
      contributions.reduce((s, c) => s + c.contribution, 0),
      doc.annualVolatility as number,
    );
    const matrix = doc.correlation?.matrix ?? [];
    expect(doc.correlation?.symbols).toEqual(['SPY', 'TLT', 'EEM']);
    expect(matrix[0]?.[0]).toBe(1);
    close(matrix[0]?.[1], matrix[1]?.[0] as number);
    // SPY is both a holding and the benchmark: the portfolio's correlation with it is high, beta < 1.
    expect(doc.benchmarkCorrelation).toBeGreaterThan(0.9);
    expect(doc.beta).toBeLessThan(1);
  });

  it('stress: worst SPY day, worst month, largest drawdown, the GFC range and the hypothetical shock', async () => {
    const doc = await json('--prices', etf, '--weights', weights, '--benchmark', spyOnly, '--stress', stress);
    const byName: Record<string, StressResult> = Object.fromEntries(doc.stress.map((s) => [s.name, s]));
    expect(Object.keys(byName)).toEqual([
      'worst period of the SPY',
      'worst 21-period window of the SPY',
      'largest drawdown of the SPY',
      'GFC',
      'equities -20%, bonds +5%',
    ]);
    // SPY's worst day in 2008-2016 is 2008-10-15 (close 99.85 → 90.02 in the file, -9.84%).
    const spyDay = closeOn('SPY', '2008-10-15') / closeOn('SPY', '2008-10-14') - 1;
    close(byName['worst period of the SPY']?.drivers.find((d) => d.symbol === 'SPY')?.assetReturn, spyDay);
    expect(byName['worst period of the SPY']).toMatchObject({ from: '2008-10-15', to: '2008-10-15' });
    // The GFC range covers the returns dated 2008-09-02 .. 2009-03-09: from the close of 2008-08-29.
    const gfc = byName['GFC'] as StressResult;
    expect([gfc.from, gfc.to]).toEqual(['2008-09-02', '2009-03-09']);
    for (const [symbol, w] of [
      ['SPY', 0.6],
      ['TLT', 0.3],
      ['EEM', 0.1],
    ] as const) {
      const driver = gfc.drivers.find((d) => d.symbol === symbol);
      const move = closeOn(symbol, '2009-03-09') / closeOn(symbol, '2008-08-29') - 1;
      close(driver?.assetReturn, move);
      close(driver?.contribution, w * move);
    }
    expect(gfc.drivers[0]?.symbol).toBe('SPY');
    // 0.6 × -0.2 + 0.1 × -0.2 + 0.3 × 0.05 = -0.125
    close(byName['equities -20%, bonds +5%']?.portfolioReturn, -0.125);
  });

  it('--decomposition-window 252: contributions sum to the volatility of the last 252 portfolio returns', async () => {
    const doc = await json('--prices', etf, '--weights', weights, '--decomposition-window', '252');
    expect(doc.decompositionPeriods).toBe(252);
    const table = rows.slice(1).map((line) => line.split(','));
    const assets = assetReturnsFromPrices({
      dates: table.map((r) => r[0] as string),
      symbols: ['SPY', 'TLT', 'EEM'],
      prices: ['SPY', 'TLT', 'EEM'].map((s) => table.map((r) => Number(r[header.indexOf(s)]))),
    });
    const p = portfolioReturns(assets.returns, [0.6, 0.3, 0.1]);
    expect(doc.decompositionStartDate).toBe(assets.dates[assets.dates.length - 252]);
    close(
      (doc.riskContributions ?? []).reduce((s, c) => s + c.contribution, 0),
      annualVolatility(p.subarray(p.length - 252)),
    );
  });

  it('--equal-weight uses every column; the human table lists contributions and scenarios', async () => {
    const doc = await json('--prices', etf, '--equal-weight');
    expect(Object.values(doc.input['weights'])).toEqual(Array(7).fill(1 / 7));
    const text = await run('--prices', etf, '--weights', weights, '--stress', stress);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/risk contributions/);
    expect(text.stdout).toMatch(/worst 21-period window of the portfolio/);
    expect(text.stdout).toMatch(/equities -20%, bonds \+5%\s+-\s+-12\.50%/);
  });
});

describe('ballast risk: bad input', () => {
  it('a series shorter than a window: the scenario is null with its reason, the statistics still answer', async () => {
    const short = file('short.csv', 'date,X\n2024-01-02,100\n2024-01-03,101\n2024-01-04,99\n');
    const doc = await json('--prices', short);
    expect(doc.observations).toBe(2);
    const month = (doc.stress as { name: string; portfolioReturn: unknown; reason: string }[])[1];
    expect(month).toMatchObject({
      portfolioReturn: null,
      reason: 'worst 21-period window of the portfolio needs at least 21 observations, got 2',
    });
    const single = file('single.csv', 'date,X\n2024-01-02,100\n');
    const r = await run('--prices', single, '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'ballast risk: InsufficientDataError: returns from prices needs at least 2 observations, got 1\n',
    );
  });

  it('NaN or infinite values are usage errors naming the line and the column', async () => {
    for (const bad of ['NaN', 'Infinity', '-inf']) {
      const r = await run(
        '--returns',
        file(`bad-${bad}.csv`, `date,X\n2024-01-02,0.01\n2024-01-03,${bad}\n`),
        '--json',
      );
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(`returns CSV line 3: return of X "${bad}" is not a finite decimal number`),
      );
    }
    const prices = await run('--prices', file('bad-prices.csv', 'date,X\n2024-01-02,100\n2024-01-03,NaN\n'));
    expect(prices.code).toBe(2);
    expect(prices.stderr).toMatch(/line 3: price of X "NaN" is not a positive decimal number/);
  });

  it('a zero-variance series: documented nulls with reasons, never NaN', async () => {
    const flat = file('flat.csv', returnsCsv({ FLAT: Array(30).fill(0.001) }));
    const doc = await json('--returns', flat);
    for (const key of ['sharpeRatio', 'sortinoRatio', 'skewness', 'excessKurtosis'] as const) {
      expect(doc[key]).toBeNull();
      expect(doc.undefinedReasons[key]).toEqual(expect.any(String));
    }
    expect(doc.undefinedReasons['sharpeRatio']).toBe('Sharpe ratio is undefined: returns has zero variance');
    expect(doc.correlation).toBeNull();
    expect(doc.undefinedReasons['correlation']).toBe(
      'correlation matrix is undefined: asset 0 has zero variance',
    );
    close(doc.annualVolatility, 0);
  });

  it('mismatched dates: the common dates are used and counted; none in common is NoOverlappingDatesError', async () => {
    const r = file('r.csv', returnsCsv({ A: [0.01, -0.02, 0.03, 0.01, -0.01] }));
    const b = file('b.csv', returnsCsv({ B: [0.02, -0.01, 0.01, 0.0] }, 2));
    const doc = await json('--returns', r, '--benchmark', b);
    expect(doc.observations).toBe(3);
    expect(doc.input).toMatchObject({ datesDroppedNotInBenchmark: 2, benchmarkDatesDropped: 1 });
    const later = file('later.csv', returnsCsv({ B: [0.02, -0.01] }, 40));
    const none = await run('--returns', r, '--benchmark', later, '--json');
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(
      /^ballast risk: NoOverlappingDatesError: --returns .*r\.csv \(2024-01-01\.\.2024-01-05\) and --benchmark .*later\.csv \(2024-02-10\.\.2024-02-11\) have no date in common\n$/,
    );
  });

  it('usage errors: no input, both inputs, several columns without weights, unknown weight symbol, bad stress file', async () => {
    const cases: [string[], RegExp][] = [
      [[], /give exactly one of --prices FILE or --returns FILE/],
      [['--prices', etf, '--returns', etf], /give exactly one of/],
      [
        ['--prices', etf],
        /has 7 columns \(SPY, EFA, EEM, IEF, TLT, LQD, TIP\): give --weights FILE or --equal-weight/,
      ],
      [
        ['--prices', etf, '--weights', file('w-bad.json', '{"SPX": 1}')],
        /--weights: SPX is not a column of --prices/,
      ],
      [
        ['--prices', etf, '--weights', file('w-twice.json', '{"SPY": 0.5, "spy": 0.5}')],
        /--weights: SPY is given twice/,
      ],
      [
        ['--prices', etf, '--equal-weight', '--confidence', '1.5'],
        /--confidence: "1.5" is not in the open interval/,
      ],
      [['--prices', etf, '--equal-weight', '--frequency', '0'], /--frequency: "0" is not a positive integer/],
      [
        [
          '--prices',
          etf,
          '--equal-weight',
          '--stress',
          file('s-bad.json', '{"shocks": [{"name": "x", "symbolShocks": {"SPY": "big"}}]}'),
        ],
        /--stress .*: invalid at shocks\.0\.symbolShocks\.SPY/,
      ],
      [
        [
          '--prices',
          etf,
          '--equal-weight',
          '--stress',
          file('s-misspelt.json', '{"shocks": [{"name": "crash", "symbolShock": {"SPY": -0.2}}]}'),
        ],
        /--stress .*: invalid at shocks\.0: Unrecognized key: "symbolShock"/,
      ],
      [
        [
          '--prices',
          etf,
          '--equal-weight',
          '--stress',
          file('s-groups-only.json', '{"shocks": [{"name": "crash", "groups": {"SPY": "equities"}}]}'),
        ],
        /--stress .*: invalid at shocks\.0: a shock needs symbolShocks or groupShocks \(groups alone move nothing\)/,
      ],
      ...['2008-02-30', '2008-13-45'].map((day): [string[], RegExp] => [
        [
          '--prices',
          etf,
          '--equal-weight',
          '--stress',
          file(`s-date-${day}.json`, `{"ranges": [{"name": "r", "from": "${day}", "to": "2009-03-09"}]}`),
        ],
        /--stress .*: invalid at ranges\.0\.from: not a calendar date/,
      ]),
      [
        [
          '--prices',
          etf,
          '--equal-weight',
          '--stress',
          file(
            's-twice.json',
            '{"ranges": [{"name": "GFC", "from": "2008-09-01", "to": "2009-03-09"}], "shocks": [{"name": "GFC", "symbolShocks": {"SPY": -0.2}}]}',
          ),
        ],
        /--stress .*: invalid: scenario name GFC is given twice; each scenario needs its own name/,
      ],
      [
        ['--prices', 'no/such/file.csv'],
        /--prices no\/such\/file.csv: cannot read the file \(no such file\)/,
      ],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv, '--json');
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
  });

  it('holdings that never have a price together: HoldingsDoNotOverlapError gives each one its span', async () => {
    const prices = file(
      'disjoint.csv',
      'date,OLD,NEW,EMPTY\n2024-01-02,10,,\n2024-01-03,11,,\n2024-01-04,,20,\n2024-01-05,,21,\n',
    );
    const r = await run(
      '--prices',
      prices,
      '--weights',
      file('w-disjoint.json', '{"OLD": 0.5, "NEW": 0.5}'),
      '--json',
    );
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toBe(
      'ballast risk: HoldingsDoNotOverlapError: the holdings have a value together on 0 date(s), and 2 are needed for one return: OLD 2024-01-02..2024-01-03 (2); NEW 2024-01-04..2024-01-05 (2)\n',
    );
    const empty = await run('--prices', prices, '--equal-weight');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('EMPTY has no value');
  });

  it('a shock on a symbol the portfolio does not hold is UnknownSymbolError', async () => {
    const stress = file(
      's-typo.json',
      JSON.stringify({ shocks: [{ name: 'typo', symbolShocks: { SPX: -0.2 } }] }),
    );
    const r = await run('--prices', etf, '--equal-weight', '--stress', stress);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ballast risk: UnknownSymbolError: shock typo: unknown symbol or group SPX\n');
  });
});
