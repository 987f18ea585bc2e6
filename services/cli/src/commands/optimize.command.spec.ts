// `ballast optimize` run in-process on PyPortfolioOpt's tests/resources/stock_prices.csv (copied
// with attribution to libs/domain/optimizer/fixtures, MIT). Golden values are PyPortfolioOpt's own
// test expectations, cited per case: tests/test_efficient_frontier.py @4d3c878 (arithmetic mean
// returns, sample covariance, risk-free 0.02) and tests/test_hrp.py @08362a1 with
// tests/resources/weights_hrp.csv @eaba8dc.
import {
  meanHistoricalReturn,
  parseWideCsv,
  returnsFromPrices,
  riskContributions,
  sampleCovariance,
} from '@ballast/domain-optimizer';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliContext } from '../cli-context';
import { runCli } from '../run-cli';

const root = join(__dirname, '../../../..');
const fixture = 'libs/domain/optimizer/fixtures/stock_prices.csv';
const scratch = mkdtempSync(join(tmpdir(), 'ballast-optimize-'));

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
  const code = await runCli(['optimize', ...argv], context);
  return { code, stdout, stderr };
}

interface Report {
  weights: Record<string, number>;
  performance: { expectedReturn: number; volatility: number; sharpe: number | null };
  diagnostics: {
    objective: string;
    solver: string;
    iterations: number;
    timingsMs: { estimate: number; solve: number };
    fallbackUsed: string | null;
    warnings: string[];
  };
}

