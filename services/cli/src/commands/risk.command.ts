import { type Command } from 'commander';
import { z } from 'zod';
import {
  assetReturnsFromPrices,
  DEFAULT_PERIODS_PER_YEAR,
  intersectDates,
  portfolioRiskReport,
  type PortfolioRiskReport,
  type StressResult,
} from '@ballast/domain-risk';
import { type CliContext, CliUsageError, writeJson } from '../cli-context';
import { parseNumberOption } from '../inputs/prices-file';
import {
  assertFiniteDocument,
  completeRows,
  type DatedColumns,
  readPriceColumns,
  readReturnColumns,
} from '../inputs/dated-columns';
import { readJsonFile } from '../inputs/json-file';
import { formatTable } from '../table';

interface RiskOptions {
  prices?: string;
  returns?: string;
  weights?: string;
  equalWeight?: boolean;
  benchmark?: string;
  riskFree?: string;
  requiredReturn?: string;
  frequency?: string;
  confidence?: string;
  horizon?: string;
  stress?: string;
  decompositionWindow?: string;
  json?: boolean;
}

const weightsSchema = z.record(z.string(), z.number());

/** `YYYY-MM-DD` that is a real calendar day: 2008-02-30 would otherwise replay an unintended window. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((value) => {
    // 2008-13-45 is an Invalid Date, whose toISOString would throw: test getTime first.
    const day = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
  }, 'not a calendar date');

/**
 * Every object is strict: a misspelt key (`symbolShock` for `symbolShocks`) would otherwise be
 * dropped and the scenario replayed as a shock of 0. A shock must shock something, and each scenario
 * name is given once, since the output tells scenarios apart by name.
 */
const stressSchema = z
  .strictObject({
    ranges: z
      .array(z.strictObject({ name: z.string().min(1), from: calendarDate, to: calendarDate }))
      .optional(),
    shocks: z
      .array(
        z
          .strictObject({
            name: z.string().min(1),
            symbolShocks: z.record(z.string(), z.number()).optional(),
            groups: z.record(z.string(), z.string()).optional(),
            groupShocks: z.record(z.string(), z.number()).optional(),
          })
          .refine(
            (shock) =>
              Object.keys(shock.symbolShocks ?? {}).length + Object.keys(shock.groupShocks ?? {}).length > 0,
            'a shock needs symbolShocks or groupShocks (groups alone move nothing)',
          ),
      )
      .optional(),
  })
  .superRefine((file, context) => {
    const names = [...(file.ranges ?? []), ...(file.shocks ?? [])].map((scenario) => scenario.name);
    const twice = names.filter((name, i) => names.indexOf(name) !== i);
    if (twice.length > 0)
      context.addIssue({
        code: 'custom',
        message: `scenario name ${[...new Set(twice)].join(', ')} is given twice; each scenario needs its own name`,
      });
  });

/**
 * The holdings share too few dates to give one return (a column that is empty, or that starts after
 * another ends): the message gives each holding's own span, which the bare "needs 2 observations, got
 * 0" of the statistics would not.
 */
export class HoldingsDoNotOverlapError extends Error {
  override readonly name = 'HoldingsDoNotOverlapError';
}

function checkHoldingsOverlap(
  table: DatedColumns,
  symbols: readonly string[],
  commonDates: number,
  needed: number,
): void {
  if (symbols.length < 2 || commonDates >= needed) return;
  const spans = symbols.map((symbol) => {
    const column = table.values[table.symbols.indexOf(symbol)] ?? [];
    const present = table.dates.filter((_, t) => column[t] !== null && column[t] !== undefined);
    return present.length === 0
      ? `${symbol} has no value`
      : `${symbol} ${present[0] as string}..${present[present.length - 1] as string} (${present.length})`;
  });
  throw new HoldingsDoNotOverlapError(
    `the holdings have a value together on ${commonDates} date(s), and ${needed} are needed for one return: ${spans.join('; ')}`,
  );
}

