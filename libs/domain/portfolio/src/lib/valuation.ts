import { Decimal, multiplyExact, parseDecimal, sumExact, toDecimal, toDecimalString } from './decimal';
import {
  InvalidHoldingsError,
  InvalidPriceError,
  MissingPriceError,
  NonPositivePortfolioValueError,
} from './errors';
import { type Holdings, type PriceQuote } from './holdings';
import { compareSymbols } from './symbol-order';

/** One position at market. */
export interface ValuedHolding {
  readonly symbol: string;
  /** Canonical decimal string. */
  readonly quantity: string;
  /** Canonical decimal string of the price used; `null` exactly when the quantity is zero (no price needed). */
  readonly price: string | null;
  /** `quantity × price`, exact, canonical decimal string. */
  readonly marketValue: string;
  /** `marketValue / totalValue` as a float; negative for a short position. */
  readonly weight: number;
}

/** Cash in a valuation: its amount (decimal string) and its share of total value. */
export interface CashValuation {
  readonly value: string;
  readonly weight: number;
}

/** A portfolio marked to market. Decimal strings are canonical: plain notation, no trailing zeros. */
export interface Valuation {
  /** Cash plus the market value of every position, exact. */
  readonly totalValue: string;
  readonly cash: CashValuation;
  /** One per position, sorted by symbol. */
  readonly holdings: readonly ValuedHolding[];
  /** The quotes that entered a market value (positions with a non-zero quantity), sorted by symbol. */
  readonly pricesUsed: readonly PriceQuote[];
}

/**
 * Marks holdings to market.
 *
 * Definitions: `marketValue = quantity × price`, `totalValue = cash + Σ marketValue`, both exact in
 * decimal; `weight = marketValue / totalValue` divided in decimal (34 digits) and only then converted
 * to a float, so each weight is within half an ulp or so of the true ratio and the weights plus the
 * cash weight sum to 1 within float rounding.
 *
 * Assumptions and choices:
 * - Prices and cash are in one currency; currency conversion happens before this function.
 * - A position with quantity zero needs no price: it contributes exactly 0 whatever the price, and
 *   demanding one would block a portfolio on a symbol it no longer holds. It is kept, with weight 0
 *   and price `null`, because drift still needs it (a sold-out symbol with a target is underweight).
 * - A price must be positive: a zero or negative price from a feed is almost always a data error
 *   (a missing value encoded as 0), and valuing with it would show a sell-everything drift. Bad or
 *   missing prices stop the valuation, loudly (DESIGN.md, Guarantees), they never produce weights.
 * - Staleness of `asOf` is the caller's judgement (it knows the clock and the policy).
 * - Negative quantities (shorts) and negative cash (margin) are accepted; only the total must be
 *   positive for weights to mean anything.
 *
 * Checks run in this order: holdings structure (every offender), cash and quantities (the first one
 * that is not a decimal), missing prices (every one), invalid prices (every one), total value.
 *
 * @throws InvalidHoldingsError for an empty symbol or a symbol listed twice (use `aggregateAccounts`
 *   to merge accounts first).
 * @throws InvalidDecimalError for a cash amount or quantity that is not a decimal string.
 * @throws MissingPriceError listing every held symbol without a quote.
 * @throws InvalidPriceError listing every quote that is not a positive decimal or is filed under
 *   another symbol.
 * @throws NonPositivePortfolioValueError when the total value is zero or negative.
 * @throws DecimalPrecisionError if a market value or the total does not fit the decimal type exactly.
 */
export function valuePortfolio(holdings: Holdings, prices: ReadonlyMap<string, PriceQuote>): Valuation {
  assertWellFormed(holdings);
  const cash = toDecimal(holdings.cash, 'cash');
  const positions = holdings.positions
    .map((position) => ({
      symbol: position.symbol,
      quantity: toDecimal(position.quantity, `quantity of ${position.symbol}`),
    }))
    .sort((a, b) => compareSymbols(a.symbol, b.symbol));

  const missing: string[] = [];
  const invalid: { symbol: string; problem: string }[] = [];
  const priced = positions.map((position) => {
    if (position.quantity.isZero()) {
      return { ...position, quote: undefined, price: undefined };
    }
    const quote = prices.get(position.symbol);
    if (quote === undefined) {
      missing.push(position.symbol);
      return { ...position, quote, price: undefined };
    }
    const price = parseDecimal(quote.price);
    if (quote.symbol !== position.symbol) {
      invalid.push({ symbol: position.symbol, problem: `quote is for ${JSON.stringify(quote.symbol)}` });
    } else if (price === undefined) {
      invalid.push({
        symbol: position.symbol,
        problem: `not a finite decimal string: ${JSON.stringify(quote.price)}`,
      });
    } else if (price.lte(0)) {
      invalid.push({
        symbol: position.symbol,
        problem: `must be positive, got ${JSON.stringify(quote.price)}`,
      });
    }
    return { ...position, quote, price };
  });
  if (missing.length > 0) {
    throw new MissingPriceError(missing);
  }
  if (invalid.length > 0) {
    throw new InvalidPriceError(invalid);
  }

  const valued = priced.map((position) => ({
    ...position,
    marketValue:
      position.price === undefined
        ? new Decimal(0)
        : multiplyExact(position.quantity, position.price, `market value of ${position.symbol}`),
  }));
  const total = sumExact([cash, ...valued.map((position) => position.marketValue)], 'total value');
  if (total.lte(0)) {
    throw new NonPositivePortfolioValueError(toDecimalString(total));
  }

  return {
    totalValue: toDecimalString(total),
    cash: { value: toDecimalString(cash), weight: weightOf(cash, total) },
    holdings: valued.map((position) => ({
      symbol: position.symbol,
      quantity: toDecimalString(position.quantity),
      price: position.price === undefined ? null : toDecimalString(position.price),
      marketValue: toDecimalString(position.marketValue),
      weight: weightOf(position.marketValue, total),
    })),
    pricesUsed: priced.flatMap((position) => (position.quote === undefined ? [] : [position.quote])),
  };
}

/** Rejects holdings whose symbols cannot identify a position: empty, or listed twice. */
function assertWellFormed(holdings: Holdings): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  const reported = new Set<string>();
  holdings.positions.forEach((position, index) => {
    if (typeof position.symbol !== 'string' || position.symbol.length === 0) {
      problems.push(`positions[${index}]: symbol must be a non-empty string`);
    } else if (seen.has(position.symbol) && !reported.has(position.symbol)) {
      reported.add(position.symbol);
      problems.push(`${position.symbol}: listed more than once`);
    }
    seen.add(position.symbol);
  });
  if (problems.length > 0) {
    throw new InvalidHoldingsError(problems);
  }
}

/** Division in decimal, then one rounding to the nearest double. */
function weightOf(value: Decimal, total: Decimal): number {
  return value.isZero() ? 0 : value.dividedBy(total).toNumber();
}