async function json(...argv: string[]): Promise<Report> {
  const r = await run(...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

function file(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

function sum(weights: Record<string, number>): number {
  return Object.values(weights).reduce((a, b) => a + b, 0);
}

function expectTuple(report: Report, expected: [number, number, number], tolerance = 1e-6): void {
  expect(Math.abs(report.performance.expectedReturn - expected[0])).toBeLessThan(tolerance);
  expect(Math.abs(report.performance.volatility - expected[1])).toBeLessThan(tolerance);
  expect(report.performance.sharpe).not.toBeNull();
  expect(Math.abs((report.performance.sharpe ?? Number.NaN) - expected[2])).toBeLessThan(10 * tolerance);
}

describe('ballast optimize on stock_prices.csv', () => {
  it('min-volatility matches test_min_volatility and prints one JSON document', async () => {
    const r = await run(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--expected-returns',
      'arithmetic',
      '--json',
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as Report;
    expectTuple(report, [0.17931232481259154, 0.15915084514118694, 1.00101463282373]);
    expect(Object.keys(report.weights)).toHaveLength(20);
    expect(Math.abs(sum(report.weights) - 1)).toBeLessThan(1e-12);
    expect(Object.values(report.weights).every((w) => w >= 0)).toBe(true);
    expect(report.diagnostics).toMatchObject({
      objective: 'min-volatility',
      solver: 'active-set',
      fallbackUsed: null,
    });
    expect(report.diagnostics.iterations).toBeGreaterThan(0);
    expect(report.diagnostics.timingsMs.estimate).toBeGreaterThanOrEqual(0);
  });

  it('max-sharpe matches test_max_sharpe_long_only', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--expected-returns',
      'arithmetic',
    );
    expectTuple(report, [0.33035037367760506, 0.21671276571944567, 1.4320816434015786]);
  });

  it('user forecasts equal to the arithmetic means give test_max_sharpe_long_only again', async () => {
    const returns = returnsFromPrices(parseWideCsv(readFileSync(join(root, fixture), 'utf8')));
    const means = meanHistoricalReturn(returns, { compounding: false }).values;
    const forecasts = file(
      'forecasts.json',
      JSON.stringify(Object.fromEntries(returns.symbols.map((s, i) => [s, means[i]]))),
    );
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--expected-returns',
      'forecast',
      '--forecasts',
      forecasts,
    );
    expectTuple(report, [0.33035037367760506, 0.21671276571944567, 1.4320816434015786]);
    const partial = file('partial.json', JSON.stringify({ AAPL: 0.1 }));
    const r = await run(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--expected-returns',
      'forecast',
      '--forecasts',
      partial,
      '--symbols',
      'AAPL,XOM',
    );
    expect([r.code, r.stderr]).toEqual([
      1,
      'ballast optimize: InvalidInputError: invalid input: no forecast for XOM\n',
    ]);
    const alone = await run('--prices', fixture, '--objective', 'max-sharpe', '--forecasts', partial);
    expect([alone.code, alone.stderr]).toEqual([
      2,
      'ballast optimize: --expected-returns forecast and --forecasts FILE go together\n',
    ]);
  });

  it('max-sharpe with --bounds=-inf,inf matches test_max_sharpe_short', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--expected-returns',
      'arithmetic',
      '--bounds=-inf,inf',
    );
    expectTuple(report, [0.4072439477276246, 0.24823487545231313, 1.5599900981762558]);
  });

  it('min-volatility with --l2-gamma 1 matches test_min_volatility_L2_reg', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--expected-returns',
      'arithmetic',
      '--l2-gamma',
      '1',
    );
    expectTuple(report, [0.23129890623344232, 0.1955254118258614, 1.080672349748733]);
  });

  it('efficient-risk 0.19 matches test_efficient_risk', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'efficient-risk',
      '--expected-returns',
      'arithmetic',
      '--target-volatility',
      '0.19',
    );
    expectTuple(report, [0.28577452556155075, 0.19, 1.3988132892376837]);
  });

  it('efficient-return 0.25 matches test_efficient_return', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'efficient-return',
      '--expected-returns',
      'arithmetic',
      '--target-return',
      '0.25',
    );
    expectTuple(report, [0.25, 0.1738852429895079, 1.3227114391408021]);
  });

  it('max-quadratic-utility δ=2 matches test_max_quadratic_utility', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-quadratic-utility',
      '--expected-returns',
      'arithmetic',
      '--risk-aversion',
      '2',
    );
    expectTuple(report, [0.40064324249527605, 0.2917825266124642, 1.3045443362029479]);
  });

  it('market-neutral max-quadratic-utility sums to 0 (test_max_quadratic_utility_market_neutral)', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-quadratic-utility',
      '--expected-returns',
      'arithmetic',
      '--market-neutral',
      '--bounds=-1,1',
    );
    expect(Math.abs(sum(report.weights))).toBeLessThan(1e-12);
    expectTuple(report, [1.13434841843883, 0.9896404148973286, 1.1260134506071473]);
  });

  it('a zero-volatility answer has no Sharpe ratio: null with a warning, never a bare null or -Infinity', async () => {
    // Market neutral with a zero target return: the empty book is optimal, and (0 - 0.02) / 0 is -∞.
    const args = [
      '--prices',
      fixture,
      '--objective',
      'efficient-return',
      '--target-return',
      '0',
      '--bounds=-1,1',
      '--market-neutral',
    ];
    const report = await json(...args);
    expect(Object.values(report.weights).every((w) => Math.abs(w) < 1e-12)).toBe(true);
    expect(report.performance.volatility).toBe(0);
    expect(report.performance.sharpe).toBeNull();
    expect(report.diagnostics.warnings).toContain(
      'performance.sharpe is null: the portfolio has zero volatility, so (expected return - risk-free rate) / volatility is undefined',
    );
    const text = await run(...args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/volatility 0\.00% {2}Sharpe n\/a/);
  });

  it('hrp matches weights_hrp.csv (test_hrp_portfolio) to 1e-12', async () => {
    const report = await json('--prices', fixture, '--objective', 'hrp');
    const reference: Record<string, number> = {
      AAPL: 0.022258941278778387,
      AMD: 0.022294021796692116,
      AMZN: 0.016086842079874982,
      BABA: 0.07963382071794088,
      BAC: 0.014409222455552267,
      BBY: 0.03406419438245041,
      FB: 0.06272994714663536,
      GE: 0.05519063444162851,
      GM: 0.055576660241857236,
      GOOG: 0.04956008428992926,
      JPM: 0.017675709092515715,
      MA: 0.038127373497320226,
      PFE: 0.07786528342813452,
      RRC: 0.03161528695094598,
      SBUX: 0.039844436656239136,
      SHLD: 0.027113184241298872,
      T: 0.11138956508836473,
      UAA: 0.027115909570750083,
      WMT: 0.10569551148587902,
      XOM: 0.11175337115721229,
    };
    for (const [symbol, weight] of Object.entries(reference)) {
      expect(Math.abs((report.weights[symbol] as number) - weight)).toBeLessThan(1e-12);
    }
  });

  it('risk-parity equalises risk contributions', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'risk-parity',
      '--symbols',
      'AAPL,XOM,T,GOOG',
    );
    expect(Object.keys(report.weights)).toEqual(['AAPL', 'XOM', 'T', 'GOOG']);
    expect(Math.abs(sum(report.weights) - 1)).toBeLessThan(1e-12);
    expect(report.diagnostics.solver).toBe('risk-parity-ccd');
  });

  it('risk-parity with riskBudgets gives risk contributions equal to the budgets within 1e-8', async () => {
    const budgets = { AAPL: 0.4, XOM: 0.3, T: 0.2, GOOG: 0.1 };
    const constraints = file('budgets.json', JSON.stringify({ riskBudgets: budgets }));
    const symbols = Object.keys(budgets);
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'risk-parity',
      '--symbols',
      symbols.join(','),
      '--constraints',
      constraints,
    );
    const returns = returnsFromPrices(parseWideCsv(readFileSync(join(root, fixture), 'utf8')));
    const picked = symbols.map((s) => returns.symbols.indexOf(s));
    const n = returns.symbols.length;
    const rows = returns.values.length / n;
    const sub = {
      symbols,
      dates: returns.dates,
      values: Float64Array.from({ length: rows * symbols.length }, (_, k) => {
        const t = Math.floor(k / symbols.length);
        return returns.values[t * n + (picked[k % symbols.length] as number)] as number;
      }),
    };
    const cov = sampleCovariance(sub).matrix;
    const w = Float64Array.from(symbols, (s) => report.weights[s] as number);
    const rc = riskContributions(w, cov);
    symbols.forEach((s, i) =>
      expect(Math.abs((rc[i] as number) - budgets[s as keyof typeof budgets])).toBeLessThan(1e-8),
    );
  });

  it('selects columns and rows with --symbols, --from and --to', async () => {
    const all = await json('--prices', fixture, '--objective', 'min-volatility', '--symbols', 'AAPL,XOM');
    const window = await json(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--symbols',
      'aapl,xom',
      '--from',
      '2015-01-01',
      '--to',
      '2016-12-31',
    );
    expect(Object.keys(window.weights)).toEqual(['AAPL', 'XOM']);
    expect(window.weights['AAPL']).not.toBeCloseTo(all.weights['AAPL'] as number, 3);
  });

  it('prints a readable table without --json', async () => {
    const r = await run('--prices', fixture, '--objective', 'min-volatility', '--symbols', 'AAPL,XOM');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^symbol +weight +percent\n/);
    expect(r.stdout).toContain('volatility');
  });

  it('falls back from max-sharpe to min-volatility and says which step answered', async () => {
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--risk-free',
      '5',
      '--fallback',
      'min-volatility',
    );
    expect(report.diagnostics.fallbackUsed).toBe('min-volatility');
    expect(report.diagnostics.warnings.join('\n')).toContain('NoAssetAboveRiskFreeRateError');
    const minVol = await json('--prices', fixture, '--objective', 'min-volatility', '--risk-free', '5');
    expect(report.weights).toEqual(minVol.weights);
  });

  it('falls back to the previous weights of --constraints', async () => {
    const constraints = file('current.json', JSON.stringify({ currentWeights: { AAPL: 0.5, XOM: 0.5 } }));
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--risk-free',
      '5',
      '--fallback',
      'previous-weights',
      '--constraints',
      constraints,
      '--symbols',
      'AAPL,XOM,T',
    );
    expect(report.diagnostics.fallbackUsed).toBe('previous-weights');
    expect(report.weights).toEqual({ AAPL: 0.5, XOM: 0.5, T: 0 });
  });
});

