import { type Command } from 'commander';
import {
  adaptiveBand,
  classifyRegimes,
  DEFAULT_REGIME_THRESHOLDS,
  IndicatorSuite,
  type IndicatorSnapshot,
  timingView,
  type TimingView,
} from '@ballast/domain-signals';
import { type CliContext, CliUsageError, writeJson } from '../cli-context';
import { parseNumberOption, parseSymbolList } from '../inputs/prices-file';
import { assertFiniteDocument, type DatedColumns, readPriceColumns } from '../inputs/dated-columns';
import { formatTable } from '../table';

interface SignalsOptions {
  prices?: string;
  symbols?: string;
  benchmark?: string;
  bandBps?: string;
  cooldownDays?: string;
  json?: boolean;
}

/** The indicator periods `ballast signals` uses: IndicatorSuite's defaults. */
export const SIGNALS_INDICATORS = {
  smaPeriod: 50,
  emaPeriod: 20,
  macd: { fast: 12, slow: 26, signal: 9 },
  rsiPeriod: 14,
  bollinger: { period: 20, deviations: 2 },
  atrPeriod: 14,
} as const;

/** Bars each indicator needs before it is stable (trading-signals' isStable), for the null reasons. */
const NEEDS: Record<'sma' | 'ema' | 'macd' | 'rsi' | 'bollinger' | 'atr', number> = {
  sma: SIGNALS_INDICATORS.smaPeriod,
  ema: SIGNALS_INDICATORS.emaPeriod,
  // trading-signals' MACD reports once the slow EMA has its period; the signal EMA is then still warming up.
  macd: SIGNALS_INDICATORS.macd.slow,
  rsi: SIGNALS_INDICATORS.rsiPeriod + 1,
  bollinger: SIGNALS_INDICATORS.bollinger.period,
  // The first bar's true range is its high - low (no previous close), so ATR needs `period` bars.
  atr: SIGNALS_INDICATORS.atrPeriod,
};

/** A symbol's non-empty closes in date order (a symbol listed later simply has fewer bars). */
function closesOf(table: DatedColumns, symbol: string): { dates: string[]; closes: number[] } {
  const column = table.values[table.symbols.indexOf(symbol)] ?? [];
  const dates: string[] = [];
  const closes: number[] = [];
  column.forEach((value, t) => {
    if (value === null) return;
    dates.push(table.dates[t] as string);
    closes.push(value);
  });
  return { dates, closes };
}

interface SymbolSignals extends IndicatorSnapshot {
  symbol: string;
  lastDate: string | null;
  close: number | null;
  timing: TimingView;
  /** Why each null indicator is null. */
  undefinedReasons: Record<string, string>;
}

function symbolSignals(table: DatedColumns, symbol: string): SymbolSignals {
  const { dates, closes } = closesOf(table, symbol);
  const suite = new IndicatorSuite(SIGNALS_INDICATORS);
  for (const close of closes) suite.add({ close });
  const reasons: Record<string, string> = {};
  let snapshot = suite.snapshot();
  // trading-signals answers 100 when the average loss is 0; with no change at all the RSI is 0/0.
  if (snapshot.rsi !== null && closes.every((c) => c === closes[0])) {
    snapshot = { ...snapshot, rsi: null };
    reasons['rsi'] = 'undefined: the price never changed (average gain and loss both 0)';
  }
  for (const key of Object.keys(NEEDS) as (keyof typeof NEEDS)[])
    if (snapshot[key] === null && reasons[key] === undefined)
      reasons[key] = `needs ${NEEDS[key]} prices, has ${closes.length}`;
  const close = closes.length === 0 ? null : (closes[closes.length - 1] as number);
  if (close === null) {
    // An empty column: every field is null, and each says why, as the indicators do.
    reasons['lastDate'] = `no price of ${symbol} in the file`;
    reasons['close'] = `no price of ${symbol} in the file`;
  }
  return {
    symbol,
    lastDate: dates.length === 0 ? null : (dates[dates.length - 1] as string),
    close,
    ...snapshot,
    timing: timingView(close ?? 0, snapshot),
    undefinedReasons: reasons,
  };
}

function positive(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = parseNumberOption(option, value);
  if (!(n > 0)) throw new CliUsageError(`${option}: "${value}" must be a positive number`);
  return n;
}

/** Whole days, 0 included: the planner's own `cooldownDays` defaults to 0 (no cooldown). */
function wholeDays(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = parseNumberOption(option, value);
  if (!Number.isInteger(n) || n < 0)
    throw new CliUsageError(`${option}: "${value}" must be a whole number of days, 0 or more`);
  return n;
}

/** One column: a list would otherwise lose every symbol after the first without a word. */
function benchmarkOption(value: string): string {
  const symbols = parseSymbolList('--benchmark', value);
  if (symbols.length !== 1)
    throw new CliUsageError(
      `--benchmark: one symbol, got ${symbols.length} (${symbols.join(', ')}); the regime is that of one column`,
    );
  return symbols[0] as string;
}

