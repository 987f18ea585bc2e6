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

/** `A,B , c` -> `['A', 'B', 'C']`; an empty list is a usage error naming the option. */
export function parseSymbolList(option: string, value: string): string[] {
  const symbols = value
    .split(',')
    .map((symbol) => symbol.trim().toUpperCase())
    .filter((symbol) => symbol !== '');
  if (symbols.length === 0) throw new CliUsageError(`${option}: expected a comma-separated list of symbols`);
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
