import { type OrderSide, type PortfolioStatePayload, type RejectionCode } from '@ballast/contracts';
import Decimal from 'decimal.js';

/** The order as the checks see it (quantities and prices are decimal strings). */
export interface CheckedOrder {
  accountId: string;
  symbol: string;
  side: OrderSide;
  quantity: string;
  referencePrice: string;
}

export interface LastPriceView {
  price: string;
  asOf: Date;
  /** When the tick arrived here; staleness counts from it. */
  receivedAt: Date;
}

/**
 * An order of this service that the ledger does not include yet: in flight (`pending`, `submitted`,
 * `unknown`) or finished but not yet seen in a portfolio.state snapshot.
 */
export interface UnappliedOrder {
  accountId: string;
  symbol: string;
  side: OrderSide;
  quantity: string;
  inFlight: boolean;
  /** For a buy in flight: the cash it holds back. */
  reservedCash: string | null;
  /** For a finished order: its signed cash change and filled quantity. */
  cashEffect: string | null;
  filledQuantity: string;
}

/** Cash of an account and units of a symbol in it: the ledger's, minus what is in flight. */
export interface AvailableFunds {
  ledgerCash: Decimal;
  cash: Decimal;
  ledgerHeld: Decimal;
  held: Decimal;
}

/**
 * What an account can spend and sell now: the snapshot's cash and holdings adjusted by this
 * service's orders the snapshot does not include. In-flight buys hold back their estimated cost and
 * in-flight sells their quantity (their proceeds count only once filled), so two approvals in a row
 * cannot spend the same cash or sell the same shares. Null when the account is not in the snapshot.
 */
export function availableFunds(
  state: PortfolioStatePayload,
  unapplied: readonly UnappliedOrder[],
  accountId: string,
  symbol: string,
): AvailableFunds | null {
  const account = state.accounts.find((candidate) => candidate.accountId === accountId);
  if (account === undefined) return null;
  const ledgerCash = new Decimal(account.cash);
  const ledgerHeld = new Decimal(
    account.positions.find((position) => position.symbol === symbol)?.quantity ?? '0',
  );
  let cash = ledgerCash;
  let held = ledgerHeld;
  for (const order of unapplied) {
    if (order.accountId !== accountId) continue;
    if (order.inFlight) {
      if (order.side === 'buy') cash = cash.minus(order.reservedCash ?? '0');
      else if (order.symbol === symbol) held = held.minus(order.quantity);
      continue;
    }
    cash = cash.plus(order.cashEffect ?? '0');
    if (order.symbol === symbol) {
      held = order.side === 'buy' ? held.plus(order.filledQuantity) : held.minus(order.filledQuantity);
    }
  }
  return { ledgerCash, cash, ledgerHeld, held };
}

/**
 * The account's value at the given prices, for its cash buffer: the snapshot's cash and positions
 * plus this service's finished orders the snapshot does not include yet (their cash and units).
 * Orders still in flight are left out: a trade changes an account's value only by its costs. The
 * backtester takes the buffer on the account's value at the fill prices in the same way. Returns
 * the symbols without a price instead when some are missing.
 */
export function accountValue(
  state: PortfolioStatePayload,
  unapplied: readonly UnappliedOrder[],
  accountId: string,
  priceOf: (symbol: string) => string | undefined,
): { value: Decimal } | { missing: string[] } {
  const account = state.accounts.find((candidate) => candidate.accountId === accountId);
  if (account === undefined) return { value: new Decimal(0) };
  let cash = new Decimal(account.cash);
  const units = new Map<string, Decimal>();
  const add = (symbol: string, quantity: Decimal.Value) =>
    units.set(symbol, (units.get(symbol) ?? new Decimal(0)).plus(quantity));
  for (const position of account.positions) add(position.symbol, position.quantity);
  for (const order of unapplied) {
    if (order.accountId !== accountId || order.inFlight) continue;
    cash = cash.plus(order.cashEffect ?? '0');
    add(
      order.symbol,
      order.side === 'buy' ? order.filledQuantity : new Decimal(order.filledQuantity).negated(),
    );
  }
  let value = cash;
  const missing: string[] = [];
  for (const [symbol, quantity] of units) {
    if (quantity.isZero()) continue;
    const price = priceOf(symbol);
    if (price === undefined) missing.push(symbol);
    else value = value.plus(quantity.times(price));
  }
  return missing.length > 0 ? { missing } : { value };
}

export interface PreTradeLimits {
  killSwitch: { engaged: boolean; why: string };
  haltedSymbols: readonly string[];
  restrictedSymbols: readonly string[];
  maxPriceAgeMs: number;
  collarBps: number;
  maxOrderNotional: string;
  commissionPerOrder: string;
  spreadBps: number;
}

/**
 * How a buy that the cash no longer covers is cut, from the portfolio's planning policy and the
 * broker (see {@link sizeBuyToCash}).
 */
