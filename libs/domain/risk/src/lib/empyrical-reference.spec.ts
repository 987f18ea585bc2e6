// Golden values from empyrical's own test expectations.
//
// Source A: quantopian/empyrical, empyrical/tests/test_stats.py @ 0a9fa5848a3ed519be0f514df9e3a04fb7b37ad3.
// Source B: the later revision of the same file (empyrical 0.5.x: value_at_risk, capture, corrected
//   weekly/monthly Sortino), as vendored verbatim in anfederico/gemini, empyrical/tests/test_stats.py
//   @ b324416ccce6586710cb09e051cb521b072a81b0.
// Tolerance: numpy assert_almost_equal with the decimals the test uses (DECIMAL_PLACES = 8 unless noted),
// i.e. |Δ| < 1.5e-8. Where empyrical answers NaN or ±∞ we assert the named error instead.
import {
  allNegativeReturns,
  dfOne,
  dfTwo,
  expectAlmostEqual,
  flatLine1,
  mixedReturnsDropped,
  mixedReturnsZeroed,
  monthlyReturns,
  negativeReturns,
  oneReturn,
  positiveReturns,
  simpleBenchmark,
  weeklyReturns,
} from '../testing/empyrical-fixtures';
import {
  alphaBeta,
  annualReturn,
  annualVolatility,
  beta,
  calmarRatio,
  captureRatio,
  conditionalValueAtRisk,
  cumulativeReturn,
  cumulativeReturns,
  downCapture,
  downsideRisk,
  InsufficientDataError,
  informationRatio,
  maxDrawdown,
  omegaRatio,
  sharpeRatio,
  sortinoRatio,
  tailRatio,
  UndefinedStatisticError,
  upCapture,
  valueAtRisk,
  ZeroVarianceError,
} from '../index';

const WEEKLY = { periodsPerYear: 52 };
const MONTHLY = { periodsPerYear: 12 };
const minus = (a: readonly number[], b: readonly number[]) => a.map((x, i) => x - (b[i] as number));

describe('empyrical test_cum_returns / test_cum_returns_final (source A, 4 decimals)', () => {
  it('mixed_returns from 0 and from 100, negative_returns', () => {
    const expected0 = [0.0, 0.01, 0.111, 0.066559, 0.08789, 0.12052, 0.14293, 0.15436, 0.03893];
    const expected100 = [
      100.0, 101.0, 111.1, 106.65599, 108.78912, 112.05279, 114.29384, 115.43678, 103.8931,
    ];
    const expectedNeg = [0.0, -0.06, -0.1258, -0.13454, -0.21243, -0.22818, -0.27449, -0.33253, -0.3659];
    cumulativeReturns(mixedReturnsZeroed).forEach((v, i) => expectAlmostEqual(v, expected0[i] as number, 4));
    cumulativeReturns(mixedReturnsZeroed, 100).forEach((v, i) =>
      expectAlmostEqual(v, expected100[i] as number, 4),
    );
    cumulativeReturns(negativeReturns).forEach((v, i) => expectAlmostEqual(v, expectedNeg[i] as number, 4));
    expectAlmostEqual(cumulativeReturn(oneReturn), 0.01, 4);
    expectAlmostEqual(cumulativeReturn(mixedReturnsZeroed), 0.03893, 4);
    expectAlmostEqual(cumulativeReturn(negativeReturns), -0.3659, 4);
    expect(() => cumulativeReturn([])).toThrow(InsufficientDataError);
  });
});

describe('empyrical test_max_drawdown (source B)', () => {
  it.each([
    ['one_return', oneReturn, 0],
    ['simple_benchmark', simpleBenchmark, 0],
    ['mixed_returns', mixedReturnsZeroed, -0.1],
    ['positive_returns', positiveReturns, 0],
    ['negative_returns', negativeReturns, -0.365907303498736],
    ['[10, -10, 10] / 100', [0.1, -0.1, 0.1], -0.1],
  ])('%s', (_name, returns, expected) => {
    expectAlmostEqual(maxDrawdown(returns).maxDrawdown, expected);
  });

  it('all_negative_returns: the drawdown is the cumulative return (cum_returns_final)', () => {
    expectAlmostEqual(maxDrawdown(allNegativeReturns).maxDrawdown, cumulativeReturn(allNegativeReturns));
  });

  it('empty_returns: empyrical NaN, here InsufficientDataError', () => {
    expect(() => maxDrawdown([])).toThrow('maximum drawdown needs at least 1 observations, got 0');
  });
});

