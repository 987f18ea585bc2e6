/**
 * Holding period of US capital assets (26 U.S.C. 1222; IRS Publication 550, "Holding Period"):
 * a gain or loss is long-term when the asset was held MORE than one year. The count starts the day
 * after the trade date and includes the day of disposal, so shares bought on 2023-03-10 are
 * long-term when sold on 2024-03-11 or later, short-term on 2024-03-10.
 *
 * Leap years: the one-year mark of a 29 February purchase is 28 February of the next year (the last
 * day of that February), so such shares become long-term on 1 March.
 *
 * Dates are ISO calendar dates (`YYYY-MM-DD`), the trade dates brokers report; no time zones.
 */
export type HoldingTerm = 'short' | 'long';

/** A date string that is not a real calendar date in `YYYY-MM-DD` form. */
export class InvalidTradeDateError extends Error {
  override readonly name = 'InvalidTradeDateError';

  constructor(
    readonly field: string,
    readonly value: string,
  ) {
    super(`${field}: "${value}" is not a calendar date in YYYY-MM-DD form`);
  }
}

/** A disposal dated before the acquisition it disposes of. */
export class DisposalBeforeAcquisitionError extends Error {
  override readonly name = 'DisposalBeforeAcquisitionError';

  constructor(acquiredOn: string, disposedOn: string) {
    super(`disposed on ${disposedOn}, before the shares were acquired on ${acquiredOn}`);
  }
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function parseTradeDate(value: string, field = 'date'): CalendarDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) throw new InvalidTradeDateError(field, value);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new InvalidTradeDateError(field, value);
  }
  return { year, month, day };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function format({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The one-year mark: same month and day a year later, or the last day of that month if it has fewer days. */
export function oneYearAfter(acquiredOn: string): string {
  const date = parseTradeDate(acquiredOn, 'acquiredOn');
  return format({
    ...date,
    year: date.year + 1,
    day: Math.min(date.day, daysInMonth(date.year + 1, date.month)),
  });
}

/** The first disposal date that is long-term: the day after the one-year mark. */
export function longTermFrom(acquiredOn: string): string {
  const mark = parseTradeDate(oneYearAfter(acquiredOn));
  const next = new Date(Date.UTC(mark.year, mark.month - 1, mark.day + 1));
  return format({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() });
}

/**
 * Short- or long-term for shares acquired on `acquiredOn` and disposed of on `disposedOn`.
 *
 * @throws InvalidTradeDateError for a malformed or impossible date (2023-02-30).
 * @throws DisposalBeforeAcquisitionError when `disposedOn` precedes `acquiredOn`.
 */
export function holdingTerm(acquiredOn: string, disposedOn: string): HoldingTerm {
  parseTradeDate(disposedOn, 'disposedOn');
  if (disposedOn < acquiredOn) throw new DisposalBeforeAcquisitionError(acquiredOn, disposedOn);
  return disposedOn >= longTermFrom(acquiredOn) ? 'long' : 'short';
}
