/**
 * Corporate actions (cash dividends and splits) for a backtest over raw, unadjusted closes, and
 * their derivation from a QuantConnect Lean factor file.
 */

/** A cash dividend: holders of record at the close before `exDate` receive `amountPerShare`. */
export interface Dividend {
  readonly symbol: string;
  /** ISO date `YYYY-MM-DD`: the first trading day the raw close trades without the dividend. */
  readonly exDate: string;
  /**
   * Decimal string, per share held after any split with the same date (the unit of the ex-date's
   * raw close).
   */
  readonly amountPerShare: string;
}

/** A split: on `date` each share becomes `ratio` shares (2 = 2-for-1, 0.1 = 1-for-10). */
export interface Split {
  readonly symbol: string;
  /** ISO date `YYYY-MM-DD`: the first trading day the raw close is quoted in post-split shares. */
  readonly date: string;
  readonly ratio: number;
}

export interface CorporateActions {
  /** Sorted by ex-date, then symbol. */
  readonly dividends: readonly Dividend[];
  /** Sorted by date, then symbol. */
  readonly splits: readonly Split[];
}

/** A factor file this module cannot read; the message names the symbol and the line (1-based). */
export class FactorFileError extends Error {
  override readonly name = 'FactorFileError';

  constructor(
    readonly symbol: string,
    readonly line: number,
    problem: string,
  ) {
    super(`factor file of ${symbol}, line ${line}: ${problem}`);
  }
}

/** One row of a Lean factor file (Lean's `FactorFileRow`). */
export interface LeanFactorRow {
  /** 1-based line in the file. */
  readonly line: number;
  /** ISO date `YYYY-MM-DD`. */
  readonly date: string;
  readonly priceFactor: number;
  readonly splitFactor: number;
  /** Raw close on `date`; 0 when the file has no fourth column. */
  readonly referencePrice: number;
}

/** Decimal places kept in a derived dividend amount (see corporateActionsFromLeanFactorFile). */
export const LEAN_DIVIDEND_DECIMALS = 6;

/** Largest denominator tried when a split ratio is snapped to a fraction p/q. */
const MAX_SPLIT_DENOMINATOR = 10;
/**
 * Relative tolerance of that snap. Lean writes split factors with 7 or 8 significant digits
 * (AAPL's `0.0178571` for 1/56), so consecutive factors give ratios such as 2.0000056 or 6.9999972.
 */
const SPLIT_SNAP_TOLERANCE = 1e-5;

const ROW_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const NUMBER = /^\d+(\.\d+)?$/;

/**
 * Parses a Lean factor file: lines `yyyymmdd,priceFactor,splitFactor[,referencePrice]`, dates
 * strictly increasing, the last row conventionally the `20501231,1,1,0` sentinel. Blank lines are
 * skipped; rows whose price factor or split factor is zero are dropped, as Lean does
 * (QuantConnect/Lean, Common/Data/Auxiliary/FactorFileRow.cs, `Parse`).
 *
 * Throws FactorFileError on a malformed row, on non-increasing dates, and on the exponent or `inf`
 * factors of extreme reverse-splitters (Lean drops those rows and moves the security's first date
 * forward; this reader refuses them rather than guess).
 */
export function parseLeanFactorFile(symbol: string, csvText: string): LeanFactorRow[] {
  const rows: LeanFactorRow[] = [];
  csvText.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    const cells = text.split(',').map((cell) => cell.trim());
    if (cells.length < 3 || cells.length > 4) {
      throw new FactorFileError(symbol, line, `expected 3 or 4 cells, found ${cells.length}`);
    }
    const [dateCell = '', priceCell = '', splitCell = '', referenceCell = '0'] = cells;
    if (/inf|e\+/i.test(text)) {
      throw new FactorFileError(symbol, line, `"${text}": infinite or exponent factors are not supported`);
    }
    const date = isoDate(dateCell);
    if (date === null)
      throw new FactorFileError(symbol, line, `"${dateCell}" is not a date in yyyymmdd form`);
    for (const [name, cell] of [
      ['price factor', priceCell],
      ['split factor', splitCell],
      ['reference price', referenceCell],
    ] as const) {
      if (!NUMBER.test(cell))
        throw new FactorFileError(symbol, line, `${name} "${cell}" is not a decimal number`);
    }
    const previous = rows[rows.length - 1];
    if (previous !== undefined && date <= previous.date) {
      throw new FactorFileError(
        symbol,
        line,
        `date ${date} is not after the previous row's ${previous.date}`,
      );
    }
    const row = {
      line,
      date,
      priceFactor: Number(priceCell),
      splitFactor: Number(splitCell),
      referencePrice: Number(referenceCell),
    };
    if (row.priceFactor > 0 && row.splitFactor > 0) rows.push(row);
  });
  return rows;
}

