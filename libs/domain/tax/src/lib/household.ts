import { Decimal } from '@ballast/domain-portfolio';
import { parseTradeDate } from './holding-period';
import { type TaxLot } from './lot-relief';

/**
 * The household as the tax engine reads it: accounts with lots and the recent transactions of every
 * account. The shapes are structurally those of the portfolio file (`PortfolioFile.accounts`,
 * `PortfolioFile.transactions` of `@ballast/domain-portfolio`), so a parsed file is passed as is;
 * they are restated here so that the tax engine depends only on the fields it reads.
 */
export type AccountType = 'taxable' | 'traditional' | 'roth';

export interface HouseholdLot {
  readonly symbol: string;
  readonly quantity: string;
  /** Total cost of the lot. */
  readonly costBasis: string;
  /** `YYYY-MM-DD`. */
  readonly acquired: string;
}

export interface HouseholdAccount {
  readonly id: string;
  readonly type: AccountType;
  readonly lots: readonly HouseholdLot[];
}

export interface HouseholdTransaction {
  readonly account: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly price: string;
  readonly date: string;
}

/** A lot with its id, `<account id>#<index in the account's lots>`, and its account. */
export interface IdentifiedLot extends TaxLot {
  readonly accountId: string;
  readonly accountType: AccountType;
  readonly symbol: string;
}

/** Household input the tax engine cannot work with; `path` names the field. */
export class InvalidTaxInputError extends Error {
  override readonly name = 'InvalidTaxInputError';

  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** Stable id of a lot in a household: `<account id>#<index>`. */
export function lotIdOf(accountId: string, index: number): string {
  return `${accountId}#${index}`;
}

/**
 * Every lot of the household with its id, checked: a positive quantity, a basis ≥ 0, a real date not
 * after `asOf`.
 *
 * @throws InvalidTaxInputError naming the lot (`accounts[0].lots[2].acquired`).
 */
export function identifyLots(accounts: readonly HouseholdAccount[], asOf: string): IdentifiedLot[] {
  checkDate(asOf, 'asOf');
  return accounts.flatMap((account, a) =>
    account.lots.map((lot, l) => {
      const path = `accounts[${a}].lots[${l}]`;
      const quantity = decimal(lot.quantity, `${path}.quantity`);
      if (!quantity.greaterThan(0)) {
        throw new InvalidTaxInputError(
          `${path}.quantity`,
          `a lot holds a positive quantity, got ${lot.quantity}`,
        );
      }
      if (decimal(lot.costBasis, `${path}.costBasis`).isNegative()) {
        throw new InvalidTaxInputError(`${path}.costBasis`, `must not be negative, got ${lot.costBasis}`);
      }
      checkDate(lot.acquired, `${path}.acquired`);
      if (lot.acquired > asOf) {
        throw new InvalidTaxInputError(
          `${path}.acquired`,
          `acquired ${lot.acquired}, after the as-of date ${asOf}`,
        );
      }
      return {
        lotId: lotIdOf(account.id, l),
        accountId: account.id,
        accountType: account.type,
        symbol: lot.symbol.toUpperCase(),
        quantity: lot.quantity,
        costBasis: lot.costBasis,
        acquiredOn: lot.acquired,
      };
    }),
  );
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const day = (value: string) => {
    const { year, month, day: d } = parseTradeDate(value);
    return Date.UTC(year, month - 1, d) / 86_400_000;
  };
  return day(to) - day(from);
}

export function checkDate(value: string, path: string): void {
  try {
    parseTradeDate(value, path);
  } catch {
    throw new InvalidTaxInputError(path, `"${value}" is not a calendar date in YYYY-MM-DD form`);
  }
}

export function decimal(value: string, path: string): Decimal {
  let parsed: Decimal;
  try {
    parsed = new Decimal(value);
  } catch {
    throw new InvalidTaxInputError(path, `"${value}" is not a decimal number`);
  }
  if (!parsed.isFinite()) throw new InvalidTaxInputError(path, `"${value}" is not a finite decimal number`);
  return parsed;
}
