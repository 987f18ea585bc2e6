/**
 * When a market's regular session is open, for stale-price detection (a price cannot go stale while
 * nothing trades). Defaults describe the NYSE regular session: 09:30-16:00 America/New_York, Monday
 * to Friday, except full-day holidays. Early closes (13:00 on the day after Thanksgiving, Christmas
 * Eve) are not modelled: a price is then only judged against the normal close, which errs on the
 * side of reporting staleness. Any other market (a 24/7 crypto venue, an exchange in another zone) is
 * a configuration: its time zone, session, trading weekdays and holidays.
 */
export interface MarketCalendarSettings {
  /** IANA time zone of the session times, e.g. `America/New_York`. */
  timeZone: string;
  /** Minutes after local midnight: open inclusive, close exclusive (24:00 = 1440). */
  openMinute: number;
  closeMinute: number;
  /** Local weekdays with a session, 0 = Sunday .. 6 = Saturday. */
  weekdays: ReadonlySet<number>;
  /** Local dates (`YYYY-MM-DD`) without a session. */
  holidays: ReadonlySet<string>;
}

export class MarketCalendarError extends Error {
  override readonly name = 'MarketCalendarError';
}

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * NYSE full-day closures 2025-2027 as published by NYSE ("Holidays & Trading Hours"), including the
 * 2025-01-09 national day of mourning; Saturday holidays are observed the Friday before and Sunday
 * ones the Monday after. Extend or replace with MARKET_HOLIDAYS.
 */
export const NYSE_HOLIDAYS_2025_2027 = [
  '2025-01-01', '2025-01-09', '2025-01-20', '2025-02-17', '2025-04-18', '2025-05-26', '2025-06-19',
  '2025-07-04', '2025-09-01', '2025-11-27', '2025-12-25',
  '2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19', '2026-07-03',
  '2026-09-07', '2026-11-26', '2026-12-25',
  '2027-01-01', '2027-01-18', '2027-02-15', '2027-03-26', '2027-05-31', '2027-06-18', '2027-07-05',
  '2027-09-06', '2027-11-25', '2027-12-24',
] as const; // prettier-ignore

/** `HH:MM-HH:MM` (24:00 allowed as a close) into minutes after midnight. */
export function parseSession(text: string): { openMinute: number; closeMinute: number } {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text.trim());
  if (match === null) throw new MarketCalendarError(`session "${text}" is not HH:MM-HH:MM`);
  const [openHours, openMinutes, closeHours, closeMinutes] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const openMinute = openHours * 60 + openMinutes;
  const closeMinute = closeHours * 60 + closeMinutes;
  if (openMinutes > 59 || closeMinutes > 59 || openMinute >= 1440 || closeMinute > 1440) {
    throw new MarketCalendarError(`session "${text}" has a time outside 00:00-24:00`);
  }
  if (openMinute >= closeMinute) {
    throw new MarketCalendarError(`session "${text}" closes before it opens`);
  }
  return { openMinute, closeMinute };
}

/** `mon,tue,...` (three-letter English names, any case) into weekday numbers. */
export function parseWeekdays(text: string): Set<number> {
  const days = new Set<number>();
  for (const name of text.split(',').map((part) => part.trim().toLowerCase())) {
    const index = WEEKDAY_NAMES.indexOf(name as (typeof WEEKDAY_NAMES)[number]);
    if (index < 0)
      throw new MarketCalendarError(`weekday "${name}" is not one of ${WEEKDAY_NAMES.join(', ')}`);
    days.add(index);
  }
  return days;
}

export class MarketCalendar {
  private readonly format: Intl.DateTimeFormat;

  constructor(private readonly settings: MarketCalendarSettings) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: settings.timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      throw new MarketCalendarError(`time zone "${settings.timeZone}" is not a known IANA time zone`);
    }
  }

  /** Whether the regular session is open at this instant. */
  isOpen(atMillis: number): boolean {
    const local = this.localTime(atMillis);
    if (!this.settings.weekdays.has(local.weekday) || this.settings.holidays.has(local.date)) return false;
    return local.minute >= this.settings.openMinute && local.minute < this.settings.closeMinute;
  }

  /** The local date, weekday and minute of the day at an instant, in the market's time zone. */
  localTime(atMillis: number): { date: string; weekday: number; minute: number } {
    const parts = Object.fromEntries(
      this.format.formatToParts(new Date(atMillis)).map((part) => [part.type, part.value]),
    ) as Record<string, string>;
    return {
      date: `${parts['year']}-${parts['month']}-${parts['day']}`,
      weekday: WEEKDAY_NAMES.indexOf(
        (parts['weekday'] ?? '').toLowerCase() as (typeof WEEKDAY_NAMES)[number],
      ),
      minute: Number(parts['hour']) * 60 + Number(parts['minute']),
    };
  }
}
