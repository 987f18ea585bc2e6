import {
  EXPECTED_RETURN_MODELS,
  type ExpectedReturnModel,
  type FallbackStep,
  OBJECTIVES,
  type ObjectiveName,
  optimizePortfolio,
  type OptimizeReport,
  type OptimizeRequest,
  returnsFromPrices,
  RISK_MODELS,
  type RiskModelName,
  type SeriesMatrix,
} from '@ballast/domain-optimizer';
import { type Command, Option } from 'commander';
import highsLoader from 'highs';
import { z } from 'zod';
import { type CliContext, CliUsageError, writeJson } from '../cli-context';
import { parseDateOption, parseNumberOption, parseSymbolList } from '../inputs/prices-file';
import { readPriceSeries, readReturnSeries, selectSeries } from '../inputs/series-file';
import { assertFiniteDocument } from '../inputs/dated-columns';
import { readJsonFile } from '../inputs/json-file';
import { formatTable } from '../table';
import { type RegisterCommand } from './index';

interface OptimizeOptions {
  readonly prices?: string;
  readonly returns?: string;
  readonly symbols?: string;
  readonly from?: string;
  readonly to?: string;
  readonly objective: ObjectiveName;
  readonly expectedReturns: ExpectedReturnModel;
  readonly span?: string;
  readonly forecasts?: string;
  readonly benchmark?: string;
  readonly riskModel: RiskModelName;
  readonly frequency: string;
  readonly riskFree: string;
  readonly targetVolatility?: string;
  readonly targetReturn?: string;
  readonly riskAversion?: string;
  readonly bounds?: string;
  readonly marketNeutral?: boolean;
  readonly l2Gamma?: string;
  readonly constraints?: string;
  readonly views?: string;
  readonly fallback?: string;
  readonly json?: boolean;
}

const FALLBACK_STEPS: readonly string[] = [...OBJECTIVES, 'previous-weights'];

/**
 * `--constraints FILE`: per-asset bounds, group map and group bounds, current weights (turnover,
 * transaction cost, previous-weights fallback), benchmark weights and a tracking-error limit.
 */
const constraintsSchema = z.strictObject({
  bounds: z.record(z.string(), z.tuple([z.number(), z.number()])).optional(),
  groups: z.record(z.string(), z.string()).optional(),
  groupBounds: z.record(z.string(), z.tuple([z.number().nullable(), z.number().nullable()])).optional(),
  currentWeights: z.record(z.string(), z.number()).optional(),
  riskBudgets: z.record(z.string(), z.number()).optional(),
  transactionCost: z.number().nonnegative().optional(),
  turnoverLimit: z.number().nonnegative().optional(),
  benchmarkWeights: z.record(z.string(), z.number()).optional(),
  maxTrackingError: z.number().positive().optional(),
});
type ConstraintsFile = z.infer<typeof constraintsSchema>;

/** `--views FILE`: Black-Litterman prior, views and their uncertainty. */
const viewsSchema = z.strictObject({
  prior: z.enum(['market', 'equal', 'historical', 'none']).optional(),
  marketCaps: z.record(z.string(), z.number()).optional(),
  riskAversion: z.number().positive().optional(),
  tau: z.number().optional(),
  omega: z.enum(['default', 'idzorek']).optional(),
  absoluteViews: z.record(z.string(), z.number()).optional(),
  views: z
    .array(z.strictObject({ weights: z.record(z.string(), z.number()), return: z.number() }))
    .optional(),
  confidences: z.array(z.number()).optional(),
});

/** `LO,HI`: two numbers; `-inf` / `inf` for an open side (long-short without a limit). */
function parseBounds(value: string): { lower: number; upper: number } {
  const parts = value.split(',').map((part) => part.trim());
  const number = (part: string | undefined): number => {
    if (part === undefined) return Number.NaN;
    const lower = part.toLowerCase();
    if (lower === 'inf' || lower === '+inf') return Infinity;
    if (lower === '-inf') return -Infinity;
    return part === '' ? Number.NaN : Number(part);
  };
  const lower = number(parts[0]);
  const upper = number(parts[1]);
  if (parts.length !== 2 || Number.isNaN(lower) || Number.isNaN(upper)) {
    throw new CliUsageError(`--bounds: "${value}" is not LO,HI (two numbers, -inf/inf for no limit)`);
  }
  if (lower > upper) throw new CliUsageError(`--bounds: lower ${lower} is above upper ${upper}`);
  return { lower, upper };
}

