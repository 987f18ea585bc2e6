import { z } from 'zod';
import { currencyCode } from '../currency';
import { compareDecimalSum, compareDecimals } from '../decimal-sum';
import { nonNegativeDecimalString, positiveDecimalString } from '../decimal-string';
import { reportDuplicates } from '../duplicates';
import { isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';
import { clientOrderIdFor, legNumber, orderSide } from './orders-common';

/**
 * Emitted by execution, one message per order that reached a final state with at least one fill.
 * The ledger (api) applies the fills; an order that filled nothing is `orders.rejected`.
 */
export const ORDERS_EXECUTED_TOPIC = 'orders.executed';
export const ORDERS_EXECUTED_SCHEMA_VERSION = 1;
export const ORDERS_EXECUTED_KEY = 'portfolioId';

export const fillSchema = z.object({
  /** The broker's id of the fill (execution id); the ledger applies each fill once. */
  fillId: nonEmptyString,
  quantity: positiveDecimalString,
  price: positiveDecimalString,
  /** Commission and fees of this fill, in the base currency. */
  fee: nonNegativeDecimalString,
  at: isoDateTimeString,
});

/** Why execution sent less than was approved. */
export const QUANTITY_REDUCTION_REASONS = ['reduced-to-available-cash'] as const;
export type QuantityReductionReason = (typeof QUANTITY_REDUCTION_REASONS)[number];

/**
 * A buy cut to the cash known after the sells (the price rose or the sells fetched less since the
 * proposal): `requestedQuantity` is then what was sent to the broker, `approvedQuantity` what the
 * approval said. Absent when the approved quantity was sent.
 */
export const quantityReductionSchema = z.object({
  approvedQuantity: positiveDecimalString,
  reason: z.enum(QUANTITY_REDUCTION_REASONS, {
    error: `must be one of ${QUANTITY_REDUCTION_REASONS.join(', ')}`,
  }),
  /** For people: the cash and cost figures behind the cut. */
  detail: z.string().min(1),
});

export const ordersExecutedPayloadSchema = z
  .object({
    proposalId: uuidString,
    portfolioId: uuidString,
    leg: legNumber,
    clientOrderId: nonEmptyString,
    accountId: nonEmptyString,
    symbol: tickerSymbol,
    side: orderSide,
    baseCurrency: currencyCode,
    /** The quantity sent to the broker: the approved one unless `reduction` says otherwise. */
    requestedQuantity: positiveDecimalString,
    filledQuantity: positiveDecimalString,
    /** `partially-filled`: the rest was cancelled (or expired) at the broker and will not fill. */
    status: z.enum(['filled', 'partially-filled']),
    fills: z.array(fillSchema).min(1),
    broker: nonEmptyString,
    brokerOrderId: nonEmptyString,
    executedAt: isoDateTimeString,
    /** Optional (added in schema version 1, backward compatible): present only for a cut order. */
    reduction: quantityReductionSchema.optional(),
  })
  .superRefine((payload, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    const expected = clientOrderIdFor(payload.proposalId, payload.leg);
    if (payload.clientOrderId !== expected) issue(['clientOrderId'], `must be "${expected}"`);
    if (
      compareDecimalSum(
        payload.fills.map((fill) => fill.quantity),
        payload.filledQuantity,
      ) !== 0
    ) {
      issue(['fills'], `fill quantities must add up to filledQuantity ${payload.filledQuantity}`);
    }
    const versusRequested = compareDecimals(payload.filledQuantity, payload.requestedQuantity);
    if (versusRequested > 0) issue(['filledQuantity'], 'must not exceed requestedQuantity');
    if (payload.status === 'filled' && versusRequested !== 0) {
      issue(['status'], 'is "filled" only when filledQuantity equals requestedQuantity');
    }
    if (payload.status === 'partially-filled' && versusRequested === 0) {
      issue(['status'], 'is "partially-filled" only when less than requestedQuantity filled');
    }
    if (
      payload.reduction !== undefined &&
      compareDecimals(payload.reduction.approvedQuantity, payload.requestedQuantity) <= 0
    ) {
      issue(
        ['reduction', 'approvedQuantity'],
        'a reduced order was approved for more than requestedQuantity',
      );
    }
    reportDuplicates(
      payload.fills.map((fill) => fill.fillId),
      (index, fillId) => issue(['fills', index, 'fillId'], `duplicate fill "${fillId}"`),
    );
  });

export type Fill = z.infer<typeof fillSchema>;
export type QuantityReduction = z.infer<typeof quantityReductionSchema>;
export type OrdersExecutedPayload = z.infer<typeof ordersExecutedPayloadSchema>;
