// Reference values: Tulip Indicators' worked example (81.59 .. 87.29, period 5), as transcribed in
// trading-signals' own tests (bennycode/trading-signals, packages/trading-signals/src/):
//   trend/SMA/SMA.test.ts @ 054c32b, trend/EMA/EMA.test.ts @ 324c85f, momentum/RSI/RSI.test.ts @ 0260355,
//   momentum/MACD/MACD.test.ts @ 409133d, volatility/BBANDS/BollingerBands.test.ts @ 08ca877,
//   volatility/ATR/ATR.test.ts @ 409133d
// and from there to https://tulipindicators.org (sma, ema, rsi, macd, bbands, atr).
// Tolerance: the rounding those tests use (toFixed(3) for SMA and RSI, toFixed(2) for the others).
import { IndicatorSuite } from '../index';

const candles = [
  { close: 81.59, high: 82.15, low: 81.29 },
  { close: 81.06, high: 81.89, low: 80.64 },
  { close: 82.87, high: 83.03, low: 81.31 },
  { close: 83.0, high: 83.3, low: 82.65 },
  { close: 83.61, high: 83.85, low: 83.07 },
  { close: 83.15, high: 83.9, low: 83.11 },
  { close: 82.84, high: 83.33, low: 82.49 },
  { close: 83.99, high: 84.3, low: 82.3 },
  { close: 84.55, high: 84.84, low: 84.15 },
  { close: 84.36, high: 85.0, low: 84.11 },
  { close: 85.53, high: 85.9, low: 84.03 },
  { close: 86.54, high: 86.58, low: 85.39 },
  { close: 86.89, high: 86.98, low: 85.76 },
  { close: 87.77, high: 88.0, low: 87.17 },
  { close: 87.29, high: 87.87, low: 87.01 },
] as const;

// Expected values from bar index 4 on (RSI from index 5).
const sma = [
  '82.426',
  '82.738',
  '83.094',
  '83.318',
  '83.628',
  '83.778',
  '84.254',
  '84.994',
  '85.574',
  '86.218',
  '86.804',
];
const ema = [
  '82.71',
  '82.86',
  '82.85',
  '83.23',
  '83.67',
  '83.90',
  '84.44',
  '85.14',
  '85.73',
  '86.41',
  '86.70',
];
const rsi = [
  '72.034',
  '64.927',
  '75.936',
  '79.796',
  '74.713',
  '83.033',
  '87.478',
  '88.755',
  '91.483',
  '78.498',
];
const macd = ['0.62', '0.35', '0.11', '0.42', '0.58', '0.42', '0.68', '0.93', '0.89', '0.98', '0.62'];
const signal = ['0.62', '0.56', '0.47', '0.46', '0.49', '0.47', '0.51', '0.60', '0.66', '0.72', '0.70'];
const histogram = [
  '0.00',
  '-0.21',
  '-0.36',
  '-0.05',
  '0.09',
  '-0.05',
  '0.17',
  '0.33',
  '0.24',
  '0.26',
  '-0.08',
];
const lower = [
  '80.53',
  '80.99',
  '82.53',
  '82.47',
  '82.42',
  '82.44',
  '82.51',
  '83.14',
  '83.54',
  '83.87',
  '85.29',
];
const middle = [
  '82.43',
  '82.74',
  '83.09',
  '83.32',
  '83.63',
  '83.78',
  '84.25',
  '84.99',
  '85.57',
  '86.22',
  '86.80',
];
const upper = [
  '84.32',
  '84.49',
  '83.65',
  '84.16',
  '84.84',
  '85.12',
  '86.00',
  '86.85',
  '87.61',
  '88.57',
  '88.32',
];
const atr = ['1.12', '1.05', '1.01', '1.21', '1.14', '1.09', '1.24', '1.23', '1.23', '1.21', '1.14'];

const fixed = (value: number | undefined, digits: number) => value?.toFixed(digits) ?? 'null';

describe('IndicatorSuite on the Tulip Indicators worked example', () => {
  it('streams SMA, EMA, MACD, RSI, Bollinger Bands and ATR bar by bar', () => {
    const suite = new IndicatorSuite({
      smaPeriod: 5,
      emaPeriod: 5,
      macd: { fast: 2, slow: 5, signal: 9 },
      rsiPeriod: 5,
      bollinger: { period: 5, deviations: 2 },
      atrPeriod: 5,
    });
    candles.forEach((bar, i) => {
      const s = suite.add(bar);
      expect(s.bars).toBe(i + 1);
      if (i < 4) {
        expect([s.sma, s.ema, s.macd, s.rsi, s.bollinger, s.atr]).toEqual([
          null,
          null,
          null,
          null,
          null,
          null,
        ]);
        return;
      }
      const k = i - 4;
      expect(fixed(s.sma ?? undefined, 3)).toBe(sma[k]);
      expect(fixed(s.ema ?? undefined, 2)).toBe(ema[k]);
      expect(fixed(s.macd?.macd, 2)).toBe(macd[k]);
      expect(fixed(s.macd?.signal, 2)).toBe(signal[k]);
      expect(fixed(s.macd?.histogram, 2)).toBe(histogram[k]);
      expect(fixed(s.bollinger?.lower, 2)).toBe(lower[k]);
      expect(fixed(s.bollinger?.middle, 2)).toBe(middle[k]);
      expect(fixed(s.bollinger?.upper, 2)).toBe(upper[k]);
      expect(fixed(s.atr ?? undefined, 2)).toBe(atr[k]);
      expect(fixed(s.rsi ?? undefined, 3)).toBe(i < 5 ? 'null' : rsi[i - 5]);
    });
    expect(suite.snapshot().bars).toBe(candles.length);
  });

  it('rejects a NaN price naming the bar, and leaves the state unchanged', () => {
    const suite = new IndicatorSuite({ smaPeriod: 2 });
    suite.add({ close: 10 });
    expect(() => suite.add({ close: Number.NaN })).toThrow('bar.close[1] is not a finite number (NaN)');
    expect(suite.add({ close: 12 }).sma).toBe(11);
  });

  it('rejects a bar with high below low and a non-integer period', () => {
    expect(() => new IndicatorSuite().add({ close: 10, high: 9, low: 11 })).toThrow('high ≥ low');
    expect(() => new IndicatorSuite({ rsiPeriod: 2.5 })).toThrow(
      'rsiPeriod must be a positive integer, got 2.5',
    );
  });
});
