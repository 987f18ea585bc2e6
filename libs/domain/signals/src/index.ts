export { type Bar, type IndicatorConfig, IndicatorSuite, type IndicatorSnapshot } from './lib/indicators';
export {
  classifyRegimes,
  DEFAULT_REGIME_THRESHOLDS,
  MARKET_REGIMES,
  type MarketRegime,
  RegimeClassifier,
  type RegimeReading,
  type RegimeThresholds,
} from './lib/regime';
export {
  type AdaptiveBand,
  adaptiveBand,
  adaptPolicyBands,
  type BandedPolicy,
  type AdaptiveBandPolicy,
  DEFAULT_ADAPTIVE_BAND_POLICY,
} from './lib/adaptive-bands';
export {
  DEFAULT_TIMING_POLICY,
  type TimingPolicy,
  type TimingReading,
  type TimingView,
  timingView,
} from './lib/timing';
