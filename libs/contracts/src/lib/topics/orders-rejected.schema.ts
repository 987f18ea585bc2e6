import { z } from 'zod';
import { positiveDecimalString } from '../decimal-string';
import { isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';
import { clientOrderIdFor, legNumber, orderSide } from './orders-common';

/** Emitted by execution (or api, for an approval refused after the fact) when an order will not be executed. */
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
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

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
    stage: z.enum(['pre-trade', 'broker']),
    code: z.enum(REJECTION_CODES, { error: `must be one of ${REJECTION_CODES.join(', ')}` }),
    /** For people: the values that failed the check (e.g. "order 12,400.00 > max notional 10,000.00"). */
    reason: z.string().min(1),
    rejectedAt: isoDateTimeString,
  })
  .superRefine((payload, context) => {
    const expected = clientOrderIdFor(payload.proposalId, payload.leg);
    if (payload.clientOrderId !== expected) {
      context.addIssue({ code: 'custom', path: ['clientOrderId'], message: `must be "${expected}"` });
    }
  });

export type OrdersRejectedPayload = z.infer<typeof ordersRejectedPayloadSchema>;