describe('ballast optimize with --constraints', () => {
  const equal = Object.fromEntries(
    'GOOG AAPL FB BABA AMZN GE AMD WMT BAC GM T UAA SHLD XOM RRC BBY MA PFE JPM SBUX'
      .split(' ')
      .map((s) => [s, 0.05]),
  );

  it('matches test_min_volatility_tx_costs_L2_reg (test_efficient_frontier.py @4d3c878)', async () => {
    const constraints = file('tx.json', JSON.stringify({ currentWeights: equal, transactionCost: 0.001 }));
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--expected-returns',
      'arithmetic',
      '--l2-gamma',
      '1',
      '--constraints',
      constraints,
    );
    expect(report.diagnostics.solver).toBe('highs-qp');
    expectTuple(report, [0.2316565265271545, 0.1959773703677164, 1.0800049318450338]);
  });

  it('holds sector bounds (test_max_sharpe_sector_constraints_auto) and names a conflict', async () => {
    const groups = {
      GOOG: 'tech',
      AAPL: 'tech',
      FB: 'tech',
      AMZN: 'tech',
      BABA: 'tech',
      GE: 'utility',
      AMD: 'tech',
      WMT: 'retail',
      BAC: 'fig',
      GM: 'auto',
      T: 'auto',
      UAA: 'airline',
      SHLD: 'retail',
      XOM: 'energy',
      RRC: 'energy',
      BBY: 'retail',
      MA: 'fig',
      PFE: 'pharma',
      JPM: 'fig',
      SBUX: 'retail',
    };
    const groupBounds = {
      tech: [null, 0.2],
      utility: [0.01, 0.1],
      retail: [null, 0.2],
      fig: [0.02, 0.4],
      airline: [0.01, 0.05],
      energy: [null, 0.2],
    };
    const constraints = file('sectors.json', JSON.stringify({ groups, groupBounds }));
    const report = await json('--prices', fixture, '--objective', 'max-sharpe', '--constraints', constraints);
    const total = (sector: string): number =>
      Object.entries(report.weights).reduce(
        (a, [s, w]) => a + (groups[s as keyof typeof groups] === sector ? w : 0),
        0,
      );
    expect(total('tech')).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(total('fig')).toBeGreaterThanOrEqual(0.02 - 1e-9);
    expect(total('airline')).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.abs(sum(report.weights) - 1)).toBeLessThan(1e-9);

    const conflict = file(
      'conflict.json',
      JSON.stringify({ groups, groupBounds: { tech: [0.7, null], energy: [0.4, null] } }),
    );
    const r = await run('--prices', fixture, '--objective', 'min-volatility', '--constraints', conflict);
    expect([r.code, r.stderr]).toEqual([
      1,
      'ballast optimize: InfeasibleConstraintsError: infeasible constraints: the weight bounds + weights sum to 1 + group tech in [0.7, Infinity] + group energy in [0.4, Infinity] cannot hold together\n',
    ]);
  });
});

