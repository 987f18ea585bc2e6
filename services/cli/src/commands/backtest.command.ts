import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type BacktestInput,
  type CorporateActions,
  type BacktestPolicy,
  type BacktestResult,
  type FillTiming,
  type ScheduledCashFlow,
  runBacktest,
} from '@ballast/domain-backtest';
import { type WidePrices } from '@ballast/domain-portfolio';
import { createHighsSolver } from '@ballast/domain-planner';
import { type Command } from 'commander';
import highsLoader from 'highs';
import { type CliContext, CliUsageError, writeJson } from '../cli-context';
import { readDocument } from '../inputs/document-file';
import { readLeanDataset } from '../inputs/lean-data';
import { readWidePrices } from '../inputs/prices-file';
import { renderBacktestReport } from '../report/backtest-report';
import { comparisonTable } from '../report/comparison-table';
import { readEchartsSource } from '../report/echarts-source';
import { formatTable } from '../table';
import { type RegisterCommand } from './index';

interface BacktestOptions {
  readonly config: string;
  readonly json?: boolean;
  readonly series?: boolean;
  /** Path of the HTML report to write, relative to the working directory. */
  readonly report?: string;
}

/** Where `ballast demo` writes its report unless `--report` says otherwise (the working directory). */
export const DEMO_REPORT_FILE = 'ballast-report.html';

const CONFIG_FIELDS = [
  'prices',
  'household',
  'from',
  'to',
  'fill',
  'slippageBps',
  'taxPayment',
  'dividends',
  'cashFlows',
  'policies',
];
const TAX_PAYMENTS = ['cash', 'liability'] as const;
const FILLS: readonly FillTiming[] = ['next-close', 'next-open', 'same-close'];

export const registerBacktestCommand: RegisterCommand = (program: Command, context: CliContext) => {
  program
    .command('backtest')
    .description(
      'Replay rebalancing policies over a price history from a starting household and compare them.',
    )
    .requiredOption(
      '--config <file>',
      'backtest configuration, YAML or JSON (schema in services/cli/README.md)',
    )
    .option('--json', 'print one JSON document on stdout')
    .option('--series', 'with --json, include the daily value, drift and weight series')
    .option('--report <file>', 'also write the HTML report (one self-contained file) there')
    .action(async (options: BacktestOptions) => {
      await runAndPrint(context, path.resolve(context.cwd, options.config), options);
    });

  program
    .command('demo')
    .description(
      'The main job (`npm start`): nine rebalancing policies for a sample household over real 2008-2016 ETF prices, compared.',
    )
    .option('--json', 'print one JSON document on stdout')
    .option('--series', 'with --json, include the daily series')
    .option('--report <file>', 'where to write the HTML report', DEMO_REPORT_FILE)
    .action(async (options: Omit<BacktestOptions, 'config'>) => {
      await runAndPrint(context, bundledFile('examples/demo-backtest.yaml'), { ...options, config: 'demo' });
    });
};

/** A file shipped with the CLI, found from the sources or from the compiled dist/ tree alike. */
function bundledFile(relative: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'services', 'cli', relative);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`bundled file services/cli/${relative} not found`);
  }
}

async function runAndPrint(context: CliContext, configPath: string, options: BacktestOptions): Promise<void> {
  const input = await readBacktestConfig(context, configPath);
  // A report that cannot be written fails now, not after a simulation of many seconds.
  if (options.report !== undefined) reportDirectory(context, options.report);
  const solver = createHighsSolver(await highsLoader());
  const progress = context.stderrIsTty === true ? progressBar(context) : undefined;
  const started = Date.now();
  const result = runBacktest(input, solver, progress);
  if (progress !== undefined) context.stderr('\n');
  const seconds = (Date.now() - started) / 1000;
  const report =
    options.report === undefined ? undefined : await writeReport(context, options.report, result, input);
  if (options.json === true) {
    writeJson(context, backtestDocument(result, options.series === true));
    // stdout holds the JSON document and nothing else.
    if (report !== undefined) context.stderr(`Report: ${report}\n`);
  } else {
    context.stdout(comparisonText(result, seconds));
    if (report !== undefined) context.stdout(`Report: ${report}\n`);
  }
}

function reportDirectory(context: CliContext, file: string): void {
  const dir = path.dirname(path.resolve(context.cwd, file));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliUsageError(`--report ${file}: cannot write the file (no such directory)`);
  }
}

