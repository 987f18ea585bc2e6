import { Decimal, addExact, toDecimal, toDecimalString } from './decimal';
import { compareSymbols } from './symbol-order';

/**
 * A quantity of one instrument. `quantity` is a decimal string (fractional shares and crypto are
 * common); a negative quantity is a short position.
 */
export interface Position {
  readonly symbol: string;
  readonly quantity: string;
}

/**
 * What one account, or a whole household, holds. `cash` is a decimal string in the portfolio's
 * currency, negative for a margin debit. A symbol appears at most once in `positions`.
 */
export interface Holdings {
  readonly cash: string;
  readonly positions: readonly Position[];
}

/**
 * The last price of a symbol, as published on `price.tick`. `price` is a decimal string in the
 * portfolio's currency, `asOf` an ISO-8601 timestamp, `source` the provider's name; both are carried
 * through for audit (a drift report names the prices it used), and staleness is judged by the caller.
 */
export interface PriceQuote {
  readonly symbol: string;
  readonly price: string;
  readonly asOf: string;
  readonly source: string;
}

/**
 * The share of total value a symbol should have, as a float in [0, 1]. Targets may sum to less than
 * 1: the rest is the cash target (see `validateTargets`).
 */
export interface TargetWeight {
  readonly symbol: string;
  readonly weight: number;
}

/**
 * The household-level view of several accounts: cash summed, and quantities summed per symbol
 * (a symbol held in two accounts, or listed twice in one, becomes one position). Exact decimal
 * arithmetic, so the aggregate is worth exactly the sum of the accounts at any prices. Positions come
 * out sorted by symbol, quantities and cash in canonical decimal strings; a symbol whose quantities
 * net to zero is kept with quantity `0` (it still exists for drift, with weight 0).
 *
 * @throws InvalidDecimalError for a cash amount or quantity that is not a decimal string.
 * @throws DecimalPrecisionError if a sum does not fit the decimal type exactly.
 */
export function aggregateAccounts(accounts: readonly Holdings[]): Holdings {
  let cash = new Decimal(0);
  const quantities = new Map<string, Decimal>();
  accounts.forEach((account, index) => {
    const where = `accounts[${index}]`;
    cash = addExact(cash, toDecimal(account.cash, `${where}.cash`), 'aggregate cash');
    account.positions.forEach((position, positionIndex) => {
      const quantity = toDecimal(
        position.quantity,
        `${where}.positions[${positionIndex}].quantity (${position.symbol})`,
      );
      const previous = quantities.get(position.symbol);
      quantities.set(
        position.symbol,
        previous === undefined
          ? quantity
          : addExact(previous, quantity, `aggregate quantity of ${position.symbol}`),
      );
    });
  });
  return {
    cash: toDecimalString(cash),
    positions: [...quantities.entries()]
      .sort(([a], [b]) => compareSymbols(a, b))
      .map(([symbol, quantity]) => ({ symbol, quantity: toDecimalString(quantity) })),
  };
}
