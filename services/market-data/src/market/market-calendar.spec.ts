import {
  MarketCalendar,
  MarketCalendarError,
  NYSE_HOLIDAYS_2025_2027,
  parseSession,
  parseWeekdays,
} from './market-calendar';

const nyse = new MarketCalendar({
  timeZone: 'America/New_York',
  ...parseSession('09:30-16:00'),
  weekdays: parseWeekdays('mon,tue,wed,thu,fri'),
  holidays: new Set(NYSE_HOLIDAYS_2025_2027),
});
const at = (iso: string) => Date.parse(iso);

describe('MarketCalendar (NYSE regular session)', () => {
  it.each([
    // Winter (EST, UTC-5): 09:30 New York is 14:30 UTC.
    ['2025-01-15T14:29:59Z', false, 'one second before the winter open'],
    ['2025-01-15T14:30:00Z', true, 'the winter open'],
    ['2025-01-15T20:59:59Z', true, 'just before the winter close'],
    ['2025-01-15T21:00:00Z', false, 'the winter close (exclusive)'],
    // Summer (EDT, UTC-4): 09:30 New York is 13:30 UTC.
    ['2025-07-15T13:30:00Z', true, 'the summer open'],
    ['2025-07-15T19:59:00Z', true, 'the last minute of a summer session'],
    ['2025-07-15T20:00:00Z', false, 'the summer close'],
    // The day DST starts (2025-03-09 is a Sunday) and the Monday after.
    ['2025-03-10T13:30:00Z', true, 'the first EDT open'],
    ['2025-03-10T14:29:00Z', true, 'an hour into the first EDT session'],
    ['2025-01-18T16:00:00Z', false, 'a Saturday'],
    ['2025-01-19T16:00:00Z', false, 'a Sunday'],
    ['2025-07-04T15:00:00Z', false, 'Independence Day'],
    ['2026-04-03T15:00:00Z', false, 'Good Friday 2026'],
    ['2025-01-09T15:00:00Z', false, 'the 2025 national day of mourning'],
  ])('%s is open: %s (%s)', (iso, open) => {
    expect(nyse.isOpen(at(iso))).toBe(open);
  });

  it('reads the local date in the market time zone, not in UTC', () => {
    // 02:00 UTC on the 16th is still the 15th in New York.
    expect(nyse.localTime(at('2025-01-16T02:00:00Z'))).toEqual({
      date: '2025-01-15',
      weekday: 3,
      minute: 21 * 60,
    });
  });

  it('describes a 24/7 market with a 00:00-24:00 session every day', () => {
    const always = new MarketCalendar({
      timeZone: 'UTC',
      ...parseSession('00:00-24:00'),
      weekdays: parseWeekdays('sun,mon,tue,wed,thu,fri,sat'),
      holidays: new Set(),
    });
    expect(always.isOpen(at('2025-01-18T00:00:00Z'))).toBe(true);
    expect(always.isOpen(at('2025-01-18T23:59:59Z'))).toBe(true);
  });

  it.each([
    ['9:30-16:00', 'is not HH:MM-HH:MM'],
    ['16:00-09:30', 'closes before it opens'],
    ['09:30-24:01', 'outside 00:00-24:00'],
    ['09:75-16:00', 'outside 00:00-24:00'],
  ])('refuses the session %s', (text, message) => {
    expect(() => parseSession(text)).toThrow(message);
  });

  it('refuses an unknown weekday and an unknown time zone', () => {
    expect(() => parseWeekdays('mon,funday')).toThrow('weekday "funday"');
    expect(
      () =>
        new MarketCalendar({
          timeZone: 'Mars/Olympus',
          openMinute: 0,
          closeMinute: 60,
          weekdays: new Set([1]),
          holidays: new Set(),
        }),
    ).toThrow(MarketCalendarError);
  });
});
