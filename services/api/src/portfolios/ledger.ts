import {
  type Account,
  type LedgerTransaction,
  type PortfolioStatePayload,
  type Position,
  type TaxLot,
} from '@ballast/contracts';
import { Decimal, toDecimal, toDecimalString } from '@ballast/domain-portfolio';

/**
 * The ledger's bookkeeping of a trade (a fill from the broker, or a trade entered by hand), as pure
 * functions over the portfolio.state snapshot: exact decimals, no I/O. The service persists the
 * result, bumps the version and publishes it.
 */

/** A trade the ledger cannot book as asked: too few shares, too little cash, an unknown account. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
}

export interface LedgerTrade {
  accountId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  /** Per unit, in the base currency. */
  price: string;
  /** Commission and fees, in the base currency. */
  fee: string;
  /** Trade date, YYYY-MM-DD: lots' acquisition dates and wash-sale windows count from it. */
  date: string;
  /**
   * Sells: the lots to relieve first and at most how much of each (the tax service's selection);
   * the rest, if any, is relieved first-in first-out.
   */
  lotSelection?: readonly { lotId: string; quantity: string }[];
  /** Buys: the id of the lot created (in accounts that track lots). */
  newLotId: string;
}

export interface LotRelieved {
  lotId: string;
  quantity: string;
  costBasis: string;
}

export interface BookedTrade {
  state: PortfolioStatePayload;
  relieved: LotRelieved[];
}

/** How far back transactions are kept in the snapshot: the wash-sale check needs 30 days each side. */
export const TRANSACTION_HISTORY_DAYS = 90;

/** Books one trade: position, lots, cash and the transaction list. The version is not bumped here. */
export function applyTrade(state: PortfolioStatePayload, trade: LedgerTrade): BookedTrade {
  const accountIndex = state.accounts.findIndex((account) => account.accountId === trade.accountId);
  const account = state.accounts[accountIndex];
  if (account === undefined) {
    throw new LedgerError(`account "${trade.accountId}" does not exist in portfolio ${state.portfolioId}`);
  }
  const quantity = toDecimal(trade.quantity, 'quantity');
  const price = toDecimal(trade.price, 'price');
  const fee = toDecimal(trade.fee, 'fee');
  if (quantity.lte(0)) throw new LedgerError(`quantity must be positive, got ${trade.quantity}`);
  const value = quantity.times(price);
  const cash = toDecimal(account.cash, 'cash');

  let booked: { account: Account; relieved: LotRelieved[] };
  if (trade.side === 'sell') {
    booked = sell(account, trade, quantity, cash.plus(value).minus(fee));
  } else {
    const newCash = cash.minus(value).minus(fee);
    if (newCash.lt(0)) {
      throw new LedgerError(
        `buying ${trade.quantity} ${trade.symbol} in "${trade.accountId}" needs ${toDecimalString(value.plus(fee))}, cash is ${account.cash}`,
      );
    }
    booked = { account: buy(account, trade, quantity, value.plus(fee), newCash), relieved: [] };
  }
  const accounts = state.accounts.map((existing, index) =>
    index === accountIndex ? booked.account : existing,
  );
  const transaction: LedgerTransaction = {
    accountId: trade.accountId,
    symbol: trade.symbol,
    side: trade.side,
    quantity: toDecimalString(quantity),
    price: toDecimalString(price),
    date: trade.date,
  };
  return {
    state: {
      ...state,
      accounts,
      transactions: recentTransactions([...(state.transactions ?? []), transaction]),
    },
    relieved: booked.relieved,
  };
}

function sell(account: Account, trade: LedgerTrade, quantity: Decimal, newCash: Decimal) {
  const position = account.positions.find((candidate) => candidate.symbol === trade.symbol);
  const held = position === undefined ? new Decimal(0) : toDecimal(position.quantity, 'held quantity');
  if (position === undefined || held.lt(quantity)) {
    throw new LedgerError(
      `selling ${trade.quantity} ${trade.symbol} in "${trade.accountId}": only ${position?.quantity ?? '0'} held`,
    );
  }
  if (newCash.lt(0)) {
    throw new LedgerError(`selling ${trade.quantity} ${trade.symbol}: fees exceed cash plus proceeds`);
  }
  const { lots, relieved } = relieveLots(position.lots, quantity, trade.lotSelection ?? []);
  const remaining = held.minus(quantity);
  const positions: Position[] = remaining.isZero()
    ? account.positions.filter((candidate) => candidate !== position)
    : account.positions.map((candidate) =>
        candidate === position ? { ...position, quantity: toDecimalString(remaining), lots } : candidate,
      );
  return { account: { ...account, cash: toDecimalString(newCash), positions }, relieved };
}

/**
 * Relieves `quantity` from the lots: the selection first (each capped at what it names and at what
 * the lot still holds), then the oldest lots (FIFO, the IRS default without specific
 * identification). Shares beyond every tracked lot are untracked and relieve nothing. A partly
 * relieved lot keeps its cost basis pro rata, rounded to the cent; the relieved part takes the
 * difference, so the cost basis is preserved exactly.
 */
