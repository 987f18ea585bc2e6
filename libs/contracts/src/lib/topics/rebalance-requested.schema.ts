import { z } from 'zod';
import { decimalString } from '../decimal-string';
import { isoDateTimeString, nonEmptyString, uuidString } from '../primitives';

/** A manual or scheduled request to consider rebalancing a portfolio now (api, scheduler). */
export const REBALANCE_REQUESTED_TOPIC = 'rebalance.requested';
export const REBALANCE_REQUESTED_SCHEMA_VERSION = 1;
export const REBALANCE_REQUESTED_KEY = 'portfolioId';

/** The planner's modes (libs/domain/planner); `null` lets the optimizer choose among scenarios. */
export const REBALANCE_MODES = ['full', 'band', 'cash-flow', 'partial'] as const;
export type RebalanceMode = (typeof REBALANCE_MODES)[number];

export const requesterSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), userId: nonEmptyString }),
  z.object({ kind: z.literal('schedule'), schedule: nonEmptyString }),
]);

export const rebalanceRequestedPayloadSchema = z.object({
  portfolioId: uuidString,
  requestId: uuidString,
  requestedBy: requesterSchema,
  requestedAt: isoDateTimeString,
  reason: z.string().min(1, 'say why the rebalance is requested'),
  mode: z.enum(REBALANCE_MODES).nullable().default(null),
  /** A pending deposit (positive) or withdrawal (negative) to invest or raise in one account. */
  cashFlow: z.object({ accountId: nonEmptyString, amount: decimalString }).nullable().default(null),
});

export type Requester = z.infer<typeof requesterSchema>;
export type RebalanceRequestedPayload = z.output<typeof rebalanceRequestedPayloadSchema>;