export interface BuySizing {
  /** `policy.wholeShares`: cut to whole shares; otherwise to `quantityDecimals` places. */
  wholeShares: boolean;
  /** Decimal places of a fractional quantity the broker accepts. */
  quantityDecimals: number;
  /** `policy.minTradeValue` (base currency): a buy cut below this value is not worth sending. */
  minTradeValue: string;
  /** Cash the account keeps: `policy.cashBuffer` × the account's value at the last prices. */
  cashBuffer: Decimal;
}

export interface PreTradeInput {
  order: CheckedOrder;
  now: Date;
  expiresAt: Date;
  lastPrice: LastPriceView | null;
  /** asOf of the price the proposal was computed with, for this symbol (from `pricesUsed`). */
  priceUsedAsOf: Date | null;
  /** Null when the account is missing from the ledger snapshot. */
  funds: AvailableFunds | null;
  /**
   * Buys only: how to cut one the cash does not cover. An Error when the policy cannot be read (the
   * buy is refused with its message rather than sized by guesswork); null: no cut, a buy the cash
   * does not cover is refused (sells, or callers without a policy).
   */
  sizing: BuySizing | Error | null;
  limits: PreTradeLimits;
}

/** A buy sent for less than was approved, and why (`orders.executed` `reduction`). */
export interface QuantityCut {
  approvedQuantity: string;
  reason: 'reduced-to-available-cash';
  detail: string;
}

export type PreTradeResult =
  | {
      ok: true;
      lastPrice: string;
      /** The quantity to send: the approved one, or less when `reduction` says so. */
      quantity: string;
      notional: string;
      reservedCash: string | null;
      reduction: QuantityCut | null;
    }
  | { ok: false; code: RejectionCode; reason: string };

/**
 * Estimated cash a buy needs at the last price with the cost model: half the spread crossed, plus
 * the commission. The same model fills paper orders, so an order that passes is never short of
 * cash at the paper broker by construction.
 */
export function estimatedBuyCost(
  quantity: string,
  lastPrice: string,
  limits: Pick<PreTradeLimits, 'commissionPerOrder' | 'spreadBps'>,
): Decimal {
  return new Decimal(quantity)
    .times(lastPrice)
    .times(new Decimal(limits.spreadBps).dividedBy(20_000).plus(1))
    .plus(limits.commissionPerOrder);
}

/**
 * The largest quantity whose estimated cost ({@link estimatedBuyCost}) fits in `available`: whole
 * shares, or fractional rounded down to `decimals` places. Never negative.
 *
 * The same rule as the backtester's fills (libs/domain/backtest/src/lib/backtest.ts, `execute`):
 * after the sells, a buy the account's cash (less its cash buffer) no longer covers at the fill
 * price is cut to `(cash − commission − buffer) / (price × (1 + cost rate))`, floored to whole
 * shares or to fractional precision. Here the cost rate is half the spread, as in the paper fills.
 */
export function affordableQuantity(
  available: Decimal,
  lastPrice: string,
  limits: Pick<PreTradeLimits, 'commissionPerOrder' | 'spreadBps'>,
  wholeShares: boolean,
  decimals: number,
): Decimal {
  const perShare = new Decimal(lastPrice).times(new Decimal(limits.spreadBps).dividedBy(20_000).plus(1));
  const affordable = available.minus(limits.commissionPerOrder).dividedBy(perShare);
  const cap = wholeShares ? affordable.floor() : affordable.toDecimalPlaces(decimals, Decimal.ROUND_DOWN);
  return Decimal.max(cap, 0);
}

const money = (value: Decimal.Value) => new Decimal(value).toFixed(2);
const plain = (value: Decimal.Value) => new Decimal(value).toFixed();

/**
 * The pre-trade checks of one order, in a fixed order (the first failure is the reason given):
 * kill switch, expiry, halted, restricted, stale or missing last price, price collar, max order
 * notional, then holdings (sells, no shorts) or cash (buys). Each failure names the values.
 */
