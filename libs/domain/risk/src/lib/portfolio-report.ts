import { checkedReadOnly, checkedSeries, checkPositiveInteger, type Series } from './series';
import { DEFAULT_PERIODS_PER_YEAR } from './conventions';
import {
  InsufficientDataError,
  LengthMismatchError,
  UndefinedStatisticError,
  ZeroVarianceError,
} from './errors';
import {
  alphaBeta,
  captureRatio,
  correlation as benchmarkCorrelation,
  downCapture,
  informationRatio,
  trackingError,
  upCapture,
} from './benchmark';
import {
  checkCovariance,
  correlationMatrixOfChecked,
  covarianceOfChecked,
  diversificationRatioOfChecked,
  effectiveNumberOfBetsOfChecked,
  matrixRows,
  riskContributionsOfChecked,
  type SymmetricMatrix,
} from './decomposition';
import { checkDates, weightedReturns } from './portfolio';
import { returnStatistics, type ReturnStatistics, type Statistic } from './report';
import {
  applyShock,
  type DateRangeScenario,
  historicalStressChecked,
  type ShockScenario,
  type StressResult,
} from './stress';

export interface PortfolioReportInput {
  /** One ISO date per return, strictly increasing. */
  dates: readonly string[];
  symbols: readonly string[];
  /** One return series per symbol, on `dates`. */
  assetReturns: readonly Series[];
  /** Fractions of portfolio value, one per symbol; the portfolio is rebalanced to them every period. */
  weights: Series;
  /** Benchmark returns on the same `dates` (align with alignByDate first). */
  benchmark?: Series;
  benchmarkName?: string;
  periodsPerYear?: number;
  /** Per-period risk-free return (Sharpe, alpha); default 0. */
  riskFree?: number;
  /** Per-period minimum acceptable return (Sortino, downside risk); default 0. */
  requiredReturn?: number;
  /** VaR / CVaR confidence; default 0.95. */
  confidence?: number;
  horizon?: number;
  /**
   * Periods (the most recent) over which the covariance, risk contributions, correlation,
   * diversification ratio and ENB are estimated; default all. A 1- to 3-year lookback is the usual
   * risk-model window, and it bounds the O(n²T) covariance for large portfolios over long histories.
   */
  decompositionWindow?: number;
  stress?: { ranges?: readonly DateRangeScenario[]; shocks?: readonly ShockScenario[] };
}

export interface HoldingRisk {
  symbol: string;
  weight: number;
  /** ∂σₚ/∂wᵢ, annualised. */
  marginal: number;
  /** wᵢ ∂σₚ/∂wᵢ; the contributions sum to annualVolatility. */
  contribution: number;
  /** contribution / σₚ; sums to 1. */
  percentage: number;
}

export interface PortfolioRiskReport extends ReturnStatistics {
  startDate: string;
  endDate: string;
  beta: Statistic;
  alpha: Statistic;
  trackingError: Statistic;
  informationRatio: Statistic;
  captureRatio: Statistic;
  upCapture: Statistic;
  downCapture: Statistic;
  /** Correlation of the portfolio with the benchmark. */
  benchmarkCorrelation: Statistic;
  /**
   * Euler risk contributions on the annualised sample covariance of the decomposition window; they sum
   * to the portfolio's annual volatility over that window (annualVolatility when it is the whole series).
   * Null with a reason when σₚ = 0.
   */
  /** First return date and number of periods of the decomposition window. */
  decompositionStartDate: string;
  decompositionPeriods: number;
  riskContributions: HoldingRisk[] | null;
  /** Correlation matrix of the holdings (rows in `symbols` order); null when a holding has zero variance. */
  correlation: { symbols: string[]; matrix: number[][] } | null;
  diversificationRatio: Statistic;
  effectiveNumberOfBets: Statistic;
  stress: StressResult[];
}

/**
 * The whole risk report of a weighted portfolio: the series statistics of its daily-rebalanced
 * return series (see portfolioReturns), the benchmark block when a benchmark is given, the
 * decomposition over the holdings' sample covariance (annualised), and the stress scenarios (worst
 * day, worst 21 periods and largest drawdown of the benchmark, or of the portfolio without one; the
 * given date ranges and shocks). Statistics undefined for this input are null with the reason in
 * `undefinedReasons` (keys as the field names); input errors throw named errors. Never NaN or ±∞.
 */
