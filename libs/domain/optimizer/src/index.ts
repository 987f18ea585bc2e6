export * from './lib/errors';
export { parseWideCsv, returnsFromPrices, rowCount, type SeriesMatrix } from './lib/price-matrix';
export {
  alignByDate,
  capmReturn,
  type CapmOptions,
  emaHistoricalReturn,
  type ExpectedReturns,
  meanHistoricalReturn,
  type ReturnOptions,
} from './lib/expected-returns';
export {
  ewmLast,
  exponentialCovariance,
  type FrequencyOptions,
  pairwiseMoments,
  type RiskModel,
  sampleCovariance,
  semicovariance,
} from './lib/covariance';
export { ledoitWolf, type LedoitWolfTarget, oracleApproximatingShrinkage } from './lib/shrinkage';
export { fixNonPositiveSemidefinite, isPositiveSemidefinite, NON_PSD_WARNING } from './lib/psd';
export { boxQpKktResiduals, type BoxQp, type BoxQpSolution, solveBoxQp } from './lib/active-set-qp';
export {
  efficientReturn,
  efficientRisk,
  maxQuadraticUtility,
  maxSharpe,
  type MeanVarianceInput,
  minVolatility,
  type OptimizationResult,
  type PortfolioPerformance,
  portfolioPerformance,
  type WeightBounds,
} from './lib/mean-variance';
export { riskBudgeting, riskContributions, type RiskParityResult } from './lib/risk-parity';
export {
  clusterVariance,
  covarianceToCorrelation,
  hierarchicalRiskParity,
  type HrpResult,
  type LinkageRow,
  quasiDiagonalOrder,
  singleLinkage,
} from './lib/hrp';
export {
  assertNoConstantSeries,
  type BlackLittermanRequest,
  EXPECTED_RETURN_MODELS,
  type ExpectedReturnModel,
  type FallbackStep,
  OBJECTIVES,
  type ObjectiveName,
  optimizePortfolio,
  type OptimizeReport,
  type OptimizeRequest,
  RISK_MODELS,
  type RiskModelName,
  shortHistoryWarnings,
  singularCovarianceReason,
} from './lib/optimize-portfolio';
export {
  absoluteViews,
  type BlackLittermanPosterior,
  blackLittermanPosterior,
  type BlackLittermanViews,
  blackLittermanWeights,
  defaultOmega,
  idzorekOmega,
  marketImpliedPriorReturns,
  marketImpliedRiskAversion,
  relativeViews,
  solveLinear,
} from './lib/black-litterman';
export {
  findConflictingConstraints,
  type GeneralQp,
  type HighsLike,
  type LinearRow,
  solveGeneralQp,
} from './lib/general-qp';
export {
  type ConstrainedObjective,
  needsGeneralSolver,
  optimizeWithConstraints,
  type PortfolioConstraints,
} from './lib/constrained';
