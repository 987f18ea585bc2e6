import { Counter, register } from 'prom-client';

/** Service metrics, served at /metrics; labels are bounded (outcome, limit), never a symbol or a portfolio. */
function counter<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
): Counter<Label> {
  return (
    (register.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter({ name, help, labelNames })
  );
}

export const evaluations = counter(
  'ballast_monitor_evaluations_total',
  'Portfolio evaluations by outcome: evaluated, or blocked by missing-prices, stale-prices, prices-not-aligned, invalid-policy',
  ['outcome'],
);
export const driftEvents = counter(
  'ballast_monitor_drift_detected_total',
  'drift.detected events written',
  [],
);
export const riskAlerts = counter(
  'ballast_monitor_risk_alerts_total',
  'risk.alert events written, by limit',
  ['limit'],
);
export const staleEvents = counter(
  'ballast_monitor_price_stale_total',
  'price.stale events by outcome: recorded, or ignored (a fresher tick was already held)',
  ['outcome'],
);
