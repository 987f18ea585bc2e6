import { type WidePrices } from '@ballast/domain-portfolio';
import { type SeriesMatrix } from '@ballast/domain-optimizer';
import { type CliContext, CliUsageError } from '../cli-context';
import { readReturnColumns } from './dated-columns';
import { readWidePrices } from './prices-file';

/** Rows and columns picked from a wide file: `--symbols`, `--from`, `--to`. */
export interface SeriesSelection {
  readonly symbols?: readonly string[];
  /** Inclusive ISO dates. */
  readonly from?: string;
  readonly to?: string;
}

/** Wide prices (decimal strings) as a numeric {@link SeriesMatrix}, `NaN` where a cell is empty. */
export function pricesToSeries(prices: WidePrices): SeriesMatrix {
  const n = prices.symbols.length;
  const values = new Float64Array(prices.rows.length * n);
  prices.rows.forEach((row, t) =>
    prices.symbols.forEach((symbol, j) => {
      const cell = row.prices.get(symbol);
      values[t * n + j] = cell === undefined ? Number.NaN : Number(cell);
    }),
  );
  return { symbols: prices.symbols, dates: prices.rows.map((row) => row.date), values };
}

/**
 * Keeps the selected columns (in the order asked) and the rows dated within [from, to]. An unknown
 * symbol or an empty date range is a usage error naming the option and the file.
 */
export function selectSeries(
  series: SeriesMatrix,
  selection: SeriesSelection,
  option: string,
  file: string,
): SeriesMatrix {
  const n = series.symbols.length;
  const columns = (selection.symbols ?? series.symbols).map((symbol) => {
    const j = series.symbols.indexOf(symbol);
    if (j < 0) throw new CliUsageError(`--symbols: ${symbol} is not a column of ${option} ${file}`);
    return j;
  });
  const rows: number[] = [];
  series.dates.forEach((date, t) => {
    if (selection.from !== undefined && date < selection.from) return;
    if (selection.to !== undefined && date > selection.to) return;
    rows.push(t);
  });
  if (rows.length === 0 && series.dates.length > 0) {
    throw new CliUsageError(
      `${option} ${file}: no row between ${selection.from ?? 'the start'} and ${selection.to ?? 'the end'}`,
    );
  }
  const m = columns.length;
  const values = new Float64Array(rows.length * m);
  rows.forEach((t, r) => columns.forEach((j, k) => (values[r * m + k] = series.values[t * n + j] as number)));
  return {
    symbols: columns.map((j) => series.symbols[j] as string),
    dates: rows.map((t) => series.dates[t] as string),
    values,
  };
}

/** A wide prices CSV as a numeric matrix (usage errors name the option, file and line). */
export async function readPriceSeries(
  context: CliContext,
  option: string,
  file: string,
): Promise<SeriesMatrix> {
  return pricesToSeries(await readWidePrices(context, option, file));
}

/**
 * A wide CSV of periodic returns (negative numbers allowed, empty cells before a listing), read by the
 * same parser as `ballast risk --returns`: NaN, ±Infinity, a malformed date, a row out of order or a
 * short row is a usage error naming the option, the file, the line and the column, so that a bad
 * returns file is reported like a bad prices file and never reaches the optimizer.
 */
export async function readReturnSeries(
  context: CliContext,
  option: string,
  file: string,
): Promise<SeriesMatrix> {
  const table = await readReturnColumns(context, option, file);
  const n = table.symbols.length;
  const values = new Float64Array(table.dates.length * n);
  table.values.forEach((column, j) =>
    column.forEach((value, t) => (values[t * n + j] = value ?? Number.NaN)),
  );
  return { symbols: table.symbols, dates: table.dates, values };
}