function parsePositiveInteger(option: string, value: string): number {
  const parsed = parseNumberOption(option, value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new CliUsageError(`${option}: "${value}" is not a positive integer`);
  }
  return parsed;
}

function parseFallback(value: string): FallbackStep[] {
  return value
    .split(',')
    .map((step) => step.trim())
    .filter((step) => step !== '')
    .map((step) => {
      if (!FALLBACK_STEPS.includes(step)) {
        throw new CliUsageError(`--fallback: "${step}" is not one of ${FALLBACK_STEPS.join(', ')}`);
      }
      return step as FallbackStep;
    });
}

/** Global bounds, overridden per asset by the constraints file. */
function assetBounds(
  symbols: readonly string[],
  global: { lower: number; upper: number } | undefined,
  constraints: ConstraintsFile | undefined,
  file: string,
): OptimizeRequest['bounds'] {
  const perAsset = constraints?.bounds;
  if (!perAsset) return global;
  for (const [symbol, [lower, upper]] of Object.entries(perAsset)) {
    if (!symbols.includes(symbol)) {
      throw new CliUsageError(`--constraints ${file}: bounds.${symbol}: not one of the optimised symbols`);
    }
    // Checked here, by name: the optimizer only knows the asset's position ("asset 1").
    if (lower > upper) {
      throw new CliUsageError(
        `--constraints ${file}: bounds.${symbol}: lower ${lower} is above upper ${upper}`,
      );
    }
  }
  const lower = symbols.map((s) => perAsset[s]?.[0] ?? global?.lower ?? 0);
  const upper = symbols.map((s) => perAsset[s]?.[1] ?? global?.upper ?? 1);
  return { lower, upper };
}

function checkSymbols(
  what: string,
  file: string,
  symbols: readonly string[],
  map: Record<string, number>,
): void {
  for (const symbol of Object.keys(map)) {
    if (!symbols.includes(symbol)) {
      throw new CliUsageError(`--constraints ${file}: ${what}.${symbol}: not one of the optimised symbols`);
    }
  }
}

/**
 * An option that nothing in this run reads is a usage error rather than silently ignored: a user
 * who passes `--target-volatility 0.15` to min-volatility, or `--span 60` to the sample covariance,
 * believes it shaped the answer. `steps` are the objective and the objectives of the fallback chain.
 */
function rejectUnusedOptions(options: OptimizeOptions, steps: readonly string[]): void {
  const uses = (step: string): boolean => steps.includes(step);
  const unused: string[] = [];
  if (options.targetVolatility !== undefined && !uses('efficient-risk')) {
    unused.push('--target-volatility is read only by efficient-risk');
  }
  if (options.targetReturn !== undefined && !uses('efficient-return')) {
    unused.push('--target-return is read only by efficient-return');
  }
  if (
    options.riskAversion !== undefined &&
    !uses('max-quadratic-utility') &&
    !uses('black-litterman') &&
    options.views === undefined
  ) {
    unused.push('--risk-aversion is read only by max-quadratic-utility and Black-Litterman (--views)');
  }
  if (options.span !== undefined && options.expectedReturns !== 'ema' && options.riskModel !== 'exp-cov') {
    unused.push('--span is read only by --expected-returns ema and --risk-model exp-cov');
  }
  if (
    options.benchmark !== undefined &&
    options.expectedReturns !== 'capm' &&
    !uses('black-litterman') &&
    options.views === undefined
  ) {
    unused.push(
      "--benchmark is read only by --expected-returns capm and Black-Litterman's market-implied risk aversion (--views)",
    );
  }
  if (unused.length > 0) {
    throw new CliUsageError(
      `${unused.join('; ')}; this run optimises ${steps.join(' then ')} with --expected-returns ${options.expectedReturns} and --risk-model ${options.riskModel}`,
    );
  }
}

