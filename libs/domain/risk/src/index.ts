export {
  DateMismatchError,
  InsufficientDataError,
  InvalidParameterError,
  LengthMismatchError,
  NoOverlappingDatesError,
  NonFiniteValueError,
  RiskError,
  UndefinedStatisticError,
  UnknownSymbolError,
  UnsortedDatesError,
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
export { symmetricEigenProjection, type EigenProjection } from './lib/symmetric-eigen';
export {
  alignByDate,
  type AssetPrices,
  type AssetReturns,
  assetReturnsFromPrices,
  checkDates,
  type DateIntersection,
  intersectDates,
  portfolioReturns,
} from './lib/portfolio';
export {
  applyShock,
  type DateRangeScenario,
  historicalStress,
  type HistoricalStressOptions,
  type ShockScenario,
  type StressDriver,
  type StressKind,
  type StressPortfolio,
  type StressResult,
  worstWindow,
} from './lib/stress';
export {
  type HoldingRisk,
  portfolioRiskReport,
  type PortfolioReportInput,
  type PortfolioRiskReport,
} from './lib/portfolio-report';
