import { isMissing, isFiniteNumber } from './numbers';
import { InsufficientDataError, InvalidInputError } from './errors';

/**
 * A wide table of one number per (date, asset): prices or periodic returns. Row-major
 * `values[t * symbols.length + j]`, oldest row first; `NaN` marks a missing observation
 * (an asset not yet listed).
 */
export interface SeriesMatrix {
  readonly symbols: readonly string[];
  readonly dates: readonly string[];
  readonly values: Float64Array;
}

/**
 * Parses the wide CSV `date,SYM1,SYM2,...` (PyPortfolioOpt's tests/resources/stock_prices.csv
 * layout) into a {@link SeriesMatrix}; an empty cell becomes `NaN`. Pure: the caller reads the file.
 * Throws {@link InvalidInputError} on a ragged row or a cell that is not a number,
 * {@link InsufficientDataError} when there is no data row.
 */
export function parseWideCsv(text: string): SeriesMatrix {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) throw new InsufficientDataError('prices CSV', 1, 0);
  const symbols = header
    .split(',')
    .slice(1)
    .map((s) => s.trim());
  const n = symbols.length;
  if (n === 0) throw new InvalidInputError('the CSV header names no column after the date');
  const rows = lines.length - 1;
  if (rows === 0) throw new InsufficientDataError('prices CSV', 1, 0);
  const values = new Float64Array(rows * n);
  const dates: string[] = [];
  for (let t = 0; t < rows; t += 1) {
    const cells = (lines[t + 1] ?? '').split(',');
    if (cells.length !== n + 1) {
      throw new InvalidInputError(`CSV line ${t + 2} has ${cells.length} cells, expected ${n + 1}`);
    }
    dates.push((cells[0] ?? '').trim());
    for (let j = 0; j < n; j += 1) {
      const cell = (cells[j + 1] ?? '').trim();
      if (cell === '') {
        values[t * n + j] = Number.NaN;
        continue;
      }
      const v = Number(cell);
      if (!isFiniteNumber(v)) throw new InvalidInputError(`CSV line ${t + 2}: "${cell}" is not a number`);
      values[t * n + j] = v;
    }
  }
  return { symbols, dates, values };
}

/**
 * Simple periodic returns `r_t = p_t / p_{t-1} - 1` of every column, as pandas
 * `prices.pct_change(fill_method=None).dropna(how="all")` (PyPortfolioOpt, pypfopt/expected_returns.py,
 * `returns_from_prices`): a return is `NaN` when either price is missing, and rows where every
 * return is missing are dropped (the first row always is).
 *
 * Throws {@link InsufficientDataError} with fewer than two price rows, {@link InvalidInputError}
 * for a non-positive or infinite price, or a gap inside a series (a price missing after the
 * series has started: returns across it would be silently wrong).
 */
export function returnsFromPrices(prices: SeriesMatrix): SeriesMatrix {
  const n = prices.symbols.length;
  const rows = prices.values.length / n;
  if (rows < 2) throw new InsufficientDataError('returns from prices', 2, rows);
  const p = prices.values;
  const started = new Uint8Array(n);
  for (let t = 0; t < rows; t += 1) {
    for (let j = 0; j < n; j += 1) {
      const v = p[t * n + j] as number;
      if (isMissing(v)) {
        if (started[j] === 1) {
          throw new InvalidInputError(
            `${prices.symbols[j]}: missing price on ${prices.dates[t] ?? `row ${t}`} inside the series`,
          );
        }
        continue;
      }
      if (!(v > 0) || !isFiniteNumber(v)) {
        throw new InvalidInputError(`${prices.symbols[j]}: price ${v} on ${prices.dates[t] ?? `row ${t}`}`);
      }
      started[j] = 1;
    }
  }
  const out: number[] = [];
  const dates: string[] = [];
  const row = new Float64Array(n);
  for (let t = 1; t < rows; t += 1) {
    let any = false;
    for (let j = 0; j < n; j += 1) {
      const r = (p[t * n + j] as number) / (p[(t - 1) * n + j] as number) - 1;
      row[j] = r;
      if (!isMissing(r)) any = true;
    }
    if (!any) continue;
    for (let j = 0; j < n; j += 1) out.push(row[j] as number);
    dates.push(prices.dates[t] ?? String(t));
  }
  if (dates.length === 0) throw new InsufficientDataError('returns from prices', 1, 0);
  return { symbols: prices.symbols, dates, values: Float64Array.from(out) };
}

/** Number of rows of a {@link SeriesMatrix}. */
export function rowCount(m: SeriesMatrix): number {
  return m.symbols.length === 0 ? 0 : m.values.length / m.symbols.length;
}

/**
 * Validates a returns matrix for the estimators: at least `minRows` rows, no infinity, every
 * column with at least `minRows` observations. Throws {@link InsufficientDataError} or
 * {@link InvalidInputError}.
 */
export function checkReturns(returns: SeriesMatrix, what: string, minRows = 2): void {
  const n = returns.symbols.length;
  if (n === 0) throw new InvalidInputError(`${what}: no asset`);
  if (returns.values.length % n !== 0) throw new InvalidInputError(`${what}: ragged matrix`);
  const rows = returns.values.length / n;
  if (rows < minRows) throw new InsufficientDataError(what, minRows, rows);
  const counts = new Int32Array(n);
  const v = returns.values;
  for (let t = 0; t < rows; t += 1) {
    for (let j = 0; j < n; j += 1) {
      const x = v[t * n + j] as number;
      if (isMissing(x)) continue;
      if (!isFiniteNumber(x))
        throw new InvalidInputError(`${what}: infinite return for ${returns.symbols[j]}`);
      counts[j] = (counts[j] as number) + 1;
    }
  }
  for (let j = 0; j < n; j += 1) {
    if ((counts[j] as number) < minRows) {
      throw new InsufficientDataError(`${what} (${returns.symbols[j]})`, minRows, counts[j] as number);
    }
  }
}
