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