export function preTradeCheck(input: PreTradeInput): PreTradeResult {
  const { order, limits } = input;
  const fail = (code: RejectionCode, reason: string): PreTradeResult => ({ ok: false, code, reason });
  const what = `${order.side} ${plain(order.quantity)} ${order.symbol}`;

  if (input.limits.killSwitch.engaged) return fail('kill-switch', `kill switch on: ${limits.killSwitch.why}`);
  if (input.now.getTime() >= input.expiresAt.getTime()) {
    return fail(
      'expired',
      `approval expired at ${input.expiresAt.toISOString()}; it is ${input.now.toISOString()}`,
    );
  }
  if (limits.haltedSymbols.includes(order.symbol)) {
    return fail('halted', `${order.symbol} is halted (EXECUTION_HALTED_SYMBOLS)`);
  }
  if (limits.restrictedSymbols.includes(order.symbol)) {
    return fail('restricted', `${order.symbol} is restricted (EXECUTION_RESTRICTED_SYMBOLS)`);
  }
  const last = input.lastPrice;
  if (last === null) return fail('stale-price', `no price.tick received for ${order.symbol}`);
  const ageMs = input.now.getTime() - last.receivedAt.getTime();
  if (ageMs > limits.maxPriceAgeMs) {
    return fail(
      'stale-price',
      `last price of ${order.symbol} (${plain(last.price)} as of ${last.asOf.toISOString()}) arrived ${Math.round(ageMs / 1000)} s ago; the limit is ${Math.round(limits.maxPriceAgeMs / 1000)} s`,
    );
  }
  if (input.priceUsedAsOf !== null && last.asOf.getTime() < input.priceUsedAsOf.getTime()) {
    return fail(
      'stale-price',
      `last price of ${order.symbol} is as of ${last.asOf.toISOString()}, older than the proposal's price as of ${input.priceUsedAsOf.toISOString()}`,
    );
  }
  const reference = new Decimal(order.referencePrice);
  const moveBps = new Decimal(last.price).minus(reference).abs().dividedBy(reference).times(10_000);
  if (moveBps.greaterThan(limits.collarBps)) {
    return fail(
      'price-collar',
      `last price ${plain(last.price)} is ${moveBps.dividedBy(100).toFixed(2)}% from the reference ${plain(order.referencePrice)}; the collar is ${(limits.collarBps / 100).toFixed(2)}%`,
    );
  }
  const notional = new Decimal(order.quantity).times(last.price);
  if (notional.greaterThan(limits.maxOrderNotional)) {
    return fail(
      'max-order-notional',
      `${what}: order ${money(notional)} > max notional ${money(limits.maxOrderNotional)}`,
    );
  }
  const funds = input.funds;
  if (order.side === 'sell') {
    if (funds === null) {
      return fail(
        'insufficient-holdings',
        `${what}: account ${order.accountId} is not in the ledger snapshot`,
      );
    }
    if (funds.held.lessThan(order.quantity)) {
      return fail(
        'insufficient-holdings',
        `${what} in ${order.accountId}: ${plain(funds.held)} available (${plain(funds.ledgerHeld)} in the ledger, ${plain(funds.ledgerHeld.minus(funds.held))} in flight); no short sales`,
      );
    }
    return {
      ok: true,
      lastPrice: plain(last.price),
      quantity: plain(order.quantity),
      notional: plain(notional),
      reservedCash: null,
      reduction: null,
    };
  }
  const cost = estimatedBuyCost(order.quantity, last.price, limits);
  if (funds === null) {
    return fail('insufficient-cash', `${what}: account ${order.accountId} is not in the ledger snapshot`);
  }
  const sizing = input.sizing;
  if (sizing instanceof Error) {
    return fail('insufficient-cash', `${what} in ${order.accountId} cannot be sized: ${sizing.message}`);
  }
  const buffer = sizing?.cashBuffer ?? new Decimal(0);
  const available = funds.cash.minus(buffer);
  const shortOf = `${what} in ${order.accountId} needs ${money(cost)}; ${money(available)} available (${money(funds.ledgerCash)} in the ledger, ${money(funds.cash.minus(funds.ledgerCash))} from orders not yet in it${buffer.isZero() ? '' : `, ${money(buffer)} kept as the cash buffer`})`;
  if (!available.lessThan(cost)) {
    return {
      ok: true,
      lastPrice: plain(last.price),
      quantity: plain(order.quantity),
      notional: plain(notional),
      reservedCash: plain(cost),
      reduction: null,
    };
  }
  if (sizing === null) return fail('insufficient-cash', shortOf);
  const cut = affordableQuantity(available, last.price, limits, sizing.wholeShares, sizing.quantityDecimals);
  if (cut.isZero()) {
    return fail(
      'insufficient-cash',
      `${shortOf}; not even ${sizing.wholeShares ? 'one share' : 'the smallest fraction'} fits`,
    );
  }
  const cutValue = cut.times(last.price);
  if (cutValue.lessThan(sizing.minTradeValue)) {
    return fail(
      'insufficient-cash',
      `${shortOf}; the ${plain(cut)} that fit (${money(cutValue)}) are below the minimum trade value ${money(sizing.minTradeValue)}`,
    );
  }
  const cutCost = estimatedBuyCost(cut.toFixed(), last.price, limits);
  return {
    ok: true,
    lastPrice: plain(last.price),
    quantity: cut.toFixed(),
    notional: plain(cutValue),
    reservedCash: plain(cutCost),
    reduction: {
      approvedQuantity: plain(order.quantity),
      reason: 'reduced-to-available-cash',
      detail: `${shortOf}: ${plain(cut)} sent (${money(cutCost)})`,
    },
  };
}