/**
 * The same for the `--constraints` keys that the optimizer would pass over without a word (the
 * others it refuses by name where they do not apply): risk budgets outside risk parity, and current
 * weights that no cost, turnover limit or previous-weights fallback reads.
 */
function rejectUnusedConstraints(
  constraints: ConstraintsFile | undefined,
  steps: readonly string[],
  file: string,
): void {
  if (constraints === undefined) return;
  if (constraints.riskBudgets !== undefined && !steps.includes('risk-parity')) {
    throw new CliUsageError(
      `--constraints ${file}: riskBudgets are read only by risk-parity; this run optimises ${steps.join(' then ')}`,
    );
  }
  if (
    constraints.currentWeights !== undefined &&
    constraints.transactionCost === undefined &&
    constraints.turnoverLimit === undefined &&
    !steps.includes('previous-weights')
  ) {
    throw new CliUsageError(
      `--constraints ${file}: currentWeights are read only with transactionCost, turnoverLimit or the previous-weights fallback step`,
    );
  }
}

async function loadReturns(context: CliContext, options: OptimizeOptions): Promise<SeriesMatrix> {
  if ((options.prices === undefined) === (options.returns === undefined)) {
    throw new CliUsageError('give exactly one of --prices FILE and --returns FILE');
  }
  const selection = {
    ...(options.symbols !== undefined ? { symbols: parseSymbolList('--symbols', options.symbols) } : {}),
    ...(options.from !== undefined ? { from: parseDateOption('--from', options.from) } : {}),
    ...(options.to !== undefined ? { to: parseDateOption('--to', options.to) } : {}),
  };
  if (options.prices !== undefined) {
    const prices = await readPriceSeries(context, '--prices', options.prices);
    return returnsFromPrices(selectSeries(prices, selection, '--prices', options.prices));
  }
  const file = options.returns as string;
  return selectSeries(await readReturnSeries(context, '--returns', file), selection, '--returns', file);
}

async function buildRequest(context: CliContext, options: OptimizeOptions): Promise<OptimizeRequest> {
  const fallback = options.fallback === undefined ? undefined : parseFallback(options.fallback);
  rejectUnusedOptions(options, [options.objective, ...(fallback ?? [])]);
  const returns = await loadReturns(context, options);
  let benchmarkReturns: SeriesMatrix | undefined;
  if (options.benchmark !== undefined) {
    const benchmark = await readPriceSeries(context, '--benchmark', options.benchmark);
    if (benchmark.symbols.length !== 1) {
      throw new CliUsageError(
        `--benchmark ${options.benchmark}: expected one price column, found ${benchmark.symbols.length}`,
      );
    }
    benchmarkReturns = returnsFromPrices(benchmark);
  }
  const constraints =
    options.constraints === undefined
      ? undefined
      : await readJsonFile(context, '--constraints', options.constraints, constraintsSchema);
  const constraintsFile = options.constraints ?? '';
  rejectUnusedConstraints(constraints, [options.objective, ...(fallback ?? [])], constraintsFile);
  if (constraints?.currentWeights) {
    checkSymbols('currentWeights', constraintsFile, returns.symbols, constraints.currentWeights);
  }
  const views =
    options.views === undefined
      ? undefined
      : await readJsonFile(context, '--views', options.views, viewsSchema);
  const forecasts =
    options.forecasts === undefined
      ? undefined
      : await readJsonFile(context, '--forecasts', options.forecasts, z.record(z.string(), z.number()));
  if ((forecasts !== undefined) !== (options.expectedReturns === 'forecast')) {
    throw new CliUsageError('--expected-returns forecast and --forecasts FILE go together');
  }
  const frequency = parsePositiveInteger('--frequency', options.frequency);
  const global = options.bounds === undefined ? undefined : parseBounds(options.bounds);
  const bounds = assetBounds(returns.symbols, global, constraints, constraintsFile);
  const number = (option: string, value: string | undefined): number | undefined =>
    value === undefined ? undefined : parseNumberOption(option, value);
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    returns,
    objective: options.objective,
    expectedReturns: options.expectedReturns,
    riskModel: options.riskModel,
    frequency,
    riskFreeRate: parseNumberOption('--risk-free', options.riskFree),
    marketNeutral: options.marketNeutral ?? false,
    ...optional(
      'span',
      options.span === undefined ? undefined : parsePositiveInteger('--span', options.span),
    ),
    ...optional('benchmarkReturns', benchmarkReturns),
    ...optional('targetVolatility', number('--target-volatility', options.targetVolatility)),
    ...optional('targetReturn', number('--target-return', options.targetReturn)),
    ...optional('riskAversion', number('--risk-aversion', options.riskAversion)),
    ...optional('l2Gamma', number('--l2-gamma', options.l2Gamma)),
    ...optional('bounds', bounds),
    ...optional('fallback', fallback),
    ...optional('currentWeights', constraints?.currentWeights),
    ...optional('riskBudgets', constraints?.riskBudgets),
    ...optional('groups', constraints?.groups),
    ...optional('groupBounds', constraints?.groupBounds),
    ...optional('transactionCost', constraints?.transactionCost),
    ...optional('turnoverLimit', constraints?.turnoverLimit),
    ...optional('benchmarkWeights', constraints?.benchmarkWeights),
    ...optional('maxTrackingError', constraints?.maxTrackingError),
    ...optional('highs', needsHighs(constraints) ? await highsLoader() : undefined),
    ...optional('blackLitterman', views),
    ...optional('forecasts', forecasts),
  };
}