/** `ballast signals`: indicators per symbol at the last date, the benchmark's regime and the band it implies. */
export async function runSignals(options: SignalsOptions, context: CliContext): Promise<void> {
  if (options.prices === undefined) throw new CliUsageError('--prices FILE is required');
  const table = await readPriceColumns(context, '--prices', options.prices);
  const symbols =
    options.symbols === undefined ? [...table.symbols] : parseSymbolList('--symbols', options.symbols);
  for (const symbol of symbols)
    if (!table.symbols.includes(symbol))
      throw new CliUsageError(`--symbols: ${symbol} is not a column of --prices ${options.prices}`);
  const benchmark =
    options.benchmark === undefined
      ? table.symbols.includes('SPY')
        ? 'SPY'
        : (symbols[0] as string)
      : benchmarkOption(options.benchmark);
  if (!table.symbols.includes(benchmark))
    throw new CliUsageError(`--benchmark: ${benchmark} is not a column of --prices ${options.prices}`);
  const base = {
    bandBps: positive('--band-bps', options.bandBps, 200),
    cooldownDays: wholeDays('--cooldown-days', options.cooldownDays, 5),
  };

  const perSymbol = symbols.map((symbol) => symbolSignals(table, symbol));
  const { dates, closes } = closesOf(table, benchmark);
  const readings = classifyRegimes(closes);
  const last = readings[readings.length - 1];
  const regime = {
    symbol: benchmark,
    date: dates.length === 0 ? null : (dates[dates.length - 1] as string),
    regime: last?.regime ?? null,
    previous: last?.previous ?? null,
    changed: last?.changed ?? false,
    realizedVolatility: last?.realizedVolatility ?? null,
    drawdown: last?.drawdown ?? null,
    periodsInRegime: last?.periodsInRegime ?? 0,
    reason: last?.reason ?? `no price of ${benchmark} in the file`,
  };
  const band = adaptiveBand(base, regime.regime);
  const document = {
    input: { file: options.prices, symbols, benchmark },
    conventions: {
      indicators: SIGNALS_INDICATORS,
      library:
        'trading-signals (SMA, EMA seeded by SMA, MACD, RSI with Wilder smoothing, Bollinger with population sigma, ATR Wilder)',
      atr: 'closes only: high = low = close, so ATR is the Wilder average of |close - previous close|',
      regimeThresholds: DEFAULT_REGIME_THRESHOLDS,
      baseBand: base,
    },
    symbols: perSymbol,
    regime,
    adaptiveBand: band,
  };
  assertFiniteDocument(document);
  if (options.json === true) {
    writeJson(context, document);
    return;
  }
  const n = (x: number | null | undefined, digits = 2): string =>
    x === null || x === undefined ? 'n/a' : x.toFixed(digits);
  let out = formatTable(
    [
      'symbol',
      'date',
      'close',
      'SMA50',
      'EMA20',
      'MACD hist',
      'RSI14',
      'BB lower..upper',
      'ATR14',
      'trend',
      'momentum',
      'volatility',
    ],
    perSymbol.map((s) => [
      s.symbol,
      s.lastDate ?? 'n/a',
      n(s.close),
      n(s.sma),
      n(s.ema),
      n(s.macd?.histogram, 3),
      n(s.rsi, 1),
      s.bollinger === null ? 'n/a' : `${n(s.bollinger.lower)}..${n(s.bollinger.upper)}`,
      n(s.atr),
      s.timing.trend.label ?? 'n/a',
      s.timing.momentum.label ?? 'n/a',
      s.timing.volatility.label ?? 'n/a',
    ]),
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left', 'left', 'left'],
  );
  out += `\nregime of ${benchmark} on ${regime.date ?? 'n/a'}: ${regime.regime ?? 'n/a'} (${regime.reason})\n`;
  out += `adaptive band: ${band.reason}\n`;
  context.stdout(out);
}

/** Registers `ballast signals`. */
export function registerSignalsCommand(program: Command, context: CliContext): void {
  program
    .command('signals')
    .description(
      'Indicators at the last date per symbol, the market regime of a benchmark and the drift band it implies (information only; never trades).',
    )
    .option('--prices <file>', 'wide prices CSV: date,SYM1,SYM2,... (oldest first)')
    .option('--symbols <list>', 'comma-separated symbols (default: every column)')
    .option(
      '--benchmark <symbol>',
      'column whose regime is classified (default SPY if present, else the first symbol)',
    )
    .option('--band-bps <bps>', 'base drift band the regime scales, default 200')
    .option(
      '--cooldown-days <days>',
      'base cooldown after a rebalance the regime scales, whole days (0 for none), default 5',
    )
    .option('--json', 'one JSON document on stdout')
    .action(async (options: SignalsOptions) => runSignals(options, context));
}
