import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { ballast, scratchFiles } from '../testing/run-in-process';

jest.setTimeout(120_000);

const cliDir = path.resolve(__dirname, '../..');
const prices = path.join(cliDir, 'data/etf-prices-23-2008-2016.csv');
const household = path.join(cliDir, 'examples/demo-household.json');

interface BacktestJson {
  from: string;
  to: string;
  days: number;
  pricesOnly: boolean;
  policies: {
    name: string;
    metrics: {
      finalValue: number;
      rebalances: number;
      trades: number;
      costs: number;
      timeOutOfBand: number | null;
    };
    events: { date: string; filledOn: string; triggers: string[] }[];
    series?: { dates: string[]; value: number[] };
  }[];
}

function config(overrides: Record<string, unknown> = {}): string {
  return scratchFiles({
    'backtest.yaml': toYaml({
      prices,
      household,
      from: '2015-01-02',
      to: '2015-12-31',
      policies: [
        { name: 'hold', rebalance: false },
        { name: 'quarterly', policy: { calendar: { frequency: 'quarterly', day: 1 } } },
      ],
      ...overrides,
    }),
  });
}

describe('ballast backtest', () => {
  it('replays the policies of a configuration and prints one JSON document', async () => {
    const dir = config();
    const run = await ballast([
      'backtest',
      '--config',
      path.join(dir, 'backtest.yaml'),
      '--json',
      '--series',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as BacktestJson;
    expect([result.from, result.to, result.days]).toEqual(['2015-01-02', '2015-12-31', 252]);
    expect(result.pricesOnly).toBe(true);
    const [hold, quarterly] = result.policies;
    // Buy and hold buys its targets with the starting cash once, then never trades again.
    expect(hold?.events.map((e) => [e.date, e.triggers])).toEqual([['2015-01-02', ['starting-cash']]]);
    // Quarterly on day 1: the first decision (2015-01-02, nothing recorded before) and April, July, October.
    expect(quarterly?.events.map((e) => e.date)).toEqual([
      '2015-01-02',
      '2015-04-01',
      '2015-07-01',
      '2015-10-01',
    ]);
    expect(quarterly?.events.every((e) => e.filledOn > e.date)).toBe(true);
    expect(quarterly?.series?.value).toHaveLength(252);
    expect(quarterly?.series?.value[251]).toBeCloseTo(quarterly?.metrics.finalValue ?? 0, 6);
  });

  it('prints a comparison table without --json', async () => {
    const run = await ballast(['backtest', '--config', path.join(config(), 'backtest.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Backtest 2015-01-02 .. 2015-12-31: 252 trading days');
    expect(run.stdout).toMatch(/quarterly\s+[\d,]+\s+-?\d+\.\d\d%/);
  });

  it('writes the HTML report with --report and says where, on stderr with --json', async () => {
    const dir = config();
    const run = await ballast(
      ['backtest', '--config', 'backtest.yaml', '--report', 'out/../report.html'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const file = path.join(dir, 'report.html');
    expect(run.stdout).toContain(`Report: ${file}\n`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<option value="1">quarterly</option>');

    const json = await ballast(
      ['backtest', '--config', 'backtest.yaml', '--json', '--report', 'r.html'],
      dir,
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveProperty('policies');
    expect(json.stderr).toBe(`Report: ${path.join(dir, 'r.html')}\n`);
  });

  it('names --report when the report cannot be written', async () => {
    const dir = config();
    const run = await ballast(
      ['backtest', '--config', 'backtest.yaml', '--report', 'no/such/dir/r.html'],
      dir,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--report no/such/dir/r.html: cannot write the file (no such directory)');
    expect(existsSync(path.join(dir, 'no'))).toBe(false);
  });

  it("fills at the next open over Lean bars (fill: next-open): whole shares times the fill day's raw open", async () => {
    const run = (fill: string) =>
      ballast([
        'backtest',
        '--config',
        path.join(
          scratchFiles({
            'backtest.yaml': toYaml({
              prices: { lean: path.join(cliDir, 'data/lean'), symbols: ['SPY'] },
              from: '2012-01-03',
              to: '2012-06-29',
              fill,
              household: {
                id: 'open',
                accounts: [{ id: 'taxable', type: 'taxable', cash: '100000', lots: [] }],
                targets: { SPY: 1 },
                policy: { wholeShares: true, costs: { commission: '0', spreadBps: 0 } },
              },
              policies: [{ name: 'hold', rebalance: false }],
            }),
          }),
          'backtest.yaml',
        ),
        '--json',
      ]);
    const atOpen = await run('next-open');
    expect(atOpen.stderr).toBe('');
    expect(atOpen.code).toBe(0);
    const [event] = (
      JSON.parse(atOpen.stdout) as BacktestJson & {
        policies: { events: { filledOn: string; traded: number }[] }[];
      }
    ).policies[0]!.events;
    // Decided at 2012-01-03's close, filled at 2012-01-04's open: SPY's bar opened at 127.18 (raw,
    // Lean's spy.zip) and closed at 127.63. The traded value is whole shares at the open.
    expect(event?.filledOn).toBe('2012-01-04');
    const shares = (event?.traded ?? 0) / 127.18;
    expect(Math.abs(shares - Math.round(shares))).toBeLessThan(1e-9);
    expect(shares).toBeGreaterThan(600);
    const atClose = await run('next-close');
    const closeEvent = (JSON.parse(atClose.stdout) as { policies: { events: { traded: number }[] }[] })
      .policies[0]!.events[0];
    const closeShares = (closeEvent?.traded ?? 0) / 127.63;
    expect(Math.abs(closeShares - Math.round(closeShares))).toBeLessThan(1e-9);
  });

  it('answers the README example over Lean data: total returns, adaptive bands, optimizer-driven targets', async () => {
    const run = await ballast([
      'backtest',
      '--config',
      path.join(cliDir, 'examples/lean-backtest.yaml'),
      '--json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as BacktestJson & {
      policies: {
        name: string;
        metrics: { dividends: number };
        targetChanges: unknown[];
        regimeChanges: unknown[];
      }[];
    };
    expect(result.pricesOnly).toBe(false);
    expect(result.policies.map((policy) => policy.name)).toEqual([
      'buy and hold',
      'quarterly',
      "5-point bands, adaptive to SPY's regime",
      'min-volatility targets, re-estimated quarterly',
    ]);
    for (const policy of result.policies) expect(policy.metrics.dividends).toBeGreaterThan(0);
    expect(result.policies[2]!.regimeChanges.length).toBeGreaterThan(0);
    expect(result.policies[3]!.targetChanges.length).toBeGreaterThan(10);
  });

  describe('rejects a bad configuration with an error naming the field', () => {
    it.each([
      [
        'an unknown symbol',
        {
          household: {
            id: 'x',
            accounts: [{ id: 'a', type: 'taxable', cash: '100', lots: [] }],
            targets: { SPY: 0.5, NOPE: 0.5 },
          },
        },
        1,
        /prices: no price column for NOPE/,
      ],
      [
        'an empty date range',
        { from: '2020-01-01', to: '2020-12-31' },
        1,
        /from\/to: the range 2020-01-01\.\.2020-12-31 holds 0 day/,
      ],
      [
        'a policy naming an unknown objective',
        { policies: [{ name: 'opt', targets: { objective: 'max-return' } }] },
        1,
        /policies\[0\] \(opt\)\.targets\.objective: unknown objective "max-return"; expected one of min-volatility, max-sharpe/,
      ],
      [
        'a policy field that does not exist',
        { policies: [{ name: 'opt', objective: 'max-sharpe' }] },
        2,
        /policies\[0\]\.objective: unknown field; expected name, rebalance, policy, targets, adaptiveBands, harvest/,
      ],
      [
        'cash flows before the start date',
        { cashFlows: [{ date: '2014-06-02', account: 'roth', amount: '1000' }] },
        1,
        /cashFlows\[0\]\.date: 2014-06-02 is outside the simulated range 2015-01-02\.\.2015-12-31/,
      ],
      [
        'a fill timing that does not exist',
        { fill: 'next-noon' },
        2,
        /fill: expected next-close, next-open, same-close, got "next-noon"/,
      ],
      [
        'next-open fills over a closes-only CSV',
        { fill: 'next-open' },
        2,
        /backtest\.yaml: fill: next-open fills at the next day's open, but a prices CSV carries closes only/,
      ],
    ] as const)('%s', async (_, overrides, code, message) => {
      const run = await ballast([
        'backtest',
        '--config',
        path.join(config(overrides), 'backtest.yaml'),
        '--json',
      ]);
      expect(run.stdout).toBe('');
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(message);
    });
  });
});
