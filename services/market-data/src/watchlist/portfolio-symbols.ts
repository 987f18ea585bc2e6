import { type PortfolioStatePayload } from '@ballast/contracts';

/**
 * The symbols a portfolio needs prices of: every position it holds (a positive quantity, in any
 * account) and every symbol it targets with a positive weight. A target of weight 0 that is not held
 * needs no price: nothing is valued or bought. Sorted and unique, so that two versions holding the
 * same symbols compare equal.
 */
export function portfolioSymbols(state: PortfolioStatePayload): string[] {
  const symbols = new Set<string>();
  for (const account of state.accounts) {
    for (const position of account.positions) {
      if (!isZero(position.quantity)) symbols.add(position.symbol);
    }
  }
  for (const target of state.targets) if (target.weight > 0) symbols.add(target.symbol);
  return [...symbols].sort();
}

/** What a new version of a portfolio changes in the watch list. */
export interface WatchChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** The symbols `next` references that `previous` did not, and the other way round. */
export function watchChange(previous: readonly string[], next: readonly string[]): WatchChange {
  const before = new Set(previous);
  const after = new Set(next);
  return {
    added: next.filter((symbol) => !before.has(symbol)),
    removed: previous.filter((symbol) => !after.has(symbol)),
  };
}

/** A non-negative decimal string (the contract's shape) that is zero: "0", "0.000". */
function isZero(quantity: string): boolean {
  return /^0*(\.0*)?$/.test(quantity);
}