describe('ballast optimize black-litterman', () => {
  // tests/test_black_litterman.py @0f1931a2 test_bl_market_prior: market prior from the caps of
  // tests/utilities_for_tests.py get_market_caps at δ implied by SPY (market_implied_risk_aversion),
  // absolute views, He-Litterman Ω, τ 0.05, bl_weights(δ), performance on the posterior (rtol 1e-7).
  const marketCaps = {
    GOOG: 927e9,
    AAPL: 1.19e12,
    FB: 574e9,
    BABA: 533e9,
    AMZN: 867e9,
    GE: 96e9,
    AMD: 43e9,
    WMT: 339e9,
    BAC: 301e9,
    GM: 51e9,
    T: 61e9,
    UAA: 78e9,
    SHLD: 0,
    XOM: 295e9,
    RRC: 1e9,
    BBY: 22e9,
    MA: 288e9,
    PFE: 212e9,
    JPM: 422e9,
    SBUX: 102e9,
  };

  it('matches test_bl_market_prior', async () => {
    const views = file(
      'views.json',
      JSON.stringify({ marketCaps, absoluteViews: { GOOG: 0.4, AAPL: -0.3, FB: 0.3, BABA: 0 } }),
    );
    const report = await json(
      '--prices',
      fixture,
      '--objective',
      'black-litterman',
      '--views',
      views,
      '--benchmark',
      'libs/domain/optimizer/fixtures/spy_prices.csv',
    );
    expect(report.diagnostics.solver).toBe('black-litterman-closed-form');
    expectTuple(report, [0.2580693114409672, 0.265445955488424, 0.8968654692926723], 1e-7);
  });

  it('matches test_bl_equal_prior (prior 1/n, δ = 1)', async () => {
    const views = file(
      'equal.json',
      JSON.stringify({
        prior: 'equal',
        absoluteViews: { AAPL: 0.2, BBY: -0.3, BAC: 0, SBUX: -0.2, T: 0.131321 },
      }),
    );
    const report = await json('--prices', fixture, '--objective', 'black-litterman', '--views', views);
    expectTuple(report, [0.1877432247395778, 0.3246889329226965, 0.5166274785827545], 1e-7);
  });

  it('feeds the posterior to another objective and names bad views', async () => {
    const views = file(
      'relative.json',
      JSON.stringify({
        marketCaps,
        riskAversion: 2.5,
        omega: 'idzorek',
        views: [{ weights: { GOOG: 1, FB: -1 }, return: 0.1 }],
        confidences: [0.5],
      }),
    );
    const report = await json('--prices', fixture, '--objective', 'max-sharpe', '--views', views);
    expect(Math.abs(sum(report.weights) - 1)).toBeLessThan(1e-12);
    const noViews = await run('--prices', fixture, '--objective', 'black-litterman');
    expect([noViews.code, noViews.stderr]).toEqual([
      1,
      'ballast optimize: InvalidInputError: invalid input: black-litterman needs views (--views FILE)\n',
    ]);
    const unknown = file('unknown.json', JSON.stringify({ absoluteViews: { NOPE: 0.1 } }));
    const bad = await run('--prices', fixture, '--objective', 'black-litterman', '--views', unknown);
    expect([bad.code, bad.stderr]).toEqual([
      1,
      'ballast optimize: InvalidInputError: invalid input: view 1: NOPE is not in the universe\n',
    ]);
    const typo = file('typo.json', JSON.stringify({ absoluteView: { AAPL: 0.1 } }));
    const usage = await run('--prices', fixture, '--objective', 'black-litterman', '--views', typo);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('typo.json');
  });
});

