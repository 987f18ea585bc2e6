export {
  type CorporateActions,
  type Dividend,
  type LeanFactorRow,
  type Split,
  FactorFileError,
  LEAN_DIVIDEND_DECIMALS,
  corporateActionsFromLeanFactorFile,
  parseLeanFactorFile,
} from './lib/corporate-actions';
export { BacktestConfigError } from './lib/errors';
export { type PolicyMetrics, policyMetrics } from './lib/metrics';
export {
  type BacktestInput,
  type BacktestPolicy,
  type BacktestProgress,
  type BacktestResult,
  type FillTiming,
  type PolicyResult,
  type RebalanceEvent,
  type ScheduledCashFlow,
  type TaxPayment,
  runBacktest,
} from './lib/backtest';
export { type AdaptiveBands, type OptimizedTargets, type TargetChange } from './lib/target-sources';
export { type TaxYear } from './lib/tax-book';
