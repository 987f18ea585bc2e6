import { Decimal } from '@ballast/domain-portfolio';
import { decimal, InvalidTaxInputError } from './household';
import {
  checkWashSalesPreTrade,
  type PreTradeInput,
  type PreTradeReport,
  type ProposedOrder,
} from './pre-trade-check';

/**
 * How flagged orders are resolved:
 *  - `substitute`: a buy that washes a loss becomes a buy of the policy's substitute (same value, whole
 *    shares unless `wholeShares` is false); without a usable substitute it is removed. A loss sale washed
 *    only by past buys is removed (the lot is kept: no loss realized, none disallowed).
 *  - `remove`: every flagged buy and every loss sale washed by past buys is removed.
 *  - `accept`: nothing changes; each flagged order is marked accepted with its consequence.
 * A loss sale washed by a buy of the same plan keeps its place: the buy is what changes.
 */
export type WashResolution = 'substitute' | 'remove' | 'accept';

export interface WashDecision {
  readonly orderId: string;
  readonly decision: 'changed' | 'removed' | 'accepted';
  /** Why, with the amount and the replacement; for `changed`, what the order became. */
  readonly reason: string;
}

export interface ResolvedOrders {
  readonly orders: readonly ProposedOrder[];
  readonly decisions: readonly WashDecision[];
  /** The check of the final orders: only accepted washes remain. */
  readonly report: PreTradeReport;
}

/**
 * Applies a {@link WashResolution} to the orders the pre-trade check flags, and checks again until no
 * order changes (a substitute bought for one order could itself wash another loss; at most as many
 * rounds as there are orders).
 *
 * @throws InvalidTaxInputError for a substitute without a price in `prices`; errors of
 *   {@link checkWashSalesPreTrade} for malformed orders.
 */
export function resolveWashSales(
  input: PreTradeInput,
  options: {
    readonly prices: ReadonlyMap<string, string>;
    readonly resolution?: WashResolution;
    readonly wholeShares?: boolean;
  },
): ResolvedOrders {
  const resolution = options.resolution ?? 'substitute';
  let orders: ProposedOrder[] = [...input.orders];
  const decisions: WashDecision[] = [];
  const decided = new Set<string>();
  for (let round = 0; round <= input.orders.length; round += 1) {
    const report = checkWashSalesPreTrade({ ...input, orders });
    let changed = false;
    const next: ProposedOrder[] = [];
    for (const [index, order] of orders.entries()) {
      const verdict = report.orders[index];
      if (verdict === undefined || verdict.verdict === 'ok' || decided.has(order.orderId)) {
        next.push(order);
        continue;
      }
      const consequence =
        verdict.verdict === 'permanently-lost'
          ? `${verdict.disallowedLoss} of loss would be lost permanently (IRA/Roth replacement)`
          : `${verdict.disallowedLoss} of loss would be disallowed and deferred into the replacement's basis`;
      const washedBy = verdict.washes
        .map((w) =>
          order.side === 'sell'
            ? `${w.replacement.source === 'order' ? `order ${w.replacement.ref}` : `the buy of ${w.replacement.date}`} in ${w.replacement.account}`
            : `${w.sale.source === 'order' ? `order ${w.sale.ref}` : `the loss sale of ${w.sale.date}`} in ${w.sale.account}`,
        )
        .join(', ');
      if (resolution === 'accept') {
        decided.add(order.orderId);
        decisions.push({
          orderId: order.orderId,
          decision: 'accepted',
          reason: `washed by ${washedBy}: ${consequence}`,
        });
        next.push(order);
        continue;
      }
      if (order.side === 'sell') {
        if (verdict.washes.some((w) => w.replacement.source === 'order')) {
          next.push(order); // the plan's buy is resolved under its own order
          continue;
        }
        decided.add(order.orderId);
        changed = true;
        decisions.push({
          orderId: order.orderId,
          decision: 'removed',
          reason: `washed by ${washedBy}: ${consequence}; the lots are kept instead`,
        });
        continue;
      }
      const substitute = verdict.actions.find((a) => a.action === 'buy-substitute')?.substitute;
      decided.add(order.orderId);
      changed = true;
      if (resolution === 'remove' || substitute === undefined) {
        decisions.push({
          orderId: order.orderId,
          decision: 'removed',
          reason: `would wash ${washedBy}: ${consequence}${resolution === 'substitute' ? '; no substitute configured' : ''}`,
        });
        continue;
      }
      const text = options.prices.get(substitute);
      if (text === undefined) {
        throw new InvalidTaxInputError(
          `prices.${substitute}`,
          `no price for ${substitute}, the substitute of ${order.symbol}`,
        );
      }
      const price = decimal(text, `prices.${substitute}`);
      const value = decimal(order.quantity, 'quantity').times(decimal(order.price, 'price'));
      const quantity = value
        .dividedBy(price)
        .toDecimalPlaces(options.wholeShares === false ? 6 : 0, Decimal.ROUND_DOWN);
      if (!quantity.greaterThan(0)) {
        decisions.push({
          orderId: order.orderId,
          decision: 'removed',
          reason: `would wash ${washedBy}: ${consequence}; ${value.toFixed(2)} buys no whole share of ${substitute}`,
        });
        continue;
      }
      decisions.push({
        orderId: order.orderId,
        decision: 'changed',
        reason: `would wash ${washedBy}: ${consequence}; buys ${quantity.toFixed()} ${substitute} instead of ${order.quantity} ${order.symbol}`,
      });
      next.push({ ...order, symbol: substitute, quantity: quantity.toFixed(), price: price.toFixed() });
    }
    orders = next;
    if (!changed) return { orders, decisions, report };
  }
  return { orders, decisions, report: checkWashSalesPreTrade({ ...input, orders }) };
}
