export {
  DECIMAL_PRECISION,
  Decimal,
  addExact,
  multiplyExact,
  parseDecimal,
  sumExact,
  toDecimal,
  toDecimalString,
} from './lib/decimal';
export {
  DecimalPrecisionError,
  InvalidBandError,
  InvalidDecimalError,
  InvalidHoldingsError,
  InvalidPriceError,
  InvalidTargetsError,
  MissingPriceError,
  NonPositivePortfolioValueError,
  PortfolioDomainError,
} from './lib/errors';
export {
  type Holdings,
  type Position,
  type PriceQuote,
  type TargetWeight,
  aggregateAccounts,
} from './lib/holdings';
export { type CashValuation, type Valuation, type ValuedHolding, valuePortfolio } from './lib/valuation';
export { TARGET_SUM_TOLERANCE, cashTargetWeight, validateTargets } from './lib/targets';
export { type CashDrift, type DriftReport, type DriftRow, computeDrift } from './lib/drift';
export {
  BAND_TOLERANCE,
  type BandBreach,
  type BandDirection,
  type BandTransition,
  findBandBreaches,
  nextBandState,
} from './lib/bands';
export {
  PricesCsvError,
  type WidePrices,
  type WidePricesRow,
  parseWidePricesCsv,
} from './lib/wide-prices-csv';
export {
  BAND_TARGETS,
  type BandOverride,
  type BandTarget,
  CALENDAR_FREQUENCIES,
  type CalendarFrequency,
  type CalendarPolicy,
  type Sleeve,
  TAX_POLICY_FIELDS,
  InvalidPortfolioFileError,
  PLAN_MODES,
  PORTFOLIO_ACCOUNT_TYPES,
  type PlanMode,
  type PortfolioAccount,
  type PortfolioAccountType,
  type PortfolioFile,
  type PortfolioFileIssue,
  type PortfolioFileIssueCode,
  type PortfolioPolicy,
  type PortfolioTransaction,
  type TaxLot,
  accountHoldings,
  parsePortfolioFile,
} from './lib/portfolio-file';
