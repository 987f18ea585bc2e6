import { HistorySchedule, quoteBatches } from './poll-schedule';

describe('quoteBatches', () => {
  it('splits the watch list into requests of at most the batch size, in order', () => {
    expect(quoteBatches(['A', 'B', 'C', 'D', 'E'], 2)).toEqual([['A', 'B'], ['C', 'D'], ['E']]);
    expect(quoteBatches(['A', 'B'], 50)).toEqual([['A', 'B']]);
    expect(quoteBatches([], 50)).toEqual([]);
  });

  it('refuses a batch size that would never end', () => {
    expect(() => quoteBatches(['A'], 0)).toThrow('batch size must be a positive integer, got 0');
  });
});

describe('HistorySchedule', () => {
  const hour = 3_600_000;

  it('loads a symbol when it joins the watch list, then again only after the refresh period', () => {
    const schedule = new HistorySchedule(6 * hour);
    expect(schedule.due(['SPY'], 0)).toEqual(['SPY']);
    schedule.loaded('SPY', 0);
    // TLT joins an hour later: its history is due at once, SPY's is not.
    expect(schedule.due(['SPY', 'TLT'], hour)).toEqual(['TLT']);
    schedule.loaded('TLT', hour);
    expect(schedule.due(['SPY', 'TLT'], 2 * hour)).toEqual([]);
    expect(schedule.due(['SPY', 'TLT'], 6 * hour)).toEqual(['SPY']);
  });

  it('forgets a symbol that left the watch list, so that it is loaded again when it comes back', () => {
    const schedule = new HistorySchedule(6 * hour);
    schedule.loaded('SPY', 0);
    schedule.loaded('TLT', 0);
    expect(schedule.due(['SPY'], hour)).toEqual([]);
    expect(schedule.due(['SPY', 'TLT'], 2 * hour)).toEqual(['TLT']);
  });
});
