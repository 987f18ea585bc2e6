import { z } from 'zod';
import { currencyCode } from '../currency';
import { compareDecimalSum } from '../decimal-sum';
import { nonNegativeDecimalString, positiveDecimalString } from '../decimal-string';
import { isoDateString, isoDateTimeString, nonEmptyString, tickerSymbol, uuidString } from '../primitives';
import { priceUsedSchema } from './drift-detected.schema';
import { proposedTradeSchema, reportDuplicateLegs, signedMoney } from './orders-common';

/** Emitted by tax: the orders of a proposal after lot selection and wash-sale checks, and whether a person must approve. */
export const ORDERS_PROPOSED_TOPIC = 'orders.proposed';
export const ORDERS_PROPOSED_SCHEMA_VERSION = 1;
export const ORDERS_PROPOSED_KEY = 'portfolioId';

/** A lot (or part of one) a sell order relieves, and the gain it realizes. */
export const lotReliefSchema = z.object({
  lotId: nonEmptyString,
  acquiredOn: isoDateString,
  quantity: positiveDecimalString,
  /** Cost basis of the quantity relieved (not of the whole lot). */
  costBasis: nonNegativeDecimalString,
  /** Proceeds at the reference price minus costBasis; negative for a loss. */
  gain: signedMoney,
  term: z.enum(['short', 'long']),
});

export const WASH_SALE_RESOLUTIONS = ['removed', 'substituted', 'accepted', 'reduced'] as const;

/** A wash sale the pre-trade check found, and what was done about it. */
export const washSaleFindingSchema = z.object({
  accountId: nonEmptyString,
  symbol: tickerSymbol,
  /** The conflicting trade: a buy within 30 days of a loss sale, or the reverse, in any household account. */
  conflictingAccountId: nonEmptyString,
  /**
   * Set when the conflicting trade is in another portfolio of the same household (account ids are
   * per portfolio): the wash-sale rule spans every account of the taxpayer and spouse.
   */
  conflictingPortfolioId: uuidString.optional(),
  conflictingSymbol: tickerSymbol,
  conflictingDate: isoDateString,
  /** Loss that would be (or is, when accepted) disallowed; positive. */
  disallowedLoss: nonNegativeDecimalString,
  resolution: z.enum(WASH_SALE_RESOLUTIONS),
  /** Set when a replacement in an IRA or Roth makes the loss permanently lost. */
  permanentlyLost: z.boolean(),
  reason: z.string().min(1),
});

export const proposedOrderSchema = proposedTradeSchema.extend({
  /** For sells in taxable accounts: the lots relieved, in relief order; empty otherwise. */
  lots: z.array(lotReliefSchema),
});

export const orderApprovalSchema = z.object({
  required: z.boolean(),
  /** 0 when approved by policy, 1 above the approval threshold, 2 above the four-eyes threshold. */
  approversRequired: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  reason: z.string().min(1),
  /** After this the proposal can no longer be approved. */
  expiresAt: isoDateTimeString,
});

export const ordersProposedPayloadSchema = z
  .object({
    proposalId: uuidString,
    portfolioId: uuidString,
    stateVersion: z.int().positive(),
    asOf: isoDateTimeString,
    baseCurrency: currencyCode,
    orders: z.array(proposedOrderSchema).min(1, 'orders.proposed carries at least one order'),
    taxImpact: z.object({
      realizedShortTerm: signedMoney,
      realizedLongTerm: signedMoney,
      estimatedTax: signedMoney,
    }),
    washSales: z.array(washSaleFindingSchema),
    /** False when the household's history is shorter than 30 days or accounts are missing: the wash-sale check could not see everything. */
    washSaleCoverage: z.object({ complete: z.boolean(), reason: z.string().nullable() }),
    approval: orderApprovalSchema,
    totalValue: nonNegativeDecimalString,
    pricesUsed: z.array(priceUsedSchema).min(1),
    explanation: z.array(z.string()),
  })
  .superRefine((payload, context) => {
    const issue = (path: (string | number)[], message: string) =>
      context.addIssue({ code: 'custom', path, message });
    reportDuplicateLegs(payload.orders, (index, leg) =>
      issue(['orders', index, 'leg'], `duplicate leg ${leg}`),
    );
    payload.orders.forEach((order, index) => {
      if (order.side === 'buy' && order.lots.length > 0) {
        issue(['orders', index, 'lots'], 'a buy relieves no lots');
      }
      if (
        order.lots.length > 0 &&
        compareDecimalSum(
          order.lots.map((lot) => lot.quantity),
          order.quantity,
        ) !== 0
      ) {
        issue(
          ['orders', index, 'lots'],
          `lot quantities must add up to the order quantity ${order.quantity}`,
        );
      }
    });
    if (payload.approval.required !== payload.approval.approversRequired > 0) {
      issue(['approval', 'approversRequired'], 'must be 0 exactly when approval is not required');
    }
    if (payload.washSaleCoverage.complete !== (payload.washSaleCoverage.reason === null)) {
      issue(['washSaleCoverage', 'reason'], 'incomplete coverage says why; complete coverage has no reason');
    }
  });

export type LotRelief = z.infer<typeof lotReliefSchema>;
export type WashSaleFinding = z.infer<typeof washSaleFindingSchema>;
export type ProposedOrder = z.infer<typeof proposedOrderSchema>;
export type OrderApproval = z.infer<typeof orderApprovalSchema>;
export type OrdersProposedPayload = z.infer<typeof ordersProposedPayloadSchema>;
