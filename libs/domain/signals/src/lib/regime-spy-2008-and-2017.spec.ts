// The regime classifier on real SPY closes (robertmartin8/PyPortfolioOpt tests/resources/spy_prices.csv,
// sliced into libs/domain/risk/fixtures with its MIT licence; read from there rather than copied twice).
// Expectations are the historical record: Lehman's bankruptcy (2008-09-15) and the October 2008 crash
// are a crisis; 2017 was the calmest year of the decade (SPY realised volatility about 7%).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyRegimes, DEFAULT_REGIME_THRESHOLDS } from '../index';

function load(file: string): { dates: string[]; prices: number[] } {
  const rows = readFileSync(path.join(__dirname, '../../../risk/fixtures', file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.split(','));
  return { dates: rows.map((r) => String(r[0])), prices: rows.map((r) => Number(r[1])) };
}

const at = (dates: string[], date: string) => {
  const i = dates.indexOf(date);
  if (i < 0) throw new Error(`no row for ${date}`);
  return i;
};

describe('regime of SPY, 2006-2009', () => {
  const { dates, prices } = load('spy-2006-2009.csv');
  const readings = classifyRegimes(prices);

  it('is null, with the reason, until the 21-day window is full', () => {
    expect(readings[0]?.regime).toBeNull();
    expect(readings[20]?.reason).toBe('needs 22 prices for a 21-period volatility, has 21');
    expect(readings[21]?.regime).not.toBeNull();
  });

  it('classifies the autumn of 2008 as crisis, from Lehman (2008-09-15) through the October crash', () => {
    const lehman = readings[at(dates, '2008-09-15')];
    expect(lehman?.regime).toBe('crisis');
    expect(lehman?.changed).toBe(true);
    expect(lehman?.reason).toMatch(/^escalated from high-vol: drawdown -22\.1% ≤ -20\.0%/);
    for (const date of ['2008-10-10', '2008-10-27', '2008-11-20', '2009-03-09'])
      expect(readings[at(dates, date)]?.regime).toBe('crisis');
    expect(readings[at(dates, '2008-10-10')]?.realizedVolatility).toBeGreaterThan(
      DEFAULT_REGIME_THRESHOLDS.crisisVolAtOrAbove,
    );
  });

  it('was calm before the subprime summer of 2007 and not in crisis at the 2007 top', () => {
    expect(readings[at(dates, '2007-01-03')]?.regime).toBe('low-vol');
    expect(readings[at(dates, '2007-10-09')]?.regime).not.toBe('crisis');
  });

  it('hysteresis: fewer than half the transitions of the same thresholds without it', () => {
    const withHysteresis = readings.filter((r) => r.changed).length;
    const without = classifyRegimes(prices, {
      volatilityHysteresis: 0,
      drawdownHysteresis: 0,
      minDwellPeriods: 1,
    }).filter((r) => r.changed).length;
    expect(withHysteresis).toBe(18);
    expect(without).toBe(45);
    expect(withHysteresis * 2).toBeLessThan(without);
  });

  it('never eases before the minimum dwell', () => {
    readings.forEach((r, i) => {
      const before = readings[i - 1];
      if (r.changed && before?.regime !== null && before !== undefined && /^eased/.test(r.reason))
        expect(before.periodsInRegime).toBeGreaterThanOrEqual(DEFAULT_REGIME_THRESHOLDS.minDwellPeriods);
    });
  });
});

describe('regime of SPY in 2017', () => {
  it('is low-vol on every trading day of 2017', () => {
    const { dates, prices } = load('spy-2016-2019.csv');
    const readings = classifyRegimes(prices);
    const year = readings.filter((_, i) => dates[i]?.startsWith('2017'));
    expect(year).toHaveLength(251);
    expect(year.every((r) => r.regime === 'low-vol')).toBe(true);
  });
});

describe('regime classifier input checks', () => {
  it('rejects bad prices and inconsistent thresholds by name', () => {
    expect(() => classifyRegimes([100, Number.NaN])).toThrow('price[1] is not a finite number (NaN)');
    expect(() => classifyRegimes([100, 0])).toThrow('price[1] must be positive, got 0');
    expect(() => classifyRegimes([100], { lowVolBelow: 0.3 })).toThrow(
      'volatility thresholds must be 0 < lowVolBelow < highVolAtOrAbove < crisisVolAtOrAbove',
    );
    expect(() => classifyRegimes([100], { volatilityWindow: 1 })).toThrow(
      'volatilityWindow must be an integer ≥ 2',
    );
  });
});
