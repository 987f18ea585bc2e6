import { type CliContext, CliUsageError, readInputFile } from '../cli-context';
import { readWidePrices } from './prices-file';

/**
 * A wide dated table as numbers: `values[c][t]` is column c on `dates[t]`, null where the cell is
 * empty (before a listing, a holiday of that market).
 */
export interface DatedColumns {
  readonly dates: readonly string[];
  readonly symbols: readonly string[];
  readonly values: readonly (readonly (number | null)[])[];
}

/** A wide prices CSV (positive decimals, see readWidePrices) as numbers. */
export async function readPriceColumns(
  context: CliContext,
  option: string,
  file: string,
): Promise<DatedColumns> {
  const wide = await readWidePrices(context, option, file);
  return {
    dates: wide.rows.map((row) => row.date),
    symbols: wide.symbols,
    values: wide.symbols.map((symbol) =>
      wide.rows.map((row) => {
        const cell = row.prices.get(symbol);
        return cell === undefined ? null : Number(cell);
      }),
    ),
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A wide returns CSV (`date,SYM1,SYM2,...`, simple returns as decimals, e.g. `-0.0123`, oldest first;
 * an empty cell means no return that day). NaN, ±Infinity or anything that is not a finite decimal is
 * a usage error naming the file, the line and the column.
 */
export async function readReturnColumns(
  context: CliContext,
  option: string,
  file: string,
): Promise<DatedColumns> {
  const text = await readInputFile(context, option, file);
  const fail = (line: number, problem: string): never => {
    throw new CliUsageError(`${option} ${file}: returns CSV line ${line}: ${problem}`);
  };
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  const symbols = header.slice(1).map((symbol) => symbol.toUpperCase());
  if (symbols.length === 0 || symbols.some((s) => s === ''))
    fail(1, 'expected a header `date,SYM1,SYM2,...` naming every column');
  if (new Set(symbols).size !== symbols.length) fail(1, 'a symbol appears twice');
  const dates: string[] = [];
  const values: (number | null)[][] = symbols.map(() => []);
  lines.slice(1).forEach((line, index) => {
    const lineNumber = index + 2;
    if (line.trim() === '') return;
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells.length !== header.length)
      fail(lineNumber, `expected ${header.length} cells, found ${cells.length}`);
    const date = cells[0] as string;
    if (!DATE.test(date)) fail(lineNumber, `"${date}" is not a date in YYYY-MM-DD form`);
    const previous = dates[dates.length - 1];
    if (previous !== undefined && date <= previous)
      fail(lineNumber, `date ${date} is not after the previous row's ${previous}`);
    dates.push(date);
    symbols.forEach((symbol, column) => {
      const cell = cells[column + 1] as string;
      if (cell === '') {
        values[column]?.push(null);
        return;
      }
      if (!NUMBER.test(cell))
        fail(lineNumber, `return of ${symbol} "${cell}" is not a finite decimal number`);
      values[column]?.push(Number(cell));
    });
  });
  return { dates, symbols, values };
}

/**
 * The columns `symbols` restricted to the dates on which every one of them has a value (an inner
 * join across the columns); `dropped` counts the other dates.
 */
export function completeRows(
  table: DatedColumns,
  symbols: readonly string[],
): { dates: string[]; columns: Float64Array[]; dropped: number } {
  const index = symbols.map((symbol) => table.symbols.indexOf(symbol));
  const keep: number[] = [];
  for (let t = 0; t < table.dates.length; t += 1)
    if (index.every((c) => table.values[c]?.[t] !== null && table.values[c]?.[t] !== undefined)) keep.push(t);
  return {
    dates: keep.map((t) => table.dates[t] as string),
    columns: index.map((c) => Float64Array.from(keep, (t) => table.values[c]?.[t] as number)),
    dropped: table.dates.length - keep.length,
  };
}

/** Walks a JSON document and throws if a number is NaN or ±∞ (JSON.stringify would print null silently). */
export function assertFiniteDocument(value: unknown, path = '$'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`internal: ${path} is ${String(value)} in the JSON output`);
  } else if (Array.isArray(value)) value.forEach((item, i) => assertFiniteDocument(item, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) assertFiniteDocument(item, `${path}.${key}`);
}
