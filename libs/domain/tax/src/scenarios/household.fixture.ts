import { type TaxLot } from '../lib/lot-relief';
import { type Purchase } from '../lib/wash-sale';

/**
 * Builders for the scenario specs (defaults for everything a scenario does not talk about). The
 * household: a taxable brokerage account and a traditional IRA, holding VTI; prices per share.
 */
export const TAXABLE = 'brokerage';
export const IRA = 'ira';

export function lot(overrides: Partial<TaxLot> = {}): TaxLot {
  return { lotId: 'L1', quantity: '100', costBasis: '25000.00', acquiredOn: '2024-01-16', ...overrides };
}

export function buy(overrides: Partial<Purchase> = {}): Purchase {
  return {
    purchaseId: 'B1',
    accountId: TAXABLE,
    accountType: 'taxable',
    symbol: 'VTI',
    boughtOn: '2024-08-15',
    quantity: '100',
    ...overrides,
  };
}

/** `date` moved by `days` calendar days (UTC, no time zones). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
