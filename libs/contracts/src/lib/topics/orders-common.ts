import { z } from 'zod';
import { decimalString, nonNegativeDecimalString, positiveDecimalString } from '../decimal-string';
import { nonEmptyString, tickerSymbol } from '../primitives';

/**
 * Pieces shared by the order topics (rebalance.proposed, orders.proposed, orders.approved,
 * orders.executed, orders.rejected): one order is a leg of a proposal, named by its number.
 */
export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const orderSide = z.enum(ORDER_SIDES, { error: 'must be "buy" or "sell"' });

/** 1, 2, 3...: a leg's number within its proposal; it never changes once proposed. */
export const legNumber = z.int('must be a whole number').min(1, 'legs are numbered from 1');

/** A proposed trade before tax selection: what the optimizer wants, priced at the prices used. */
export const proposedTradeSchema = z.object({
  leg: legNumber,
  accountId: nonEmptyString,
  symbol: tickerSymbol,
  side: orderSide,
  quantity: positiveDecimalString,
  /** The price the plan was computed with (from `pricesUsed`), per unit. */
  referencePrice: positiveDecimalString,
  /** quantity * referencePrice, in the base currency. */
  estimatedValue: nonNegativeDecimalString,
});

/** Money that may be negative (a realized loss), in the base currency. */
export const signedMoney = decimalString;

/**
 * The client order id sent to the broker for a leg: derived, never random, so that a redelivered
 * or retried approval produces the same id and the broker refuses a second order under it
 * (DESIGN.md, Guarantees: an order is sent at most once). At most 48 characters, within every
 * broker's limit (Alpaca allows 128).
 */
export function clientOrderIdFor(proposalId: string, leg: number): string {
  return `${proposalId}-${leg}`;
}

/** Reports legs numbered twice (a programming error upstream, never silently merged). */
export function reportDuplicateLegs(
  legs: readonly { leg: number }[],
  report: (index: number, leg: number) => void,
): void {
  const seen = new Set<number>();
  legs.forEach(({ leg }, index) => {
    if (seen.has(leg)) report(index, leg);
    seen.add(leg);
  });
}
