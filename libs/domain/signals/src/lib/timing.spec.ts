// The timing view's labels and reasons on hand-built indicator snapshots (thresholds of Wilder 1978
// for RSI), and on real SPY closes at two dates whose character is not in doubt: 2008-10-10 (after a
// -18% week, deep below both averages) and 2017-12-29 (the calm 2017 rally).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidParameterError, NonFiniteValueError } from '@ballast/domain-risk';
import { type IndicatorSnapshot, IndicatorSuite, timingView } from '../index';

const snapshot = (over: Partial<IndicatorSnapshot>): IndicatorSnapshot => ({
  bars: 60,
  sma: 100,
  ema: 101,
  macd: { macd: 0.5, signal: 0.3, histogram: 0.2 },
  rsi: 55,
  bollinger: { upper: 104, middle: 100, lower: 96 },
  atr: 1.2,
  ...over,
});

describe('timingView', () => {
  it('trend: above both averages up, below both down, between mixed', () => {
    expect(timingView(102, snapshot({})).trend.label).toBe('up');
    expect(timingView(99, snapshot({})).trend.label).toBe('down');
    expect(timingView(100.5, snapshot({})).trend).toEqual({
      label: 'mixed',
      reason: 'close 100.50 vs SMA 100.00 and EMA 101.00',
    });
  });

  it('momentum: RSI 70/30 first, then the sign of the MACD histogram', () => {
    expect(timingView(102, snapshot({ rsi: 70 })).momentum).toEqual({
      label: 'overbought',
      reason: 'RSI 70.00 ≥ 70',
    });
    expect(timingView(102, snapshot({ rsi: 29.5 })).momentum.label).toBe('oversold');
    expect(timingView(102, snapshot({})).momentum.label).toBe('rising');
    expect(
      timingView(102, snapshot({ macd: { macd: -1, signal: -0.5, histogram: -0.5 } })).momentum.label,
    ).toBe('falling');
  });

  it('volatility: bandwidth 8% is normal, 12% wide; where the close sits', () => {
    expect(timingView(102, snapshot({})).volatility).toEqual({
      label: 'normal',
      reason: 'Bollinger bandwidth 8.00% < 10%; close inside the bands',
    });
    expect(
      timingView(95, snapshot({ bollinger: { upper: 106, middle: 100, lower: 94 } })).volatility.label,
    ).toBe('wide');
  });

  it('before the indicators are stable every reading is null with its reason', () => {
    const view = timingView(100, {
      bars: 3,
      sma: null,
      ema: null,
      macd: null,
      rsi: null,
      bollinger: null,
      atr: null,
    });
    expect(view.trend).toEqual({ label: null, reason: 'SMA or EMA not available yet after 3 bars' });
    expect(view.momentum.label).toBeNull();
    expect(view.volatility.label).toBeNull();
  });

  it('bad input is a named error', () => {
    expect(() => timingView(Number.NaN, snapshot({}))).toThrow(NonFiniteValueError);
    expect(() => timingView(100, snapshot({}), { overbought: 30, oversold: 70, wideBandwidth: 0.1 })).toThrow(
      InvalidParameterError,
    );
  });

  it('SPY: down, oversold and wide on 2008-10-10; up and normal on 2017-12-29', () => {
    const read = (file: string) =>
      readFileSync(path.join(__dirname, '../../../risk/fixtures', file), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','))
        .map(([date, price]) => ({ date: String(date), close: Number(price) }));
    const viewOn = (file: string, date: string) => {
      const suite = new IndicatorSuite();
      let last = 0;
      for (const row of read(file)) {
        if (row.date > date) break;
        suite.add({ close: row.close });
        last = row.close;
      }
      return timingView(last, suite.snapshot());
    };
    const crash = viewOn('spy-2006-2009.csv', '2008-10-10');
    expect([crash.trend.label, crash.momentum.label, crash.volatility.label]).toEqual([
      'down',
      'oversold',
      'wide',
    ]);
    const calm = viewOn('spy-2016-2019.csv', '2017-12-29');
    expect([calm.trend.label, calm.volatility.label]).toEqual(['up', 'normal']);
  });
});