/** HiGHS (WebAssembly) is loaded only for the constraints the box QP cannot carry. */
function needsHighs(constraints: ConstraintsFile | undefined): boolean {
  if (!constraints) return false;
  return (
    constraints.groupBounds !== undefined ||
    constraints.transactionCost !== undefined ||
    constraints.turnoverLimit !== undefined ||
    constraints.maxTrackingError !== undefined
  );
}

/** The `--json` document: the report, with a Sharpe ratio that does not exist shown as null and why. */
export interface OptimizeDocument {
  readonly weights: OptimizeReport['weights'];
  readonly performance: {
    readonly expectedReturn: number;
    readonly volatility: number;
    readonly sharpe: number | null;
  };
  readonly diagnostics: Omit<OptimizeReport['diagnostics'], 'warnings'> & { readonly warnings: string[] };
}

/**
 * A portfolio of zero volatility (a market-neutral book at a zero target, say) has no Sharpe ratio:
 * the library's quotient is ±∞ or NaN, which JSON.stringify would print as a bare null. It becomes
 * null with a warning that says why; any other non-finite number is a bug and fails loudly.
 */
export function optimizeDocument(report: OptimizeReport): OptimizeDocument {
  const { expectedReturn, volatility, sharpe } = report.performance;
  const warnings = [...report.diagnostics.warnings];
  let shownSharpe: number | null = sharpe;
  if (!Number.isFinite(sharpe) && volatility === 0) {
    shownSharpe = null;
    warnings.push(
      'performance.sharpe is null: the portfolio has zero volatility, so (expected return - risk-free rate) / volatility is undefined',
    );
  }
  const document: OptimizeDocument = {
    weights: report.weights,
    performance: { expectedReturn, volatility, sharpe: shownSharpe },
    diagnostics: { ...report.diagnostics, warnings },
  };
  assertFiniteDocument(document);
  return document;
}