/**
 * The dividends and splits a Lean factor file encodes, dated on the trading days of `rawCloses`.
 *
 * Semantics (QuantConnect/Lean, Common/Data/Auxiliary/FactorFile.cs and FactorFileRow.cs, Dividend.cs):
 * - A row dated D carries the factors of every day after the previous row's date up to and including
 *   D (`GetPriceScaleFactor`: the first row dated on or after the day); days after the last row
 *   (the 2050 sentinel) have factors 1. Lean's adjusted close is raw close x priceFactor x splitFactor.
 * - A row whose factors differ from the next row's marks an event whose ex-date is the trading day
 *   after D (`GetDividend`/`GetSplit` use `GetNextTradingDay(Date)`); D is the last day at the old
 *   factors and the row's reference price is the raw close on D.
 * - Dividend: with C the reference price and pf, pf' this row's and the next row's price factors,
 *   pf / pf' = (C - amount) / C, so amount = C x (1 - pf / pf') (`Dividend.ComputeDistribution`).
 *   Lean rounds that to 2 decimals; this keeps LEAN_DIVIDEND_DECIMALS so that re-applying the
 *   dividends reproduces the file's factors to about 1e-9 per event. The factors carry 7 significant
 *   digits, so only about 4 decimals of the amount are real (SPY 2020-03-20: 1.405551, published
 *   1.4056).
 * - Split: with sf, sf' this row's and the next row's split factors, ratio = sf' / sf (Lean's own
 *   `Split.SplitFactor` is the inverse, sf / sf', 0.5 for a 2-for-1), snapped to a fraction p/q with
 *   q <= 10 within a relative 1e-5, since the file rounds the factors (AAPL 2005: 2.0000056 -> 2).
 *   A dividend on the same date is converted to post-split shares (amount / ratio).
 *
 * Dating: when D is a day of `rawCloses`, the ex-date is the next day of `rawCloses` (Lean asks its
 * exchange calendar; the prices are that calendar here). Events with D before the first raw close or
 * on or after the last one fall outside the price history and are left out. When D lies inside the
 * history but is missing from it (a gap in the data, such as QQQ's 2004-12 .. 2011-03 in Lean's
 * sample), the ex-date is the next weekday after D, which misses exchange holidays.
 *
 * The reference price is the file's (the price the factors were computed from); for the first row,
 * whose fourth column is a placeholder (`1`), or a three-column file, it is the raw close on D.
 *
 * Throws FactorFileError for a malformed file (see parseLeanFactorFile), a price factor that rises
 * into the next row (a negative dividend), or an event without a reference price.
 */
export function corporateActionsFromLeanFactorFile(
  symbol: string,
  csvText: string,
  rawCloses: ReadonlyMap<string, number | string>,
): CorporateActions {
  const rows = parseLeanFactorFile(symbol, csvText);
  const tradingDays = [...rawCloses.keys()].sort();
  const firstDay = tradingDays[0];
  const lastDay = tradingDays[tradingDays.length - 1];
  const dividends: Dividend[] = [];
  const splits: Split[] = [];
  if (firstDay === undefined || lastDay === undefined) return { dividends, splits };

  rows.forEach((row, index) => {
    const next = rows[index + 1];
    if (next === undefined) return;
    if (row.priceFactor === next.priceFactor && row.splitFactor === next.splitFactor) return;
    if (row.date < firstDay || row.date >= lastDay) return;
    const exDate = rawCloses.has(row.date) ? dayAfter(tradingDays, row.date) : nextWeekday(row.date);
    if (exDate === undefined) return;

    let ratio = 1;
    if (row.splitFactor !== next.splitFactor) {
      ratio = snapSplitRatio(next.splitFactor / row.splitFactor);
      splits.push({ symbol, date: exDate, ratio });
    }
    if (row.priceFactor !== next.priceFactor) {
      if (row.priceFactor > next.priceFactor) {
        throw new FactorFileError(
          symbol,
          row.line,
          `price factor ${row.priceFactor} is above the next row's ${next.priceFactor} (a negative dividend)`,
        );
      }
      const referencePrice = referencePriceOf(symbol, row, index === 0, rawCloses);
      const amount = (referencePrice * (1 - row.priceFactor / next.priceFactor)) / ratio;
      const amountPerShare = decimalString(amount, LEAN_DIVIDEND_DECIMALS);
      if (amountPerShare !== '0') dividends.push({ symbol, exDate, amountPerShare });
    }
  });
  return { dividends, splits };
}

function referencePriceOf(
  symbol: string,
  row: LeanFactorRow,
  isFirstRow: boolean,
  rawCloses: ReadonlyMap<string, number | string>,
): number {
  if (!isFirstRow && row.referencePrice > 0) return row.referencePrice;
  const close = Number(rawCloses.get(row.date));
  if (close > 0) return close;
  throw new FactorFileError(symbol, row.line, `no reference price and no raw close on ${row.date}`);
}

function snapSplitRatio(ratio: number): number {
  for (let denominator = 1; denominator <= MAX_SPLIT_DENOMINATOR; denominator++) {
    const numerator = Math.round(ratio * denominator);
    if (numerator >= 1 && Math.abs(numerator / denominator - ratio) <= SPLIT_SNAP_TOLERANCE * ratio) {
      return numerator / denominator;
    }
  }
  return Number(ratio.toPrecision(8));
}

/** `amount` rounded half away from zero to `decimals` places, trailing zeros trimmed. */
function decimalString(amount: number, decimals: number): string {
  const fixed = amount.toFixed(decimals);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function isoDate(yyyymmdd: string): string | null {
  const match = ROW_DATE.exec(yyyymmdd);
  if (match === null) return null;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}

/** The first element of sorted `days` after `day`. */
function dayAfter(days: readonly string[], day: string): string | undefined {
  let low = 0;
  let high = days.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((days[middle] ?? '') <= day) low = middle + 1;
    else high = middle;
  }
  return days[low];
}

function nextWeekday(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  do date.setUTCDate(date.getUTCDate() + 1);
  while (date.getUTCDay() === 0 || date.getUTCDay() === 6);
  return date.toISOString().slice(0, 10);
}
