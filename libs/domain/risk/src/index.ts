export {
  DateMismatchError,
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  NonFiniteValueError,
  RiskError,
  UndefinedStatisticError,
  ZeroVarianceError,
} from './lib/errors';
export { DEFAULT_PERIODS_PER_YEAR, type PeriodOptions, type RiskFreeOptions } from './lib/conventions';
export type { Series } from './lib/series';
export { normalDensity, normalQuantile } from './lib/normal';
export { annualReturn, annualVolatility, cumulativeReturn, cumulativeReturns } from './lib/returns';
export {
  calmarRatio,
  downsideRisk,
  omegaRatio,
  type OmegaOptions,
  type RequiredReturnOptions,
  sharpeRatio,
  sortinoRatio,
  tailRatio,
} from './lib/ratios';
export { drawdownSeries, maxDrawdown, type MaxDrawdown } from './lib/drawdown';
export { excessKurtosis, skewness } from './lib/distribution';
export { conditionalValueAtRisk, valueAtRisk, type VarMethod, type VarOptions } from './lib/value-at-risk';
export {
  type AlignedOptions,
  alpha,
  alphaBeta,
  beta,
  captureRatio,
  correlation,
  downCapture,
  informationRatio,
  trackingError,
  upCapture,
} from './lib/benchmark';
export {
  checkCovariance,
  correlationMatrix,
  covarianceMatrix,
  diversificationRatio,
  effectiveNumberOfBets,
  matrixRows,
  riskContributions,
  type RiskContributions,
  type SymmetricMatrix,
} from './lib/decomposition';
export { RunningCovariance, RunningDrawdown, RunningMoments } from './lib/streaming';
export {
  returnStatistics,
  type ReturnStatistics,
  type ReturnStatisticsOptions,
  type Statistic,
} from './lib/report';