describe('ballast optimize on bad input', () => {
  it('an empty prices file is a usage error (exit 2)', async () => {
    const r = await run('--prices', file('empty.csv', ''), '--objective', 'min-volatility', '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^ballast optimize: --prices .*empty\.csv: prices CSV line 1: the file is empty/,
    );
  });

  it('a one-row prices file is InsufficientDataError (exit 1)', async () => {
    const r = await run(
      '--prices',
      file('one.csv', 'date,A,B\n2020-01-02,1,2\n'),
      '--objective',
      'min-volatility',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'ballast optimize: InsufficientDataError: returns from prices: needs at least 2 observations, got 1\n',
    );
  });

  it('a constant series is ConstantSeriesError naming the asset (exit 1)', async () => {
    const r = await run(
      '--prices',
      file(
        'constant.csv',
        'date,A,B\n2020-01-02,10,5\n2020-01-03,11,5\n2020-01-06,10.5,5\n2020-01-07,10.7,5\n',
      ),
      '--objective',
      'min-volatility',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'ballast optimize: ConstantSeriesError: B: the return series is constant (zero variance)\n',
    );
  });

  it('NaN in a prices file is a usage error naming the line (exit 2)', async () => {
    const r = await run(
      '--prices',
      file('nan.csv', 'date,A,B\n2020-01-02,10,5\n2020-01-03,NaN,5.1\n2020-01-06,10.5,5.2\n'),
      '--objective',
      'min-volatility',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('prices CSV line 3: price of A "NaN" is not a positive decimal number');
  });

  it('NaN or Infinity in a returns file is a usage error naming the file, line and column (exit 2)', async () => {
    const nan = file(
      'nan-returns.csv',
      'date,A,B\n2020-01-02,0.01,-0.02\n2020-01-03,NaN,0.01\n2020-01-06,0.02,0.03\n',
    );
    const r = await run('--returns', nan, '--objective', 'min-volatility', '--json');
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      `ballast optimize: --returns ${nan}: returns CSV line 3: return of A "NaN" is not a finite decimal number\n`,
    );
    const infinite = file(
      'infinite-returns.csv',
      'date,A,B\n2020-01-02,0.01,-0.02\n2020-01-03,0.02,-Infinity\n2020-01-06,0.02,0.03\n',
    );
    const i = await run('--returns', infinite, '--objective', 'min-volatility');
    expect(i.code).toBe(2);
    expect(i.stderr).toContain('returns CSV line 3: return of B "-Infinity" is not a finite decimal number');
    const unordered = file(
      'unordered-returns.csv',
      'date,A,B\n2020-01-03,0.01,-0.02\n2020-01-02,0.02,0.01\n2020-01-06,0.02,0.03\n',
    );
    const u = await run('--returns', unordered, '--objective', 'min-volatility');
    expect(u.code).toBe(2);
    expect(u.stderr).toContain(
      "returns CSV line 3: date 2020-01-02 is not after the previous row's 2020-01-03",
    );
  });

  it('a returns file answers as the prices it was taken from, with lower-case headers selectable', async () => {
    const fromPrices = await json(
      '--prices',
      fixture,
      '--symbols',
      'AAPL,XOM,JPM',
      '--objective',
      'min-volatility',
    );
    const prices = returnsFromPrices(parseWideCsv(readFileSync(join(root, fixture), 'utf8')));
    const columns = ['AAPL', 'XOM', 'JPM'].map((symbol) => prices.symbols.indexOf(symbol));
    const n = prices.symbols.length;
    const lines = prices.dates.map((date, t) =>
      [
        date,
        ...columns.map((j) => {
          const value = prices.values[t * n + j] as number;
          return Number.isNaN(value) ? '' : String(value);
        }),
      ].join(','),
    );
    const returnsFile = file('returns.csv', `date,aapl,xom,jpm\n${lines.join('\n')}\n`);
    const fromReturns = await json(
      '--returns',
      returnsFile,
      '--symbols',
      'aapl,xom,jpm',
      '--objective',
      'min-volatility',
    );
    for (const symbol of ['AAPL', 'XOM', 'JPM'])
      expect(
        Math.abs((fromReturns.weights[symbol] as number) - (fromPrices.weights[symbol] as number)),
      ).toBeLessThan(1e-12);
  });

  it('bounds that cannot sum to 1 are InfeasibleConstraintsError (exit 1)', async () => {
    const r = await run('--prices', fixture, '--objective', 'min-volatility', '--bounds', '0,0.04');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ballast optimize: InfeasibleConstraintsError: infeasible constraints: the bounds allow a weighted sum in \[0, 0\.8\d*\], which excludes the required 1\n$/,
    );
  });

  it('max-sharpe with no return above the risk-free rate says so (exit 1)', async () => {
    const r = await run('--prices', fixture, '--objective', 'max-sharpe', '--risk-free', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ballast optimize: NoAssetAboveRiskFreeRateError: max-sharpe: no expected return exceeds the risk-free rate 5 /,
    );
  });

  it('more assets than observations is a singular covariance (exit 1)', async () => {
    const r = await run(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--from',
      '2018-01-01',
      '--to',
      '2018-01-12',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ballast optimize: NonPositiveDefiniteCovarianceError: /);
  });

  it('a per-asset bound whose lower end is above its upper end is a usage error naming the symbol', async () => {
    const constraints = file('crossed-bounds.json', '{"bounds": {"AAPL": [0.5, 0.4]}}');
    const r = await run(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--constraints',
      constraints,
      '--json',
    );
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      `ballast optimize: --constraints ${constraints}: bounds.AAPL: lower 0.5 is above upper 0.4\n`,
    ]);
  });

  it('an option this run never reads is a usage error, not silently ignored', async () => {
    const target = await run(
      '--prices',
      fixture,
      '--objective',
      'min-volatility',
      '--target-volatility',
      '0.15',
    );
    expect([target.code, target.stdout]).toEqual([2, '']);
    expect(target.stderr).toBe(
      'ballast optimize: --target-volatility is read only by efficient-risk; this run optimises min-volatility with --expected-returns mean and --risk-model sample\n',
    );
    const several = await run(
      '--prices',
      fixture,
      '--objective',
      'hrp',
      '--span',
      '60',
      '--target-return',
      '0.1',
    );
    expect(several.code).toBe(2);
    expect(several.stderr).toContain(
      '--target-return is read only by efficient-return; --span is read only by --expected-returns ema and --risk-model exp-cov;',
    );
    const benchmark = await run(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--benchmark',
      'libs/domain/optimizer/fixtures/spy_prices.csv',
    );
    expect(benchmark.code).toBe(2);
    expect(benchmark.stderr).toContain('--benchmark is read only by --expected-returns capm');
    const aversion = await run('--prices', fixture, '--objective', 'min-volatility', '--risk-aversion', '3');
    expect(aversion.code).toBe(2);
    expect(aversion.stderr).toContain('--risk-aversion is read only by max-quadratic-utility');
    const budgets = file('budgets-only.json', '{"riskBudgets": {"AAPL": 1, "XOM": 1}}');
    const unusedBudgets = await run(
      '--prices',
      fixture,
      '--symbols',
      'AAPL,XOM',
      '--objective',
      'min-volatility',
      '--constraints',
      budgets,
    );
    expect([unusedBudgets.code, unusedBudgets.stderr]).toEqual([
      2,
      `ballast optimize: --constraints ${budgets}: riskBudgets are read only by risk-parity; this run optimises min-volatility\n`,
    ]);
    const current = file('current-only.json', '{"currentWeights": {"AAPL": 0.5, "XOM": 0.5}}');
    const unusedCurrent = await run(
      '--prices',
      fixture,
      '--symbols',
      'AAPL,XOM',
      '--objective',
      'min-volatility',
      '--constraints',
      current,
    );
    expect([unusedCurrent.code, unusedCurrent.stderr]).toEqual([
      2,
      `ballast optimize: --constraints ${current}: currentWeights are read only with transactionCost, turnoverLimit or the previous-weights fallback step\n`,
    ]);
    // The same options are accepted where a fallback step or a model reads them.
    const fallback = await json(
      '--prices',
      fixture,
      '--objective',
      'max-sharpe',
      '--risk-free',
      '5',
      '--fallback',
      'efficient-risk',
      '--target-volatility',
      '0.25',
      '--risk-model',
      'exp-cov',
      '--span',
      '60',
    );
    expect(fallback.diagnostics.fallbackUsed).toBe('efficient-risk');
    expect(Math.abs(fallback.performance.volatility - 0.25)).toBeLessThan(1e-9);
  });

  it('usage errors: both inputs, an unknown objective, an unknown symbol, a bad option value', async () => {
    const both = await run('--prices', fixture, '--returns', fixture, '--objective', 'hrp');
    expect([both.code, both.stderr]).toEqual([
      2,
      'ballast optimize: give exactly one of --prices FILE and --returns FILE\n',
    ]);
    const objective = await run('--prices', fixture, '--objective', 'max-return');
    expect(objective.code).toBe(2);
    expect(objective.stderr).toContain("argument 'max-return' is invalid");
    const twice = await run('--prices', fixture, '--objective', 'hrp', '--symbols', 'AAPL,XOM,aapl');
    expect([twice.code, twice.stderr]).toEqual([2, 'ballast optimize: --symbols: AAPL is given twice\n']);
    const symbol = await run('--prices', fixture, '--objective', 'hrp', '--symbols', 'AAPL,NOPE');
    expect([symbol.code, symbol.stderr]).toEqual([
      2,
      `ballast optimize: --symbols: NOPE is not a column of --prices ${fixture}\n`,
    ]);
    const target = await run(
      '--prices',
      fixture,
      '--objective',
      'efficient-risk',
      '--target-volatility',
      'high',
    );
    expect([target.code, target.stderr]).toEqual([
      2,
      'ballast optimize: --target-volatility: "high" is not a finite number\n',
    ]);
    const missing = await run('--prices', fixture, '--objective', 'efficient-risk');
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'ballast optimize: InvalidInputError: invalid input: efficient-risk needs a target volatility\n',
    ]);
  });
});