describe('empyrical test_annual_ret and test_cagr (source A)', () => {
  it.each([
    ['mixed_returns, daily', mixedReturnsZeroed, {}, 1.9135925373194231],
    ['weekly_returns, weekly', weeklyReturns, WEEKLY, 0.24690830513998208],
    ['monthly_returns, monthly', monthlyReturns, MONTHLY, 0.052242061386048144],
    ['one_return, daily (test_cagr)', oneReturn, {}, 11.274002099240244],
    [
      'flat_line_1_tz (1000 × 1%), daily (test_cagr)',
      new Array<number>(1000).fill(0.01),
      {},
      11.274002099240256,
    ],
    ['[3, 3, 3] / 100, yearly (test_cagr)', [0.03, 0.03, 0.03], { periodsPerYear: 1 }, 0.03],
  ])('%s', (_name, returns, options, expected) => {
    expectAlmostEqual(annualReturn(returns, options), expected);
  });
});

describe('empyrical test_annual_volatility (source A)', () => {
  it.each([
    ['flat_line_1_tz, daily', new Array<number>(1000).fill(0.01), {}, 0.0],
    ['mixed_returns, daily', mixedReturnsDropped, {}, 0.9136465399704637],
    ['weekly_returns, weekly', weeklyReturns, WEEKLY, 0.38851569394870583],
    ['monthly_returns, monthly', monthlyReturns, MONTHLY, 0.18663690238892558],
  ])('%s', (_name, returns, options, expected) => {
    expectAlmostEqual(annualVolatility(returns, options), expected);
  });
});

describe('empyrical test_calmar (source A)', () => {
  it.each([
    ['mixed_returns, daily', mixedReturnsZeroed, {}, 19.135925373194233],
    ['weekly_returns, weekly', weeklyReturns, WEEKLY, 2.4690830513998208],
    ['monthly_returns, monthly', monthlyReturns, MONTHLY, 0.52242061386048144],
  ])('%s', (_name, returns, options, expected) => {
    expectAlmostEqual(calmarRatio(returns, options), expected);
  });

  it('one_return: empyrical NaN (no drawdown), here UndefinedStatisticError', () => {
    expect(() => calmarRatio(oneReturn)).toThrow('Calmar ratio is undefined: the series has no drawdown');
  });
});

describe('empyrical test_omega (source A)', () => {
  it.each([
    [
      'mixed_returns, rf 0, required 10',
      mixedReturnsDropped,
      { riskFree: 0, requiredReturn: 10 },
      0.83354263497557934,
    ],
    ['mixed_returns, rf flat_line_1, required 0', mixedReturnsDropped, { riskFree: 0.01 }, 0.8125],
    ['positive_returns, rf 0.011', positiveReturns, { riskFree: 0.011 }, 1.125],
    ['positive_returns, rf 0.02', positiveReturns, { riskFree: 0.02 }, 0.0],
    ['negative_returns, rf 0.01', negativeReturns, { riskFree: 0.01 }, 0.0],
  ])('%s', (_name, returns, options, expected) => {
    expectAlmostEqual(omegaRatio(returns, options), expected);
  });

  it('the NaN cases are named errors', () => {
    expect(() => omegaRatio(oneReturn)).toThrow(InsufficientDataError);
    expect(() => omegaRatio(mixedReturnsDropped, { requiredReturn: -10 })).toThrow(
      'requiredReturn must be greater than -1, got -10',
    );
    expect(() => omegaRatio(positiveReturns, { riskFree: 0.01 })).toThrow(
      'Omega ratio is undefined: no return is below the threshold',
    );
  });
});

describe('empyrical test_sharpe_ratio (source A)', () => {
  it.each([
    ['mixed_returns, rf 0', mixedReturnsDropped, 1.7238613961706866],
    // risk_free = simple_benchmark, element by element: the Sharpe ratio of the difference.
    [
      'mixed_returns, rf simple_benchmark',
      minus(mixedReturnsDropped, simpleBenchmark.slice(1)),
      0.34111411441060574,
    ],
    ['positive_returns', positiveReturns, 52.915026221291804],
    ['negative_returns', negativeReturns, -24.406808633910085],
  ])('%s', (_name, returns, expected) => {
    expectAlmostEqual(sharpeRatio(returns), expected);
  });

  it('one_return (NaN), mixed minus itself (NaN) and flat_line_1 (+∞) are named errors', () => {
    expect(() => sharpeRatio(oneReturn)).toThrow('Sharpe ratio needs at least 2 observations, got 1');
    expect(() => sharpeRatio(minus(mixedReturnsDropped, mixedReturnsDropped))).toThrow(ZeroVarianceError);
    expect(() => sharpeRatio(flatLine1)).toThrow('Sharpe ratio is undefined: returns has zero variance');
  });
});

