// Golden values: PyPortfolioOpt tests/test_expected_returns.py at commit 057114aa (the release
// line whose defaults are frequency 252, compounding on, CAPM risk-free 0.02), on its own
// tests/resources/stock_prices.csv (fixtures/, MIT). `assert_array_almost_equal` there means
// |error| < 1.5e-6; we hold 1e-6 (and 1e-12 where the reference prints full double precision).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  capmReturn,
  emaHistoricalReturn,
  meanHistoricalReturn,
  parseWideCsv,
  returnsFromPrices,
} from '../index';
import { InsufficientDataError, InvalidInputError } from './errors';
import { spyReturnsAligned, stockReturns } from '../testing/pyportfolioopt-data';

const fixtures = join(__dirname, '../../fixtures');
const stockCsv = readFileSync(join(fixtures, 'stock_prices.csv'), 'utf8');
const returns = stockReturns(stockCsv);

function expectClose(actual: Float64Array, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] as number) - e)).toBeLessThan(tolerance));
}

describe('returnsFromPrices on stock_prices.csv', () => {
  it('has 7125 rows of 20 assets (test_returns_dataframe)', () => {
    expect(returns.symbols).toHaveLength(20);
    expect(returns.dates).toHaveLength(7125);
    expect(returns.values.every((r) => Number.isNaN(r) || r <= 1)).toBe(true);
  });

  it('rejects one-row prices and a gap inside a series', () => {
    expect(() => returnsFromPrices(parseWideCsv('date,A\n2020-01-01,1\n'))).toThrow(InsufficientDataError);
    expect(() =>
      returnsFromPrices(parseWideCsv('date,A\n2020-01-01,1\n2020-01-02,\n2020-01-03,2\n')),
    ).toThrow(InvalidInputError);
    expect(() => returnsFromPrices(parseWideCsv('date,A\n2020-01-01,1\n2020-01-02,0\n'))).toThrow(
      'invalid input: A: price 0 on 2020-01-02',
    );
  });
});

describe('meanHistoricalReturn', () => {
  it('matches test_mean_historical_returns (CAGR, frequency 252)', () => {
    expectClose(
      meanHistoricalReturn(returns).values,
      [
        0.247967, 0.294304, 0.284037, 0.1923164, 0.371327, 0.1360093, 0.0328503, 0.1200115, 0.10554,
        0.0423457, 0.1002559, 0.1442237, -0.0792602, 0.1430506, 0.0736356, 0.238835, 0.388665, 0.226717,
        0.1561701, 0.2318153,
      ],
      1e-6,
    );
  });

  it('matches test_mean_historical_returns_dummy (frequency 1, both compounding modes)', () => {
    const dummy = returnsFromPrices(
      parseWideCsv(
        'date,A,B,C,D\nd0,4.0,2.0,0.6,12\nd1,4.2,2.1,0.59,13.2\nd2,3.9,2.0,0.58,11.3\nd3,4.3,2.1,0.62,11.7\nd4,4.1,2.2,0.63,10.1\n',
      ),
    );
    // The reference's 4th column is negative prices (-12, -13.2, ...); a price must be positive
    // here, and the simple returns of the negated series are identical, so the answers are too.
    expectClose(
      meanHistoricalReturn(dummy, { frequency: 1 }).values,
      [0.0061922, 0.0241137, 0.0122722, -0.0421775],
      1e-7,
    );
    expectClose(
      meanHistoricalReturn(dummy, { frequency: 1, compounding: false }).values,
      [0.008656, 0.025, 0.0128697, -0.03632333],
      1e-7,
    );
  });

  it('arithmetic mean scales with frequency (test_mean_historical_returns_frequency)', () => {
    const a = meanHistoricalReturn(returns, { compounding: false }).values;
    const b = meanHistoricalReturn(returns, { compounding: false, frequency: 52 }).values;
    a.forEach((v, i) => expect(Math.abs(v / 252 - (b[i] as number) / 52)).toBeLessThan(1e-15));
  });
});

describe('emaHistoricalReturn', () => {
  it('tends to the arithmetic mean as span grows (test_ema_historical_return_limit)', () => {
    const sma = meanHistoricalReturn(returns, { compounding: false }).values;
    const ema = emaHistoricalReturn(returns, { compounding: false, span: 1e10 }).values;
    sma.forEach((v, i) => expect(Math.abs(v - (ema[i] as number))).toBeLessThan(1.5e-6));
  });

  it('scales with frequency when not compounding (test_ema_historical_return_frequency)', () => {
    const a = emaHistoricalReturn(returns, { compounding: false }).values;
    const b = emaHistoricalReturn(returns, { compounding: false, frequency: 52 }).values;
    a.forEach((v, i) => expect(Math.abs(v / 252 - (b[i] as number) / 52)).toBeLessThan(1e-15));
  });
});

describe('capmReturn', () => {
  it('matches test_capm_no_benchmark (equal-weight market, risk-free 0.02)', () => {
    expectClose(
      capmReturn(returns).values,
      [
        0.22148462799238577, 0.2835429647498704, 0.14693081977908462, 0.1488989354304723, 0.4162399750335195,
        0.22716772604184535, 0.3970337136813829, 0.16733214988182069, 0.31791477659742146,
        0.17279931642386534, 0.15271750464365566, 0.351778014382922, 0.32859883451716376, 0.1501938182844417,
        0.268295486802897, 0.31632339201710874, 0.27753479916328516, 0.16959588523287855, 0.3089119447773357,
        0.2558719211959501,
      ],
      1e-12,
    );
  });

  it('matches test_capm_with_benchmark (SPY, compounding)', () => {
    const spyCsv = readFileSync(join(fixtures, 'spy_prices.csv'), 'utf8');
    const marketReturns = spyReturnsAligned(returns, spyCsv);
    const mu = capmReturn(returns, { marketReturns }).values;
    expectClose(
      mu,
      [
        0.09115799375654746, 0.09905386632033128, 0.05676282405265752, 0.06291827346436336,
        0.13147799781014877, 0.10239088012000815, 0.1311567086884512, 0.07339649698626659, 0.1301248935078549,
        0.07620949056643983, 0.07629095442513395, 0.12163575425541985, 0.10400070536161658,
        0.0781736030988492, 0.09185177050469516, 0.10245700691271296, 0.11268307946677197,
        0.07870087187919145, 0.1275598841214107, 0.09536788741392595,
      ],
      1e-12,
    );
    const arithmetic = capmReturn(returns, { marketReturns, compounding: false }).values;
    arithmetic.forEach((v, i) => expect(v).toBeGreaterThanOrEqual(mu[i] as number));
  });
});