/** The holdings and their weights: from --weights, --equal-weight, or the only column. */
function chooseWeights(
  table: DatedColumns,
  option: string,
  file: string,
  weights: Record<string, number> | undefined,
  equal: boolean,
): { symbols: string[]; weights: number[]; weighting: 'file' | 'equal' | 'single-series' } {
  if (weights !== undefined && equal)
    throw new CliUsageError('give either --weights or --equal-weight, not both');
  if (weights !== undefined) {
    const entries = Object.entries(weights).map(([symbol, w]) => [symbol.trim().toUpperCase(), w] as const);
    if (entries.length === 0) throw new CliUsageError('--weights: the file names no holding');
    const seen = new Set<string>();
    for (const [symbol] of entries) {
      if (seen.has(symbol)) throw new CliUsageError(`--weights: ${symbol} is given twice`);
      seen.add(symbol);
    }
    for (const [symbol] of entries)
      if (!table.symbols.includes(symbol))
        throw new CliUsageError(`--weights: ${symbol} is not a column of ${option} ${file}`);
    return { symbols: entries.map(([s]) => s), weights: entries.map(([, w]) => w), weighting: 'file' };
  }
  if (equal) {
    const n = table.symbols.length;
    return { symbols: [...table.symbols], weights: table.symbols.map(() => 1 / n), weighting: 'equal' };
  }
  if (table.symbols.length !== 1)
    throw new CliUsageError(
      `${option} ${file} has ${table.symbols.length} columns (${table.symbols.join(', ')}): give --weights FILE or --equal-weight`,
    );
  return { symbols: [...table.symbols], weights: [1], weighting: 'single-series' };
}