function formatReport(report: OptimizeDocument): string {
  const rows = Object.entries(report.weights)
    .sort(([, a], [, b]) => b - a)
    .map(([symbol, weight]) => [symbol, weight.toFixed(6), `${(weight * 100).toFixed(2)}%`]);
  const p = report.performance;
  const d = report.diagnostics;
  const lines = [
    formatTable(['symbol', 'weight', 'percent'], rows, ['left', 'right', 'right']),
    `expected return ${(p.expectedReturn * 100).toFixed(2)}%  volatility ${(p.volatility * 100).toFixed(2)}%  Sharpe ${p.sharpe === null ? 'n/a' : p.sharpe.toFixed(4)}`,
    `solver ${d.solver}, ${d.iterations} iterations; estimate ${d.timingsMs.estimate.toFixed(1)} ms, solve ${d.timingsMs.solve.toFixed(1)} ms${d.fallbackUsed === null ? '' : `; answered by fallback ${d.fallbackUsed}`}`,
    ...d.warnings.map((warning) => `warning: ${warning}`),
  ];
  return `${lines.join('\n')}\n`;
}

export const registerOptimizeCommand: RegisterCommand = (program: Command, context: CliContext) => {
  program
    .command('optimize')
    .description(
      'Optimise portfolio weights from a prices (or returns) history, with PyPortfolioOpt conventions: CAGR expected returns, sample covariance, 252 periods a year, risk-free 0.02, long-only bounds [0, 1].',
    )
    .option('--prices <file>', 'wide prices CSV `date,SYM1,...` (empty cells before a listing)')
    .option('--returns <file>', 'wide CSV of periodic returns, same shape as --prices')
    .option('--symbols <list>', 'comma-separated columns to use (default: all)')
    .option('--from <date>', 'first row to use, YYYY-MM-DD (of prices, before returns are taken)')
    .option('--to <date>', 'last row to use, YYYY-MM-DD')
    .addOption(new Option('--objective <name>', 'what to optimise').choices(OBJECTIVES).makeOptionMandatory())
    .addOption(
      new Option('--expected-returns <model>', 'expected returns model')
        .choices(EXPECTED_RETURN_MODELS)
        .default('mean'),
    )
    .option(
      '--forecasts <file>',
      'JSON {SYM: annual expected return}: the user forecasts of --expected-returns forecast',
    )
    .option('--span <n>', 'EMA span of --expected-returns ema (500) and --risk-model exp-cov (180)')
    .option(
      '--benchmark <file>',
      'one-column prices CSV: the market of --expected-returns capm and the market-implied δ of Black-Litterman',
    )
    .addOption(
      new Option('--risk-model <name>', 'covariance estimator').choices(RISK_MODELS).default('sample'),
    )
    .option('--frequency <n>', 'periods per year', '252')
    .option('--risk-free <x>', 'annual risk-free rate', '0.02')
    .option('--target-volatility <x>', 'annual volatility of efficient-risk')
    .option('--target-return <x>', 'annual return of efficient-return')
    .option('--risk-aversion <x>', 'δ of max-quadratic-utility (1)')
    .option('--bounds <lo,hi>', 'bounds on every weight (0,1); -inf/inf for none, e.g. --bounds=-1,1')
    .option('--market-neutral', 'weights sum to 0 (efficient-risk, efficient-return, max-quadratic-utility)')
    .option('--l2-gamma <g>', 'L2 regularisation γ Σw² (0)')
    .option(
      '--constraints <file>',
      'JSON: bounds {SYM: [lo, hi]}, groups {SYM: group}, groupBounds {group: [lo, hi]}, currentWeights {SYM: w}, riskBudgets {SYM: b}, transactionCost k, turnoverLimit, benchmarkWeights {SYM: w}, maxTrackingError',
    )
    .option(
      '--views <file>',
      'JSON: Black-Litterman prior (market|equal|historical|none), marketCaps, riskAversion, tau, omega (default|idzorek), absoluteViews {SYM: r}, views [{weights, return}], confidences',
    )
    .option(
      '--fallback <steps>',
      'comma-separated objectives (or previous-weights) tried when the objective fails',
    )
    .option('--json', 'print one JSON document on stdout')
    .action(async (options: OptimizeOptions) => {
      const report = optimizeDocument(optimizePortfolio(await buildRequest(context, options)));
      if (options.json) writeJson(context, report);
      else context.stdout(formatReport(report));
    });
};