/** Renders the HTML report and writes it; returns its absolute path. */
async function writeReport(
  context: CliContext,
  file: string,
  result: BacktestResult,
  input: BacktestInput,
): Promise<string> {
  const html = renderBacktestReport(result, input, { echartsSource: await readEchartsSource() });
  const target = path.resolve(context.cwd, file);
  try {
    await writeFile(target, html, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new CliUsageError(`--report ${file}: cannot write the file (${why})`);
  }
  return target;
}

function progressBar(context: CliContext): (done: number, total: number) => void {
  const width = 30;
  return (done, total) => {
    const filled = Math.round((done / total) * width);
    context.stderr(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor((done / total) * 100)
        .toString()
        .padStart(3)}%  ${done}/${total} policy-days`,
    );
  };
}

/**
 * Reads and validates a backtest configuration. Paths inside it (`prices`, `household` when a
 * string) resolve against the configuration's own directory, so a configuration and its files move
 * together. Every problem is a usage error naming the field.
 */
export async function readBacktestConfig(context: CliContext, configPath: string): Promise<BacktestInput> {
  const option = '--config';
  const raw = await readDocument(context, option, configPath, 'yaml');
  const fail = (field: string, problem: string): never => {
    throw new CliUsageError(`${option} ${configPath}: ${field}: ${problem}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('(document)', 'expected an object');
  const config = raw as Record<string, unknown>;
  for (const key of Object.keys(config)) {
    if (!CONFIG_FIELDS.includes(key)) fail(key, `unknown field; expected one of ${CONFIG_FIELDS.join(', ')}`);
  }
  const base = path.dirname(configPath);
  const relative = (field: string, value: unknown): string => {
    if (typeof value !== 'string' || value.trim() === '') return fail(field, 'expected a file path');
    return path.resolve(base, value);
  };
  // A wide CSV of closes (prices only), or Lean's daily bars with their dividends and splits.
  let prices: WidePrices;
  let corporateActions: CorporateActions | undefined;
  let opens: WidePrices | undefined;
  const pricesField = config['prices'];
  if (typeof pricesField === 'object' && pricesField !== null && !Array.isArray(pricesField)) {
    const lean = pricesField as Record<string, unknown>;
    for (const key of Object.keys(lean)) {
      if (!['lean', 'symbols'].includes(key)) fail(`prices.${key}`, 'unknown field; expected lean, symbols');
    }
    const symbols = lean['symbols'];
    if (!Array.isArray(symbols) || symbols.length === 0 || !symbols.every((s) => typeof s === 'string')) {
      return fail('prices.symbols', 'expected a list of symbols whose Lean files are in the folder');
    }
    const dir = relative('prices.lean', lean['lean']);
    try {
      const dataset = await readLeanDataset(dir, symbols);
      prices = dataset.prices;
      opens = dataset.opens;
      corporateActions = dataset.actions;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(
        'prices.lean',
        code === 'ENOENT'
          ? `missing file ${(error as NodeJS.ErrnoException).path ?? dir}`
          : (error as Error).message,
      );
    }
  } else {
    prices = await readWidePrices(context, 'prices', relative('prices', pricesField));
  }

  let household: Record<string, unknown>;
  if (typeof config['household'] === 'string') {
    const file = relative('household', config['household']);
    const document = await readDocument(context, 'household', file);
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      return fail('household', `${file} does not hold a household object`);
    }
    household = document as Record<string, unknown>;
  } else if (typeof config['household'] === 'object' && config['household'] !== null) {
    household = config['household'] as Record<string, unknown>;
  } else {
    return fail('household', 'expected a portfolio file path or the household itself');
  }

  const date = (field: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    const valid =
      typeof value === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
    return valid ? value : fail(field, `expected a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  };
  const from = date('from', config['from']);
  const to = date('to', config['to']);
  if (from !== undefined && to !== undefined && from > to) fail('from', `${from} is after to (${to})`);
  const fill = config['fill'] ?? 'next-close';
  if (!FILLS.includes(fill as FillTiming))
    fail('fill', `expected ${FILLS.join(', ')}, got ${JSON.stringify(fill)}`);
  if (fill === 'next-open' && opens === undefined) {
    fail(
      'fill',
      "next-open fills at the next day's open, but a prices CSV carries closes only; use next-close or same-close, or Lean daily bars (prices: { lean: DIR, symbols: [...] }), which carry opens",
    );
  }
  const slippageBps = config['slippageBps'] ?? 0;
  if (typeof slippageBps !== 'number' || !Number.isFinite(slippageBps) || slippageBps < 0) {
    fail('slippageBps', `expected a number of basis points >= 0, got ${JSON.stringify(slippageBps)}`);
  }

  const dividends = config['dividends'] ?? 'reinvest';
  if (dividends !== 'reinvest' && dividends !== 'cash') {
    fail('dividends', `expected reinvest or cash, got ${JSON.stringify(dividends)}`);
  }
  const taxPayment = config['taxPayment'] ?? 'cash';
  if (!(TAX_PAYMENTS as readonly unknown[]).includes(taxPayment)) {
    fail('taxPayment', `expected ${TAX_PAYMENTS.join(' or ')}, got ${JSON.stringify(taxPayment)}`);
  }

  const flowsRaw = config['cashFlows'] ?? [];
  if (!Array.isArray(flowsRaw)) fail('cashFlows', 'expected a list');
  const cashFlows: ScheduledCashFlow[] = (flowsRaw as unknown[]).map((entry, index) => {
    const field = `cashFlows[${index}]`;
    if (typeof entry !== 'object' || entry === null) return fail(field, 'expected { date, account, amount }');
    const flow = entry as Record<string, unknown>;
    const amount = typeof flow['amount'] === 'number' ? String(flow['amount']) : flow['amount'];
    if (typeof amount !== 'string' || !/^-?\d+(\.\d+)?$/.test(amount)) {
      fail(
        `${field}.amount`,
        `expected a decimal amount such as "5000.00", got ${JSON.stringify(flow['amount'])}`,
      );
    }
    if (typeof flow['account'] !== 'string') fail(`${field}.account`, 'expected an account id');
    return {
      date: date(`${field}.date`, flow['date']) ?? fail(`${field}.date`, 'required'),
      account: flow['account'] as string,
      amount: amount as string,
    };
  });

  const policiesRaw = config['policies'];
  if (!Array.isArray(policiesRaw) || policiesRaw.length === 0)
    fail('policies', 'expected a list of at least one policy');
  const policies: BacktestPolicy[] = (policiesRaw as unknown[]).map((entry, index) => {
    const field = `policies[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
      return fail(field, 'expected { name, rebalance, policy }');
    const policy = entry as Record<string, unknown>;
    for (const key of Object.keys(policy)) {
      if (!['name', 'rebalance', 'policy', 'targets', 'adaptiveBands', 'harvest'].includes(key)) {
        fail(
          `${field}.${key}`,
          'unknown field; expected name, rebalance, policy, targets, adaptiveBands, harvest',
        );
      }
    }
    const object = (key: 'targets' | 'adaptiveBands' | 'harvest') => {
      const value = policy[key];
      if (value === undefined) return {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail(`${field}.${key}`, 'expected an object');
      }
      return { [key]: value };
    };
    if (typeof policy['name'] !== 'string' || policy['name'].trim() === '')
      fail(`${field}.name`, 'expected a name');
    const rebalance = policy['rebalance'] ?? true;
    if (typeof rebalance !== 'boolean') fail(`${field}.rebalance`, 'expected true or false');
    const block = policy['policy'] ?? {};
    if (typeof block !== 'object' || block === null || Array.isArray(block))
      fail(`${field}.policy`, 'expected a policy block');
    return {
      name: policy['name'] as string,
      rebalance: rebalance as boolean,
      policy: block as Record<string, unknown>,
      // Checked field by field by the backtester, whose errors name the policy and the field.
      ...(object('targets') as Pick<BacktestPolicy, 'targets'>),
      ...(object('adaptiveBands') as Pick<BacktestPolicy, 'adaptiveBands'>),
      ...(object('harvest') as Pick<BacktestPolicy, 'harvest'>),
    };
  });

  return {
    household,
    prices,
    ...(opens === undefined ? {} : { opens }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    fill: fill as FillTiming,
    slippageBps: slippageBps as number,
    taxPayment: taxPayment as (typeof TAX_PAYMENTS)[number],
    dividends: dividends as 'reinvest' | 'cash',
    ...(corporateActions === undefined ? {} : { corporateActions }),
    cashFlows,
    policies,
  };
}

/** The `--json` document: metrics and events per policy; the daily series with `--series`. */
export function backtestDocument(result: BacktestResult, withSeries: boolean): Record<string, unknown> {
  return {
    from: result.from,
    to: result.to,
    days: result.days,
    symbols: result.symbols,
    pricesOnly: result.pricesOnly,
    policies: result.policies.map((policy) => ({
      name: policy.name,
      metrics: policy.metrics,
      events: policy.events,
      taxByYear: policy.taxByYear,
      targetChanges: policy.targetChanges,
      regimeChanges: policy.regimeChanges,
      ...(withSeries
        ? {
            series: {
              dates: policy.series.dates,
              value: Array.from(policy.series.value),
              drift: Array.from(policy.series.drift),
              weights: Object.fromEntries(
                Object.entries(policy.series.weights).map(([symbol, weights]) => [
                  symbol,
                  Array.from(weights),
                ]),
              ),
            },
          }
        : {}),
    })),
  };
}

function comparisonText(result: BacktestResult, seconds: number): string {
  const table = comparisonTable(result);
  const best = [...result.policies]
    .filter((policy) => policy.metrics.sharpe !== null)
    .sort((a, b) => (b.metrics.sharpe ?? 0) - (a.metrics.sharpe ?? 0))[0];
  return [
    `Backtest ${result.from} .. ${result.to}: ${result.days} trading days, ${result.symbols.join(' ')}` +
      (result.pricesOnly ? ' (price returns: the data has no dividends or splits)' : ''),
    '',
    formatTable(table.headers, table.rows, table.align).trimEnd(),
    '',
    best === undefined
      ? ''
      : `Highest Sharpe ratio: ${best.name} (${(best.metrics.sharpe ?? 0).toFixed(2)}). Tracking error is against the target mix rebalanced daily without costs; "out of band" is the share of days a holding sat outside the policy's own bands.`,
    `Simulated in ${seconds.toFixed(1)} s.`,
    '',
  ].join('\n');
}