describe('empyrical test_downside_risk (source A; same values in source B)', () => {
  it.each([
    ['one_return, 0', oneReturn, 0, {}, 0.0],
    ['mixed_returns, 0', mixedReturnsDropped, 0, {}, 0.60448325038829653],
    ['mixed_returns, 0.1', mixedReturnsDropped, 0.1, {}, 1.7161730681956295],
    ['weekly_returns, 0', weeklyReturns, 0, WEEKLY, 0.25888650451930134],
    ['weekly_returns, 0.1', weeklyReturns, 0.1, WEEKLY, 0.7733045971672482],
    ['monthly_returns, 0', monthlyReturns, 0, MONTHLY, 0.1243650540411842],
    ['monthly_returns, 0.1', monthlyReturns, 0.1, MONTHLY, 0.37148351242013422],
    ['df_simple.one', dfOne, 0, {}, 0.20671788246185202],
    ['df_simple.two', dfTwo, 0, {}, 0.083495680595704475],
    ['df_week.one', dfOne, 0, WEEKLY, 0.093902996054410062],
    ['df_week.two', dfTwo, 0, WEEKLY, 0.037928477556776516],
    ['df_month.one', dfOne, 0, MONTHLY, 0.045109540184877193],
    ['df_month.two', dfTwo, 0, MONTHLY, 0.018220251263412916],
  ])('%s', (_name, returns, requiredReturn, options, expected) => {
    expectAlmostEqual(downsideRisk(returns, { ...options, requiredReturn }), expected);
  });
});

describe('empyrical test_sortino (source B)', () => {
  it.each([
    ['mixed_returns, 0', mixedReturnsDropped, 0, {}, 2.605531251673693],
    ['mixed_returns, flat_line_1', mixedReturnsDropped, 0.01, {}, -1.3934779588919977],
    ['negative_returns, 0', negativeReturns, 0, {}, -13.532743075043401],
    ['weekly_returns, 0', weeklyReturns, 0, WEEKLY, 1.1158901056866439],
    ['monthly_returns, 0', monthlyReturns, 0, MONTHLY, 0.53605626741889756],
    ['df_simple.one', dfOne, 0, {}, 3.0639640966566306],
    ['df_simple.two', dfTwo, 0, {}, 38.090963117002495],
    ['df_week.one', dfOne, 0, WEEKLY, 1.3918264112070571],
    ['df_week.two', dfTwo, 0, WEEKLY, 17.303077589064618],
    ['df_month.one', dfOne, 0, MONTHLY, 0.6686117809312383],
    ['df_month.two', dfTwo, 0, MONTHLY, 8.3121296084492844],
  ])('%s', (_name, returns, requiredReturn, options, expected) => {
    expectAlmostEqual(sortinoRatio(returns, { ...options, requiredReturn }), expected);
  });

  it('positive_returns and simple_benchmark (+∞ in empyrical) and one_return (NaN) are named errors', () => {
    const message = 'Sortino ratio is undefined: no return is below the required return';
    expect(() => sortinoRatio(positiveReturns)).toThrow(message);
    expect(() => sortinoRatio(simpleBenchmark)).toThrow(message);
    expect(() => sortinoRatio(oneReturn)).toThrow(InsufficientDataError);
  });
});

describe('empyrical test_excess_sharpe / test_information_ratio (source A/B), per period', () => {
  const zeros = new Array<number>(8).fill(0);
  const flat = new Array<number>(8).fill(0.01);
  it('mixed_returns against 0 and against flat_line_1', () => {
    expectAlmostEqual(
      informationRatio(mixedReturnsDropped, zeros, { periodsPerYear: 1 }),
      0.10859306069076737,
    );
    expectAlmostEqual(
      informationRatio(mixedReturnsDropped, flat, { periodsPerYear: 1 }),
      -0.06515583641446039,
    );
  });

  it('annualised by √252 by default', () => {
    expectAlmostEqual(informationRatio(mixedReturnsDropped, zeros), 0.10859306069076737 * Math.sqrt(252));
  });
});

describe('empyrical test_alpha_beta / test_alpha / test_beta (source A)', () => {
  it('mixed_returns against negative_returns[1:]', () => {
    const { alpha, beta: b } = alphaBeta(mixedReturnsDropped, negativeReturns.slice(1));
    expectAlmostEqual(alpha, -8.306666666666668);
    expectAlmostEqual(b, -0.71296296296296313);
  });

  it('mixed_returns against itself and its negation', () => {
    const same = alphaBeta(mixedReturnsDropped, mixedReturnsDropped);
    expectAlmostEqual(same.alpha, 0);
    expectAlmostEqual(same.beta, 1);
    const inverse = alphaBeta(
      mixedReturnsDropped,
      mixedReturnsDropped.map((x) => -x),
    );
    expectAlmostEqual(inverse.alpha, 0);
    expectAlmostEqual(inverse.beta, -1);
  });

  it('against flat_line_1 (NaN in empyrical) and one_return are named errors', () => {
    expect(() => beta(mixedReturnsDropped, flatLine1.slice(1))).toThrow(
      'beta is undefined: benchmark has zero variance',
    );
    expect(() => alphaBeta(oneReturn, oneReturn)).toThrow(InsufficientDataError);
  });
});