function positiveInteger(option: string, value: string): number {
  const n = parseNumberOption(option, value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliUsageError(`${option}: "${value}" is not a positive integer`);
  return n;
}

/** `ballast risk`: the risk report of a series or a weighted portfolio. */
export async function runRisk(options: RiskOptions, context: CliContext): Promise<void> {
  if ((options.prices === undefined) === (options.returns === undefined))
    throw new CliUsageError('give exactly one of --prices FILE or --returns FILE');
  const kind = options.prices !== undefined ? 'prices' : 'returns';
  const option = `--${kind}`;
  const file = (options.prices ?? options.returns) as string;
  const read = kind === 'prices' ? readPriceColumns : readReturnColumns;
  const periodsPerYear =
    options.frequency === undefined
      ? DEFAULT_PERIODS_PER_YEAR
      : positiveInteger('--frequency', options.frequency);
  const riskFree = options.riskFree === undefined ? 0 : parseNumberOption('--risk-free', options.riskFree);
  const confidence =
    options.confidence === undefined ? 0.95 : parseNumberOption('--confidence', options.confidence);
  if (!(confidence > 0 && confidence < 1))
    throw new CliUsageError(`--confidence: "${options.confidence}" is not in the open interval (0, 1)`);
  const requiredReturn =
    options.requiredReturn === undefined ? 0 : parseNumberOption('--required-return', options.requiredReturn);
  const horizon = options.horizon === undefined ? 1 : positiveInteger('--horizon', options.horizon);

  const decompositionWindow =
    options.decompositionWindow === undefined
      ? undefined
      : positiveInteger('--decomposition-window', options.decompositionWindow);
  const table = await read(context, option, file);
  const weightsFile =
    options.weights === undefined
      ? undefined
      : await readJsonFile(context, '--weights', options.weights, weightsSchema);
  const chosen = chooseWeights(table, option, file, weightsFile, options.equalWeight === true);
  const stress =
    options.stress === undefined
      ? undefined
      : await readJsonFile(context, '--stress', options.stress, stressSchema);

  const holdings = completeRows(table, chosen.symbols);
  checkHoldingsOverlap(table, chosen.symbols, holdings.dates.length, kind === 'prices' ? 2 : 1);
  let benchmark: { name: string; table: DatedColumns } | undefined;
  if (options.benchmark !== undefined) {
    const b = await read(context, '--benchmark', options.benchmark);
    if (b.symbols.length !== 1)
      throw new CliUsageError(
        `--benchmark ${options.benchmark}: expected one column, found ${b.symbols.length} (${b.symbols.join(', ')})`,
      );
    benchmark = { name: b.symbols[0] as string, table: b };
  }
  const benchmarkRows =
    benchmark === undefined ? undefined : completeRows(benchmark.table, benchmark.table.symbols);
  // Inner join on dates (NoOverlappingDatesError when none is common); prices are joined before
  // returns are taken, so that each return spans the same interval for the portfolio and the benchmark.
  const join =
    benchmarkRows === undefined
      ? undefined
      : intersectDates(holdings.dates, benchmarkRows.dates, [
          `${option} ${file}`,
          `--benchmark ${options.benchmark}`,
        ]);
  const pickRows = (columns: Float64Array[], index: Int32Array | undefined): Float64Array[] =>
    index === undefined ? columns : columns.map((c) => Float64Array.from(index, (t) => c[t] as number));
  const dates = join === undefined ? holdings.dates : join.dates;
  const assetColumns = pickRows(holdings.columns, join?.leftIndex);
  const benchColumn =
    benchmarkRows === undefined ? undefined : pickRows(benchmarkRows.columns, join?.rightIndex)[0];

  let returnDates: readonly string[];
  let assetReturns: readonly Float64Array[];
  let benchmarkReturns: Float64Array | undefined;
  if (kind === 'prices') {
    const assets = assetReturnsFromPrices({ dates, symbols: chosen.symbols, prices: assetColumns });
    returnDates = assets.dates;
    assetReturns = assets.returns;
    benchmarkReturns =
      benchColumn === undefined
        ? undefined
        : assetReturnsFromPrices({ dates, symbols: [benchmark?.name ?? 'benchmark'], prices: [benchColumn] })
            .returns[0];
  } else {
    returnDates = dates;
    assetReturns = assetColumns;
    benchmarkReturns = benchColumn;
  }

  // A window longer than the series would silently shrink to the whole series: say so instead.
  if (decompositionWindow !== undefined && decompositionWindow > returnDates.length)
    throw new CliUsageError(
      `--decomposition-window ${decompositionWindow}: longer than the ${returnDates.length} returns of the input` +
        (returnDates.length === 0 ? '' : ` (${returnDates[0]}..${returnDates[returnDates.length - 1]})`),
    );

  const report = portfolioRiskReport({
    dates: returnDates,
    symbols: chosen.symbols,
    assetReturns,
    weights: chosen.weights,
    ...(benchmarkReturns === undefined
      ? {}
      : { benchmark: benchmarkReturns, benchmarkName: benchmark?.name }),
    periodsPerYear,
    riskFree,
    requiredReturn,
    confidence,
    horizon,
    ...(stress === undefined ? {} : { stress }),
    ...(decompositionWindow === undefined ? {} : { decompositionWindow }),
  });
  // The library dates returns only, so a peak at the starting value (before the first return) has no
  // date there; with prices that start is the first price row, and with returns it is unknown.
  let peakDate = report.maxDrawdown.peakDate;
  if (report.maxDrawdown.peakIndex === -1) {
    if (kind === 'prices') peakDate = dates[0] ?? null;
    else
      report.undefinedReasons['maxDrawdown.peakDate'] =
        'the peak is the starting value, before the first return: a returns file gives it no date';
  }
  const document = {
    input: {
      kind,
      file,
      symbols: chosen.symbols,
      weights: Object.fromEntries(chosen.symbols.map((s, i) => [s, chosen.weights[i] as number])),
      weighting: chosen.weighting,
      benchmark: benchmark?.name ?? null,
      datesDroppedIncomplete: holdings.dropped,
      datesDroppedNotInBenchmark: join?.droppedLeft ?? 0,
      benchmarkDatesDropped: join === undefined ? 0 : join.droppedRight + (benchmarkRows?.dropped ?? 0),
    },
    conventions: {
      periodsPerYear,
      riskFreePerPeriod: riskFree,
      requiredReturnPerPeriod: requiredReturn,
      confidence,
      horizonPeriods: horizon,
      returns: 'simple returns; a portfolio is rebalanced to its weights every period (empyrical/pyfolio)',
      volatility: 'sample standard deviation (n - 1), annualised by sqrt(periodsPerYear)',
      downsideRisk: 'population downside deviation (divisor n) below the required return',
      valueAtRisk:
        horizon === 1
          ? 'a one-period return at the (1 - confidence) tail; negative is a loss'
          : `a ${horizon}-period compounded return at the (1 - confidence) tail; negative is a loss`,
      stress: 'historical windows replayed buy-and-hold on the current weights; P&L as a fraction of value',
    },
    ...report,
    maxDrawdown: { ...report.maxDrawdown, peakDate },
  };
  assertFiniteDocument(document);
  if (options.json === true) {
    writeJson(context, document);
    return;
  }
  context.stdout(
    humanReport(
      document.input.symbols,
      { ...report, maxDrawdown: document.maxDrawdown },
      periodsPerYear,
      horizon,
    ),
  );
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
const num = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3));