export function portfolioRiskReport(input: PortfolioReportInput): PortfolioRiskReport {
  const n = input.symbols.length;
  const t = input.dates.length;
  if (n === 0) throw new InsufficientDataError('portfolio risk report', 1, 0);
  if (input.assetReturns.length !== n)
    throw new LengthMismatchError('symbols', n, 'return series', input.assetReturns.length);
  checkDates(input.dates, 'portfolio');
  if (t < 1) throw new InsufficientDataError('portfolio risk report', 1, t);
  const assets = input.assetReturns.map((r, a) => {
    if (r.length !== t)
      throw new LengthMismatchError('dates', t, `${input.symbols[a] as string} returns`, r.length);
    return checkedReadOnly(r, `${input.symbols[a] as string} returns`, 'portfolio risk report');
  });
  const weights = checkedSeries(input.weights, 'weights', 'portfolio risk report');
  const periods = input.periodsPerYear ?? DEFAULT_PERIODS_PER_YEAR;
  const rf = input.riskFree ?? 0;
  if (weights.length !== n) throw new LengthMismatchError('weights', weights.length, 'assets', n);
  // The inputs are checked once above; the decomposition and the stress scenarios reuse them.
  const returns = weightedReturns(assets, weights);
  const stats = returnStatistics(returns, {
    periodsPerYear: periods,
    riskFree: rf,
    requiredReturn: input.requiredReturn ?? 0,
    confidence: input.confidence ?? 0.95,
    horizon: input.horizon ?? 1,
    dates: input.dates,
  });
  const reasons = stats.undefinedReasons;
  const attempt = <T>(key: string, compute: () => T): T | null => {
    try {
      return compute();
    } catch (error) {
      if (
        error instanceof ZeroVarianceError ||
        error instanceof UndefinedStatisticError ||
        error instanceof InsufficientDataError
      ) {
        reasons[key] = error.message;
        return null;
      }
      throw error;
    }
  };
  const benchmarkKeys = [
    'beta',
    'alpha',
    'trackingError',
    'informationRatio',
    'captureRatio',
    'upCapture',
    'downCapture',
    'benchmarkCorrelation',
  ] as const;
  const bench: Record<(typeof benchmarkKeys)[number], Statistic> = {
    beta: null,
    alpha: null,
    trackingError: null,
    informationRatio: null,
    captureRatio: null,
    upCapture: null,
    downCapture: null,
    benchmarkCorrelation: null,
  };
  const b = input.benchmark;
  if (b === undefined) {
    for (const key of benchmarkKeys) reasons[key] = 'no benchmark given';
  } else {
    if (b.length !== t) throw new LengthMismatchError('portfolio returns', t, 'benchmark returns', b.length);
    const opts = { periodsPerYear: periods, riskFree: rf };
    const ab = attempt('beta', () => alphaBeta(returns, b, opts));
    if (ab === null) reasons.alpha = reasons.beta as string;
    bench.beta = ab?.beta ?? null;
    bench.alpha = ab?.alpha ?? null;
    bench.trackingError = attempt('trackingError', () => trackingError(returns, b, opts));
    bench.informationRatio = attempt('informationRatio', () => informationRatio(returns, b, opts));
    bench.captureRatio = attempt('captureRatio', () => captureRatio(returns, b, opts));
    bench.upCapture = attempt('upCapture', () => upCapture(returns, b, opts));
    bench.downCapture = attempt('downCapture', () => downCapture(returns, b, opts));
    bench.benchmarkCorrelation = attempt('benchmarkCorrelation', () => benchmarkCorrelation(returns, b));
  }
  const window = input.decompositionWindow ?? t;
  checkPositiveInteger('decompositionWindow', window);
  const span = Math.min(window, t);
  const windowed = span === t ? assets : assets.map((a) => a.subarray(t - span));
  let annualCov: SymmetricMatrix | null = null;
  if (span < 2) {
    const why = new InsufficientDataError('covariance matrix', 2, span).message;
    for (const key of ['riskContributions', 'correlation', 'diversificationRatio', 'effectiveNumberOfBets'])
      reasons[key] = why;
  } else {
    // Built exactly symmetric (one triangle mirrored) from checked returns, so the decomposition below
    // skips the O(n²) check, with its column-strided reads, that each public function makes of a
    // caller's matrix; only finiteness is left to check (returns near 1e154 overflow their squares),
    // and checkCovariance then throws the error the public functions would.
    const cov = covarianceOfChecked(windowed);
    let finite = true;
    for (let i = 0; i < cov.values.length; i += 1) {
      const v = (cov.values[i] as number) * periods;
      cov.values[i] = v;
      if (!Number.isFinite(v)) finite = false;
    }
    if (!finite) checkCovariance(cov);
    annualCov = cov;
  }
  const cov = annualCov;
  const rc =
    cov === null
      ? null
      : attempt('riskContributions', () => {
          const d = riskContributionsOfChecked(weights, cov);
          return input.symbols.map((symbol, i) => ({
            symbol,
            weight: weights[i] as number,
            marginal: d.marginal[i] as number,
            contribution: d.contributions[i] as number,
            percentage: d.percentages[i] as number,
          }));
        });
  const corr =
    cov === null
      ? null
      : attempt('correlation', () => ({
          symbols: [...input.symbols],
          matrix: matrixRows(correlationMatrixOfChecked(cov)),
        }));
  const dr =
    cov === null ? null : attempt('diversificationRatio', () => diversificationRatioOfChecked(weights, cov));
  const enb =
    cov === null
      ? null
      : attempt('effectiveNumberOfBets', () => effectiveNumberOfBetsOfChecked(weights, cov));
  const stressPortfolio = { dates: input.dates, symbols: input.symbols, returns: assets, weights };
  const stress = historicalStressChecked(stressPortfolio, {
    ...(b === undefined ? {} : { reference: b, referenceName: input.benchmarkName ?? 'benchmark' }),
    ranges: input.stress?.ranges ?? [],
  });
  for (const shock of input.stress?.shocks ?? []) stress.push(applyShock(input.symbols, weights, shock));
  return {
    ...stats,
    startDate: input.dates[0] as string,
    endDate: input.dates[t - 1] as string,
    ...bench,
    decompositionStartDate: input.dates[t - span] as string,
    decompositionPeriods: span,
    riskContributions: rc,
    correlation: corr,
    diversificationRatio: dr,
    effectiveNumberOfBets: enb,
    stress,
    undefinedReasons: reasons,
  };
}
