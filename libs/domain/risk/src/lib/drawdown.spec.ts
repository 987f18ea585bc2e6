// Drawdown dates, recovery and the checked input, on hand-computed series (exact arithmetic on
// binary-exact returns).
import { DateMismatchError, LengthMismatchError, maxDrawdown, NonFiniteValueError, beta } from '../index';

describe('maximum drawdown with dates', () => {
  const dates = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];

  it('peak, trough and recovery', () => {
    // wealth 1.25, 1.0, 0.75, 1.0, 1.25: peak after day 0, trough day 2 (-40%), recovered on day 4
    const dd = maxDrawdown([0.25, -0.2, -0.25, 1 / 3, 0.25], { dates });
    expect(dd.maxDrawdown).toBeCloseTo(-0.4, 15);
    expect([dd.peakDate, dd.troughDate, dd.recoveryDate]).toEqual(['2024-01-02', '2024-01-04', '2024-01-08']);
    expect([dd.declinePeriods, dd.recoveryPeriods]).toEqual([2, 2]);
  });

  it('a fall from the first day peaks at the starting wealth (index -1, no date)', () => {
    const dd = maxDrawdown([-0.5, 0.5], { dates: dates.slice(0, 2) });
    expect(dd.maxDrawdown).toBe(-0.5);
    expect(dd.peakIndex).toBe(-1);
    expect(dd.peakDate).toBeNull();
    expect(dd.recoveryIndex).toBeNull();
  });

  it('no drawdown: 0 at the last high', () => {
    const dd = maxDrawdown([0.01, 0.02]);
    expect(dd).toMatchObject({ maxDrawdown: 0, peakIndex: 1, troughIndex: 1, recoveryIndex: null });
  });

  it('bad input: NaN names its index, dates must match', () => {
    expect(() => maxDrawdown([0.01, Number.NaN])).toThrow(new NonFiniteValueError('returns', 1, Number.NaN));
    expect(() => maxDrawdown([0.01, Number.NaN])).toThrow('returns[1] is not a finite number (NaN)');
    expect(() => maxDrawdown([0.01], { dates })).toThrow(LengthMismatchError);
    expect(() =>
      beta([0.01, 0.02], [0.02, 0.01], {
        dates: ['2024-01-02', '2024-01-03'],
        benchmarkDates: ['2024-01-02', '2024-01-04'],
      }),
    ).toThrow(new DateMismatchError(1, '2024-01-03', '2024-01-04'));
    expect(() => beta([0.01, 0.02], [0.02])).toThrow('returns has 2 observations but benchmark has 1');
  });
});