export function relieveLots(
  lots: readonly TaxLot[],
  quantity: Decimal,
  selection: readonly { lotId: string; quantity: string }[],
): { lots: TaxLot[]; relieved: LotRelieved[] } {
  const left = new Map(lots.map((lot) => [lot.lotId, toDecimal(lot.quantity, `lot ${lot.lotId}`)]));
  const taken = new Map<string, Decimal>();
  let toRelieve = quantity;
  const take = (lotId: string, most: Decimal) => {
    const available = left.get(lotId);
    if (available === undefined || toRelieve.isZero()) return;
    const amount = Decimal.min(available, most, toRelieve);
    if (amount.lte(0)) return;
    left.set(lotId, available.minus(amount));
    taken.set(lotId, (taken.get(lotId) ?? new Decimal(0)).plus(amount));
    toRelieve = toRelieve.minus(amount);
  };
  for (const choice of selection)
    take(choice.lotId, toDecimal(choice.quantity, `selected lot ${choice.lotId}`));
  const fifo = [...lots].sort(
    (a, b) => a.acquiredOn.localeCompare(b.acquiredOn) || a.lotId.localeCompare(b.lotId),
  );
  for (const lot of fifo) take(lot.lotId, toDecimal(lot.quantity, `lot ${lot.lotId}`));

  const relieved: LotRelieved[] = [];
  const kept: TaxLot[] = [];
  for (const lot of lots) {
    const amount = taken.get(lot.lotId);
    const remaining = left.get(lot.lotId) ?? new Decimal(0);
    if (amount === undefined) {
      kept.push(lot);
      continue;
    }
    const basis = toDecimal(lot.costBasis, `cost basis of lot ${lot.lotId}`);
    const keptBasis = remaining.isZero()
      ? new Decimal(0)
      : basis.times(remaining).dividedBy(toDecimal(lot.quantity, 'lot quantity')).toDecimalPlaces(2);
    relieved.push({
      lotId: lot.lotId,
      quantity: toDecimalString(amount),
      costBasis: toDecimalString(basis.minus(keptBasis)),
    });
    if (!remaining.isZero()) {
      kept.push({ ...lot, quantity: toDecimalString(remaining), costBasis: toDecimalString(keptBasis) });
    }
  }
  return { lots: kept, relieved };
}

function buy(
  account: Account,
  trade: LedgerTrade,
  quantity: Decimal,
  cost: Decimal,
  newCash: Decimal,
): Account {
  const position = account.positions.find((candidate) => candidate.symbol === trade.symbol);
  // Lots matter for taxes: tracked in taxable accounts, and wherever the position already has them.
  const tracksLots = account.type === 'taxable' || (position?.lots.length ?? 0) > 0;
  const lot: TaxLot = {
    lotId: trade.newLotId,
    quantity: toDecimalString(quantity),
    // Commissions are part of the cost basis of shares bought (IRS Publication 551).
    costBasis: toDecimalString(cost),
    acquiredOn: trade.date,
  };
  if (position?.lots.some((existing) => existing.lotId === lot.lotId)) {
    throw new LedgerError(`lot "${lot.lotId}" already exists in ${trade.symbol}`);
  }
  const updated: Position =
    position === undefined
      ? { symbol: trade.symbol, quantity: lot.quantity, lots: tracksLots ? [lot] : [] }
      : {
          ...position,
          quantity: toDecimalString(toDecimal(position.quantity, 'held quantity').plus(quantity)),
          lots: tracksLots ? [...position.lots, lot] : position.lots,
        };
  const positions =
    position === undefined
      ? [...account.positions, updated]
      : account.positions.map((candidate) => (candidate === position ? updated : candidate));
  return { ...account, cash: toDecimalString(newCash), positions };
}

/** Keeps the transactions of the last {@link TRANSACTION_HISTORY_DAYS} before the newest one. */
export function recentTransactions(transactions: readonly LedgerTransaction[]): LedgerTransaction[] {
  const newest = transactions.reduce((latest, entry) => (entry.date > latest ? entry.date : latest), '');
  if (newest === '') return [];
  const cutoff = new Date(Date.parse(`${newest}T00:00:00Z`) - TRANSACTION_HISTORY_DAYS * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return transactions.filter((entry) => entry.date >= cutoff);
}

/** Adds a lot the household already owns (a transfer in, an opening balance) to a position. */
export function addLot(
  state: PortfolioStatePayload,
  accountId: string,
  symbol: string,
  lot: TaxLot,
): PortfolioStatePayload {
  const account = state.accounts.find((candidate) => candidate.accountId === accountId);
  if (account === undefined) throw new LedgerError(`account "${accountId}" does not exist`);
  const position = account.positions.find((candidate) => candidate.symbol === symbol);
  if (position?.lots.some((existing) => existing.lotId === lot.lotId)) {
    throw new LedgerError(`lot "${lot.lotId}" already exists in ${symbol} of account "${accountId}"`);
  }
  const updated: Position =
    position === undefined
      ? { symbol, quantity: lot.quantity, lots: [lot] }
      : {
          ...position,
          quantity: toDecimalString(
            toDecimal(position.quantity, 'quantity').plus(toDecimal(lot.quantity, 'lot quantity')),
          ),
          lots: [...position.lots, lot],
        };
  return {
    ...state,
    accounts: state.accounts.map((candidate) =>
      candidate !== account
        ? candidate
        : {
            ...account,
            positions:
              position === undefined
                ? [...account.positions, updated]
                : account.positions.map((existing) => (existing === position ? updated : existing)),
          },
    ),
  };
}

/** A deposit (positive) or withdrawal (negative) of cash in one account. */
export function moveCash(
  state: PortfolioStatePayload,
  accountId: string,
  amount: string,
): PortfolioStatePayload {
  const account = state.accounts.find((candidate) => candidate.accountId === accountId);
  if (account === undefined) throw new LedgerError(`account "${accountId}" does not exist`);
  const cash = toDecimal(account.cash, 'cash').plus(toDecimal(amount, 'amount'));
  if (cash.lt(0))
    throw new LedgerError(
      `withdrawing ${amount.replace('-', '')} from "${accountId}": cash is ${account.cash}`,
    );
  return {
    ...state,
    accounts: state.accounts.map((candidate) =>
      candidate === account ? { ...account, cash: toDecimalString(cash) } : candidate,
    ),
  };
}
