import { PricesCsvError, type WidePrices, parseWidePricesCsv } from '@ballast/domain-portfolio';
import { type CliContext, CliUsageError, readInputFile } from '../cli-context';

/**
 * Reads a wide prices CSV (`date,SYM1,SYM2,...`) named by an option. A malformed file is a usage
 * error naming the option, the file and the line.
 */
export async function readWidePrices(context: CliContext, option: string, file: string): Promise<WidePrices> {
  const text = await readInputFile(context, option, file);
  try {
    return parseWidePricesCsv(text);
  } catch (error) {
    if (error instanceof PricesCsvError) throw new CliUsageError(`${option} ${file}: ${error.message}`);
    throw error;
  }
}

/**
 * `A,B , c` -> `['A', 'B', 'C']`; an empty list, or a symbol given twice (`spy,SPY`: the optimizer
 * would see two identical columns and call the covariance singular), is a usage error naming the option.
 */
export function parseSymbolList(option: string, value: string): string[] {
  const symbols = value
    .split(',')
    .map((symbol) => symbol.trim().toUpperCase())
    .filter((symbol) => symbol !== '');
  if (symbols.length === 0) throw new CliUsageError(`${option}: expected a comma-separated list of symbols`);
  const twice = symbols.find((symbol, i) => symbols.indexOf(symbol) !== i);
  if (twice !== undefined) throw new CliUsageError(`${option}: ${twice} is given twice`);
  return symbols;
}

/** A finite number option, e.g. `--risk-free 0.02`; anything else is a usage error naming the option. */
export function parseNumberOption(option: string, value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new CliUsageError(`${option}: "${value}" is not a finite number`);
  }
  return parsed;
}

/** `YYYY-MM-DD` that is a real calendar date; anything else is a usage error naming the option. */
export function parseDateOption(option: string, value: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().startsWith(value);
  if (!valid) throw new CliUsageError(`${option}: "${value}" is not a date in YYYY-MM-DD form`);
  return value;
}

/** One day's prices taken from a wide prices file for a plan. */
export interface PricesOnDate {
  /** The row used: the latest on or before the requested date. */
  readonly date: string;
  readonly prices: ReadonlyMap<string, string>;
}

/**
 * The latest row on or before `asOf` (the last row when `asOf` is null); a usage error when the file
 * has no such row.
 */
export function pricesOnOrBefore(
  prices: WidePrices,
  asOf: string | null,
  option: string,
  file: string,
): PricesOnDate {
  const rows = asOf === null ? prices.rows : prices.rows.filter((row) => row.date <= asOf);
  const row = rows[rows.length - 1];
  if (row === undefined) {
    const first = prices.rows[0]?.date;
    throw new CliUsageError(
      first === undefined
        ? `${option} ${file}: the file has no price rows`
        : `${option} ${file}: no row on or before ${asOf ?? ''}; the first row is ${first}`,
    );
  }
  return { date: row.date, prices: row.prices };
}
