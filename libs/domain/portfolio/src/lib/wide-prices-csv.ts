/**
 * Reads the wide prices CSV used across Ballast (`date,SYM1,SYM2,...`, one row per trading day,
 * oldest first), the layout of PyPortfolioOpt's and skfolio's bundled datasets. An empty cell
 * means "no price that day" (before a listing, or a holiday of that market). Prices stay decimal
 * strings exactly as written, so that nothing is lost to binary floating point on the way in.
 */
export interface WidePricesRow {
  /** ISO date, `YYYY-MM-DD`. */
  date: string;
  /** Symbol -> price as a decimal string; symbols with an empty cell are absent. */
  prices: ReadonlyMap<string, string>;
}

export interface WidePrices {
  symbols: readonly string[];
  rows: readonly WidePricesRow[];
}

/** A malformed prices file; the message names the line (1-based) and what is wrong. */
export class PricesCsvError extends Error {
  override readonly name = 'PricesCsvError';

  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`prices CSV line ${line}: ${problem}`);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const SYMBOL = /^[A-Z0-9.\-^=]{1,20}$/;

export function parseWidePricesCsv(text: string): WidePrices {
  const lines = text.split(/\r?\n/);
  const header = lines[0];
  if (header === undefined || header.trim() === '') {
    throw new PricesCsvError(1, 'the file is empty; expected a header `date,SYM1,SYM2,...`');
  }
  const columns = header.split(',').map((cell) => cell.trim());
  const symbols = columns.slice(1).map((symbol) => symbol.toUpperCase());
  if (symbols.length === 0) {
    throw new PricesCsvError(1, 'the header names no symbol after the date column');
  }
  const seen = new Set<string>();
  for (const symbol of symbols) {
    if (!SYMBOL.test(symbol)) throw new PricesCsvError(1, `"${symbol}" is not a valid symbol`);
    if (seen.has(symbol)) throw new PricesCsvError(1, `symbol ${symbol} appears twice`);
    seen.add(symbol);
  }

  const rows: WidePricesRow[] = [];
  let previousDate = '';
  lines.slice(1).forEach((line, index) => {
    const lineNumber = index + 2;
    if (line.trim() === '') return;
    const cells = line.split(',');
    if (cells.length !== columns.length) {
      throw new PricesCsvError(lineNumber, `expected ${columns.length} cells, found ${cells.length}`);
    }
    const date = (cells[0] ?? '').trim();
    if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      throw new PricesCsvError(lineNumber, `"${date}" is not a date in YYYY-MM-DD form`);
    }
    if (date <= previousDate) {
      throw new PricesCsvError(lineNumber, `date ${date} is not after the previous row's ${previousDate}`);
    }
    previousDate = date;
    const prices = new Map<string, string>();
    symbols.forEach((symbol, column) => {
      const cell = (cells[column + 1] ?? '').trim();
      if (cell === '') return;
      if (!DECIMAL.test(cell) || Number(cell) <= 0) {
        throw new PricesCsvError(lineNumber, `price of ${symbol} "${cell}" is not a positive decimal number`);
      }
      prices.set(symbol, cell);
    });
    rows.push({ date, prices });
  });
  return { symbols, rows };
}
