import { type OrdersProposedPayload, type PortfolioStatePayload, type PriceUsed } from '@ballast/contracts';
import {
  aggregateAccounts,
  PortfolioDomainError,
  type PriceQuote,
  valuePortfolio,
} from '@ballast/domain-portfolio';
import { applyTrade, LedgerError } from '../portfolios/ledger';

/** Weights of a household at given prices: `{ totalValue, cash, weights: { SPY: 0.61, ... } }`. */
export interface Allocation {
  version: number;
  totalValue: string;
  cash: number;
  weights: Record<string, number>;
}

export interface ProposalAllocations {
  /** The portfolio the proposal was computed from, at the proposal's prices. */
  before: Allocation | null;
  /** `before` with every order filled at its reference price, without fees: what the proposal intends. */
  expectedAfter: Allocation | null;
  /** The portfolio now (after the fills applied so far), at the proposal's prices, so that only trades differ. */
  actualAfter: Allocation | null;
}

/** Values a snapshot with the domain's valuation; null when a price is missing or the value is not positive. */
export function allocationOf(state: PortfolioStatePayload, prices: readonly PriceUsed[]): Allocation | null {
  const quotes = new Map<string, PriceQuote>(prices.map((price) => [price.symbol, price]));
  try {
    const valuation = valuePortfolio(
      aggregateAccounts(
        state.accounts.map((account) => ({
          cash: account.cash,
          positions: account.positions.map((position) => ({
            symbol: position.symbol,
            quantity: position.quantity,
          })),
        })),
      ),
      quotes,
    );
    return {
      version: state.version,
      totalValue: valuation.totalValue,
      cash: valuation.cash.weight,
      weights: Object.fromEntries(valuation.holdings.map((holding) => [holding.symbol, holding.weight])),
    };
  } catch (error) {
    // A symbol bought later that the proposal's prices do not cover: no like-for-like allocation.
    if (error instanceof PortfolioDomainError) return null;
    throw error;
  }
}

/** The before state with the proposal's orders booked at their reference prices (sells first). */
export function expectedAfterState(
  before: PortfolioStatePayload,
  proposal: OrdersProposedPayload,
): PortfolioStatePayload | null {
  const ordered = [...proposal.orders].sort((a, b) =>
    a.side === b.side ? a.leg - b.leg : a.side === 'sell' ? -1 : 1,
  );
  let state = before;
  try {
    for (const order of ordered) {
      state = applyTrade(state, {
        accountId: order.accountId,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        price: order.referencePrice,
        fee: '0',
        date: proposal.asOf.slice(0, 10),
        lotSelection: order.lots,
        newLotId: `expected-${order.leg}`,
      }).state;
    }
  } catch (error) {
    if (error instanceof LedgerError || error instanceof PortfolioDomainError) return null;
    throw error;
  }
  return state;
}

export function proposalAllocations(
  proposal: OrdersProposedPayload,
  before: PortfolioStatePayload | null,
  current: PortfolioStatePayload | null,
): ProposalAllocations {
  const expected = before === null ? null : expectedAfterState(before, proposal);
  return {
    before: before === null ? null : allocationOf(before, proposal.pricesUsed),
    expectedAfter: expected === null ? null : allocationOf(expected, proposal.pricesUsed),
    actualAfter: current === null ? null : allocationOf(current, proposal.pricesUsed),
  };
}