function humanReport(
  symbols: readonly string[],
  r: PortfolioRiskReport,
  periodsPerYear: number,
  horizon: number,
): string {
  const over = horizon === 1 ? '' : ` (${horizon} periods)`;
  const rows: [string, string][] = [
    ['observations', `${r.observations} (${r.startDate} .. ${r.endDate}, ${periodsPerYear}/year)`],
    ['cumulative return', pct(r.cumulativeReturn)],
    ['annual return', pct(r.annualReturn)],
    ['annual volatility', pct(r.annualVolatility)],
    ['Sharpe ratio', num(r.sharpeRatio)],
    ['Sortino ratio', num(r.sortinoRatio)],
    ['Calmar ratio', num(r.calmarRatio)],
    ['Omega ratio', num(r.omegaRatio)],
    [
      'max drawdown',
      `${pct(r.maxDrawdown.maxDrawdown)} (${r.maxDrawdown.peakDate ?? 'start'} -> ${r.maxDrawdown.troughDate ?? 'start'}, recovered ${r.maxDrawdown.recoveryDate ?? 'not yet'})`,
    ],
    ['tail ratio', num(r.tailRatio)],
    ['skewness', num(r.skewness)],
    ['excess kurtosis', num(r.excessKurtosis)],
    [
      `VaR hist / normal / C-F${over}`,
      `${pct(r.valueAtRisk.historical)} / ${pct(r.valueAtRisk.normal)} / ${pct(r.valueAtRisk.cornishFisher)}`,
    ],
    [
      `CVaR hist / normal / C-F${over}`,
      `${pct(r.conditionalValueAtRisk.historical)} / ${pct(r.conditionalValueAtRisk.normal)} / ${pct(r.conditionalValueAtRisk.cornishFisher)}`,
    ],
    ['beta', num(r.beta)],
    ['alpha (annual)', pct(r.alpha)],
    ['tracking error', pct(r.trackingError)],
    ['information ratio', num(r.informationRatio)],
    ['up / down capture', `${num(r.upCapture)} / ${num(r.downCapture)}`],
    ['correlation to benchmark', num(r.benchmarkCorrelation)],
    ['diversification ratio', num(r.diversificationRatio)],
    ['effective number of bets', num(r.effectiveNumberOfBets)],
    ['decomposition window', `${r.decompositionPeriods} periods from ${r.decompositionStartDate}`],
  ];
  let out = formatTable(['statistic', 'value'], rows, ['left', 'right']);
  if (r.riskContributions !== null && symbols.length > 1) {
    out += `\nrisk contributions (they sum to the annual volatility over the decomposition window)\n`;
    out += formatTable(
      ['symbol', 'weight', 'contribution', 'share'],
      r.riskContributions.map((h) => [h.symbol, pct(h.weight), pct(h.contribution), pct(h.percentage)]),
      ['left', 'right', 'right', 'right'],
    );
  }
  out += '\nstress scenarios\n';
  out += formatTable(
    ['scenario', 'window', 'P&L', 'largest drivers'],
    r.stress.map((s: StressResult) => [
      s.name,
      s.from === null ? '-' : `${s.from} .. ${s.to ?? ''}`,
      s.portfolioReturn === null ? `n/a: ${s.reason ?? ''}` : pct(s.portfolioReturn),
      s.drivers
        .slice(0, 3)
        .map((d) => `${d.symbol} ${pct(d.contribution)}`)
        .join(', '),
    ]),
    ['left', 'left', 'right', 'left'],
  );
  const reasons = Object.entries(r.undefinedReasons);
  if (reasons.length > 0) out += `\nn/a: ${reasons.map(([k, v]) => `${k}: ${v}`).join('; ')}\n`;
  return out;
}

/** Registers `ballast risk`. */
export function registerRiskCommand(program: Command, context: CliContext): void {
  program
    .command('risk')
    .description(
      'Return, risk, benchmark, decomposition and stress statistics of a return series or a weighted portfolio (empyrical conventions).',
    )
    .option('--prices <file>', 'wide prices CSV: date,SYM1,SYM2,... (oldest first)')
    .option('--returns <file>', 'wide returns CSV: date,SYM1,... with simple returns per period')
    .option(
      '--weights <file>',
      'JSON object of weights by symbol, e.g. {"SPY": 0.6, "TLT": 0.4}; 1 - sum is cash',
    )
    .option('--equal-weight', 'weight every column of the input equally')
    .option('--benchmark <file>', 'one-column prices (with --prices) or returns (with --returns) CSV')
    .option('--risk-free <rate>', 'risk-free return per period (empyrical convention), default 0')
    .option(
      '--required-return <rate>',
      'minimum acceptable return per period of Sortino and the downside risk, default 0',
    )
    .option('--frequency <periods>', `periods per year, default ${DEFAULT_PERIODS_PER_YEAR}`)
    .option('--confidence <level>', 'VaR / CVaR confidence in (0, 1), default 0.95')
    .option('--horizon <periods>', 'VaR / CVaR over this many periods (compounded), default 1')
    .option(
      '--stress <file>',
      'JSON {"ranges": [{name, from, to}], "shocks": [{name, symbolShocks?, groups?, groupShocks?}]}',
    )
    .option(
      '--decomposition-window <periods>',
      'estimate the covariance, risk contributions, correlation, DR and ENB over the last N periods (default all)',
    )
    .option('--json', 'one JSON document on stdout')
    .action(async (options: RiskOptions) => runRisk(options, context));
}
