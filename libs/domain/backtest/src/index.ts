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
  runBacktest,
} from './lib/backtest';
