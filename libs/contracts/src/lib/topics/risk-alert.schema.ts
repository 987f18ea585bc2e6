import { z } from 'zod';
import { isoDateTimeString, uuidString } from '../primitives';

/** Emitted by monitor when a portfolio breaches a risk limit of its policy. */
export const RISK_ALERT_TOPIC = 'risk.alert';
export const RISK_ALERT_SCHEMA_VERSION = 1;
export const RISK_ALERT_KEY = 'portfolioId';

/** The limits a policy may set; each compares one statistic of the risk library with a threshold. */
export const RISK_LIMIT_KINDS = [
  'max-drawdown',
  'annual-volatility',
  'value-at-risk',
  'max-position-weight',
  'tracking-error',
] as const;
export type RiskLimitKind = (typeof RISK_LIMIT_KINDS)[number];

export const riskAlertPayloadSchema = z.object({
  portfolioId: uuidString,
  stateVersion: z.int().positive(),
  asOf: isoDateTimeString,
  limit: z.enum(RISK_LIMIT_KINDS, { error: `must be one of ${RISK_LIMIT_KINDS.join(', ')}` }),
  /** The statistic's value, as a positive fraction (a 12% drawdown is 0.12). */
  value: z.number().finite(),
  /** The policy's limit in the same unit; the alert fires when value > threshold. */
  threshold: z.number().finite(),
  /** The symbol concerned, for per-position limits. */
  symbol: z.string().optional(),
  /** One sentence for people: what was breached, by how much. */
  message: z.string().min(1),
});

export type RiskAlertPayload = z.infer<typeof riskAlertPayloadSchema>;
