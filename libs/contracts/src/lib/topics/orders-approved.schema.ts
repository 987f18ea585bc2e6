import { z } from 'zod';
import { currencyCode } from '../currency';
import { positiveDecimalString } from '../decimal-string';
import { reportDuplicates } from '../duplicates';
import { isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';
import { priceUsedSchema } from './drift-detected.schema';
import { clientOrderIdFor, legNumber, orderSide, reportDuplicateLegs } from './orders-common';

/** Emitted by api when a proposal is approved (by policy or by people): what execution sends to the broker. */
export const ORDERS_APPROVED_TOPIC = 'orders.approved';
export const ORDERS_APPROVED_SCHEMA_VERSION = 1;
export const ORDERS_APPROVED_KEY = 'portfolioId';

export const approvalSchema = z.discriminatedUnion('kind', [
  /** A person approved; `userId` comes from their credential, never from a request body. */
  z.object({ kind: z.literal('person'), userId: nonEmptyString, at: isoDateTimeString }),
  /** Below the policy's threshold: approved by the rule named. */
  z.object({ kind: z.literal('policy'), rule: nonEmptyString, at: isoDateTimeString }),
]);

export const approvedOrderSchema = z.object({
  leg: legNumber,
  /** {@link clientOrderIdFor}(proposalId, leg); the schema checks it. */
  clientOrderId: nonEmptyString,
  accountId: nonEmptyString,
  symbol: tickerSymbol,
  side: orderSide,
  quantity: positiveDecimalString,
  /** The price at approval; execution's price collar is measured against the last price, not this. */
  referencePrice: positiveDecimalString,
});

export const ordersApprovedPayloadSchema = z
  .object({
    proposalId: uuidString,
    portfolioId: uuidString,
    stateVersion: z.int().positive(),
    baseCurrency: currencyCode,
    approvals: z.array(approvalSchema).min(1),
    approvedAt: isoDateTimeString,
    /** Execution refuses the orders after this (a late delivery is not a fresh approval). */
    expiresAt: isoDateTimeString,
    orders: z.array(approvedOrderSchema).min(1),
    pricesUsed: z.array(priceUsedSchema).min(1),
  })
  .superRefine((payload, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    reportDuplicateLegs(payload.orders, (index, leg) =>
      issue(['orders', index, 'leg'], `duplicate leg ${leg}`),
    );
    payload.orders.forEach((order, index) => {
      const expected = clientOrderIdFor(payload.proposalId, order.leg);
      if (order.clientOrderId !== expected) {
        issue(['orders', index, 'clientOrderId'], `must be "${expected}" (derived from proposal and leg)`);
      }
    });
    reportDuplicates(
      payload.approvals.flatMap((approval) => (approval.kind === 'person' ? [approval.userId] : [])),
      (index, userId) => issue(['approvals', index], `"${userId}" approved twice: four eyes need two people`),
    );
    if (Date.parse(payload.expiresAt) <= Date.parse(payload.approvedAt)) {
      issue(['expiresAt'], 'must be after approvedAt');
    }
  });

export type Approval = z.infer<typeof approvalSchema>;
export type ApprovedOrder = z.infer<typeof approvedOrderSchema>;
export type OrdersApprovedPayload = z.infer<typeof ordersApprovedPayloadSchema>;
