import { z } from 'zod';
import { positiveDecimalString } from '../decimal-string';
import { isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';
import { clientOrderIdFor, legNumber, orderSide } from './orders-common';

/**
 * Emitted by execution when an order will not be executed (stage `pre-trade` or `broker`), and by
 * api for every leg of a proposal it will not send at all (stage `approval`: the ledger changed
 * after the proposal was computed, code `ledger-changed`).
 */
export const ORDERS_REJECTED_TOPIC = 'orders.rejected';
export const ORDERS_REJECTED_SCHEMA_VERSION = 1;
export const ORDERS_REJECTED_KEY = 'portfolioId';

/** Why an order was not executed; `stage` says who refused it. */
export const REJECTION_CODES = [
  'insufficient-cash',
  'insufficient-holdings',
  'max-order-notional',
  'price-collar',
  'halted',
  'restricted',
  'kill-switch',
  'expired',
  'stale-price',
  'broker-rejected',
  'outcome-unknown',
  'ledger-changed',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/** Who refused: execution's checks, the broker, or the api before anything was sent. */
export const REJECTION_STAGES = ['pre-trade', 'broker', 'approval'] as const;
export type RejectionStage = (typeof REJECTION_STAGES)[number];

export const ordersRejectedPayloadSchema = z
  .object({
    proposalId: uuidString,
    portfolioId: uuidString,
    leg: legNumber,
    clientOrderId: nonEmptyString,
    accountId: nonEmptyString,
    symbol: tickerSymbol,
    side: orderSide,
    quantity: positiveDecimalString,
    stage: z.enum(REJECTION_STAGES, { error: `must be one of ${REJECTION_STAGES.join(', ')}` }),
    code: z.enum(REJECTION_CODES, { error: `must be one of ${REJECTION_CODES.join(', ')}` }),
    /** For people: the values that failed the check (e.g. "order 12,400.00 > max notional 10,000.00"). */
    reason: z.string().min(1),
    rejectedAt: isoDateTimeString,
    /**
     * Code `ledger-changed` only: the ledger version the proposal was computed from. Optional (added
     * after v1; older producers leave it out), always together with `ledgerVersion`.
     */
    stateVersion: z.int().positive().optional(),
    /**
     * Code `ledger-changed` only: the ledger's version when the proposal was refused. A consumer that
     * holds an older snapshot (portfolio.state is another topic, not ordered with this one) knows
     * from it that a newer version is on its way and should wait for it before acting.
     */
    ledgerVersion: z.int().positive().optional(),
  })
  .superRefine((payload, context) => {
    const expected = clientOrderIdFor(payload.proposalId, payload.leg);
    if (payload.clientOrderId !== expected) {
      context.addIssue({ code: 'custom', path: ['clientOrderId'], message: `must be "${expected}"` });
    }
    const { stateVersion, ledgerVersion } = payload;
    if ((stateVersion === undefined) !== (ledgerVersion === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [stateVersion === undefined ? 'stateVersion' : 'ledgerVersion'],
        message: 'stateVersion and ledgerVersion are both set or both absent',
      });
      return;
    }
    if (stateVersion === undefined || ledgerVersion === undefined) return;
    if (payload.code !== 'ledger-changed') {
      context.addIssue({
        code: 'custom',
        path: ['stateVersion'],
        message: `only a ledger-changed rejection carries versions (code is ${payload.code})`,
      });
    }
    // The ledger only moves forward: a refusal for a changed ledger names a newer version.
    if (ledgerVersion <= stateVersion) {
      context.addIssue({
        code: 'custom',
        path: ['ledgerVersion'],
        message: `must be after stateVersion ${stateVersion} (got ${ledgerVersion})`,
      });
    }
  });

export type OrdersRejectedPayload = z.infer<typeof ordersRejectedPayloadSchema>;
