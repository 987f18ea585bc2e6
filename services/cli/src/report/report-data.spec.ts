import { event, input, policy, result, weekdays } from '../testing/backtest-result.builder';
import { MAX_POINTS, reportData, samplingBuckets } from './report-data';

describe('reportData', () => {
  it('keeps every day of a short run', () => {
    const dates = weekdays('2015-01-05', MAX_POINTS);
    const data = reportData(result([policy('hold', dates)]), input([{ name: 'hold' }]));
    expect(data.sampling).toBe('daily');
    expect(data.dates).toEqual(dates);
  });

  it('thins a nine-year run to the last day of each week, first and last days kept, deepest drawdown kept', () => {
    const dates = weekdays('2008-01-02', 2250);
    // A dip of one day on a Wednesday, back the next day: a weekly close alone would miss it.
    const dip = dates.indexOf('2010-06-09');
    const value = (t: number) => (t === dip ? 80_000 : 100_000 + t);
    const data = reportData(result([policy('hold', dates, value)]), input([{ name: 'hold' }]));
    expect(data.sampling).toBe('weekly');
    expect(data.dates.length).toBeGreaterThan(440);
    expect(data.dates.length).toBeLessThan(480);
    expect(data.dates[0]).toBe(dates[0]);
    expect(data.dates[data.dates.length - 1]).toBe(dates[dates.length - 1]);
    expect(data.dates).toContain('2010-06-11'); // that week's Friday
    expect(data.dates).not.toContain('2010-06-09');
    const hold = data.policies[0];
    // The dip from the previous day's value, 100 000 + dip - 1, to 80 000.
    expect(Math.min(...(hold?.drawdown ?? []))).toBeCloseTo(80_000 / (100_000 + dip - 1) - 1, 6);
    expect(data.years).toEqual(['2008', '2009', '2010', '2011', '2012', '2013', '2014', '2015', '2016']);
  });

  it('thins a run of more weeks than the limit to month ends', () => {
    const dates = weekdays('1990-01-02', 5 * 52 * 16);
    const { sampling, buckets } = samplingBuckets(dates);
    expect(sampling).toBe('monthly');
    expect(buckets.length).toBeLessThanOrEqual(MAX_POINTS);
    // Consecutive, covering every day once.
    expect(buckets[0]).toEqual({ first: 0, last: 0 });
    buckets.slice(1).forEach((bucket, i) => expect(bucket.first).toBe((buckets[i]?.last ?? 0) + 1));
    expect(buckets[buckets.length - 1]?.last).toBe(dates.length - 1);
  });

  it('takes cash flows out of the drawdown (a deposit is no recovery, a withdrawal no loss)', () => {
    const dates = weekdays('2015-01-05', 10);
    // Flat markets; 10 000 withdrawn on day 3 (dated a Saturday: it arrives on Monday, as in the backtest).
    const value = (t: number) => (t < 5 ? 100_000 : 90_000);
    const data = reportData(
      result([policy('hold', dates, value)]),
      input([{ name: 'hold' }], {
        cashFlows: [{ date: '2015-01-10', account: 'taxable', amount: '-10000' }],
      }),
    );
    expect(data.policies[0]?.drawdown.every((d) => d === 0)).toBe(true);
  });

  it('takes targets and bands from the household with each policy override, the planner narrowest-band rule', () => {
    const dates = weekdays('2015-01-05', 5);
    const data = reportData(
      result([policy('hold', dates), policy('bands', dates), policy('none', dates)]),
      input([
        { name: 'hold', rebalance: false, policy: { bands: { absolute: 0.05 } } },
        { name: 'bands', policy: { mode: 'band', bands: { absolute: 0.05, relative: 0.1 } } },
        { name: 'none' },
      ]),
    );
    const [hold, bands, none] = data.policies;
    expect(hold?.targets).toEqual({ AAA: 0.6, BBB: 0.4 });
    expect(hold?.bands).toEqual({ AAA: 0.05, BBB: 0.05 });
    // min(0.05, 0.1 × 0.6) and min(0.05, 0.1 × 0.4).
    expect(bands?.bands['AAA']).toBeCloseTo(0.05, 12);
    expect(bands?.bands['BBB']).toBeCloseTo(0.04, 12);
    expect(none?.bands).toEqual({ AAA: null, BBB: null });
    // Weight 0.594 against 0.6, 0.396 against 0.4.
    expect(hold?.drift['AAA']?.[0]).toBeCloseTo(-0.006, 6);
    expect(hold?.drift['BBB']?.[0]).toBeCloseTo(-0.004, 6);
  });

  it('gives one-way turnover per calendar year from the events filled in it', () => {
    const dates = weekdays('2015-12-28', 10);
    const data = reportData(
      result([
        policy('monthly', dates, () => 100_000, {
          events: [
            event({ date: '2015-12-30', filledOn: '2015-12-31', traded: 20_000 }),
            event({ date: '2015-12-31', filledOn: '2016-01-04', traded: 5_000 }),
          ],
        }),
      ]),
      input([{ name: 'monthly' }]),
    );
    expect(data.years).toEqual(['2015', '2016']);
    expect(data.policies[0]?.turnoverByYear).toEqual([0.1, 0.025]);
    expect(data.hasTaxByYear).toBe(false);
    expect(data.policies[0]?.taxByYear).toBeNull();
  });

  it('refuses a result whose policy is not in the configuration', () => {
    const dates = weekdays('2015-01-05', 5);
    expect(() => reportData(result([policy('other', dates)]), input([{ name: 'hold' }]))).toThrow(
      'policy "other" of the result is not in the configuration',
    );
  });
});