describe('empyrical test_tail_ratio (source A, 1 decimal as there)', () => {
  it('mixed_returns and one_return', () => {
    expectAlmostEqual(tailRatio(mixedReturnsDropped), 0.9473684210526313, 1);
    expectAlmostEqual(tailRatio(oneReturn), 1.0, 1);
  });

  // empyrical's expectation is only asserted to 1 decimal; the exact value of the same formula, computed
  // with numpy 2.4.6: abs(np.percentile(r, 95)) / abs(np.percentile(r, 5)) for r = mixed_returns without NaN.
  it('equals numpy.percentile(linear) to 1e-12', () => {
    expect(Math.abs(tailRatio(mixedReturnsDropped) - 0.9556962025316452)).toBeLessThan(1e-12);
  });
});

describe('empyrical test_capture_ratio / test_up_capture / test_down_capture (source B)', () => {
  it('capture ratio', () => {
    expectAlmostEqual(captureRatio(oneReturn, oneReturn), 1);
    expectAlmostEqual(captureRatio(mixedReturnsZeroed, mixedReturnsZeroed), 1);
    expectAlmostEqual(captureRatio(allNegativeReturns, mixedReturnsZeroed), -0.52257643222960259);
  });

  it('down capture', () => {
    expectAlmostEqual(downCapture(mixedReturnsZeroed, mixedReturnsZeroed), 1);
    expectAlmostEqual(downCapture(allNegativeReturns, mixedReturnsZeroed), 0.99956025703798634);
    expectAlmostEqual(downCapture(positiveReturns, mixedReturnsZeroed), -11.27400221);
    expect(() => downCapture(oneReturn, oneReturn)).toThrow(
      'down capture is undefined: no benchmark period qualifies',
    );
  });

  it('up capture and up/down capture', () => {
    expectAlmostEqual(upCapture(mixedReturnsZeroed, mixedReturnsZeroed), 1);
    expectAlmostEqual(upCapture(positiveReturns, mixedReturnsZeroed), 0.0076167762);
    expectAlmostEqual(upCapture(allNegativeReturns, mixedReturnsZeroed), -0.0004336328);
    // test_up_down_capture
    const upDown = (r: number[]) => upCapture(r, mixedReturnsZeroed) / downCapture(r, mixedReturnsZeroed);
    expectAlmostEqual(upDown(positiveReturns), -0.0006756053495);
    expectAlmostEqual(upDown(allNegativeReturns), -0.0004338236);
  });
});

describe('empyrical test_value_at_risk / test_conditional_value_at_risk (source B)', () => {
  // cutoff c in empyrical is 1 - confidence here. Cutoffs 0 and 1 (the min and the max) are outside
  // our open interval for confidence and are not transcribed.
  it('value_at_risk([1, 2]) at cutoff 0.3', () => {
    expectAlmostEqual(valueAtRisk([1, 2], { confidence: 0.7 }), 1.3);
  });

  it.each([
    [0.9, 41],
    [0.8, 81],
    [0.7, 81.5],
  ])('value_at_risk([1, 81, 82, 83, 84, 85]) at confidence %s', (confidence, expected) => {
    expectAlmostEqual(valueAtRisk([1, 81, 82, 83, 84, 85], { confidence }), expected);
  });

  // The CVaR test's rule, applied to the deterministic series above: the mean of the returns at or
  // below the VaR (empyrical draws 21 random normals there).
  it.each([
    [0.9, 1],
    [0.8, 41],
    [0.7, 41],
  ])(
    'conditional_value_at_risk([1, 81, ..., 85]) at confidence %s is the mean at or below VaR',
    (confidence, expected) => {
      const returns = [1, 81, 82, 83, 84, 85];
      const v = valueAtRisk(returns, { confidence });
      const tail = returns.filter((x) => x <= v + 1e-9);
      expectAlmostEqual(tail.reduce((a, b) => a + b, 0) / tail.length, expected);
      expectAlmostEqual(conditionalValueAtRisk(returns, { confidence }), expected);
    },
  );
});

describe('undefined cases never leak NaN', () => {
  it('a too-short series is an InsufficientDataError, not NaN', () => {
    expect(() => annualVolatility(oneReturn)).toThrow(InsufficientDataError);
    expect(() => sortinoRatio([])).toThrow(InsufficientDataError);
  });

  it('a capture against a benchmark without up periods is undefined', () => {
    expect(() => upCapture(negativeReturns, negativeReturns)).toThrow(UndefinedStatisticError);
  });
});
