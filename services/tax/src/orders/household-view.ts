import { type PortfolioStatePayload } from '@ballast/contracts';
import { Decimal } from '@ballast/domain-portfolio';
import { type HouseholdAccount, type HouseholdTransaction, type PastLossSale } from '@ballast/domain-tax';
import { planningDate, portfolioDocumentFromState } from '@ballast/platform-ledger-snapshot';

/**
 * The wash-sale rule looks at the taxpayer, not at one portfolio: a loss sale is disallowed when
 * substantially identical securities are bought within 30 days before or after it in ANY account of
 * the taxpayer or the spouse (26 U.S.C. 1091(a); IRS Publication 550, "Wash Sales"), an IRA or Roth
 * included, where the loss is then lost for good (Rev. Rul. 2008-5). Ballast's household is that
 * taxpayer: this module gathers, for the proposal of one portfolio, what the household's OTHER
 * portfolios hold and did, in the shapes @ballast/domain-tax reads.
 */

/** An orders.proposed of another portfolio of the household that is not executed yet. */
export interface PendingProposal {
  readonly proposalId: string;
  readonly portfolioId: string;
  readonly orders: readonly {
    readonly accountId: string;
    readonly symbol: string;
    readonly side: 'buy' | 'sell';
    readonly quantity: string;
    readonly referencePrice: string;
    /** Sells in a taxable account: the lots relieved, with the gain or loss the tax service computed. */
    readonly lots?: readonly {
      readonly quantity: string;
      readonly gain: string;
      readonly acquiredOn: string;
    }[];
  }[];
}

export interface HouseholdInput {
  /** The latest portfolio.state of every other portfolio of the household (not the proposal's own). */
  readonly portfolios: readonly PortfolioStatePayload[];
  /** Their proposals still waiting for approval or execution. */
  readonly pending: readonly PendingProposal[];
}

/** Where an account or a trade of the household view comes from. */
export interface Origin {
  /** Absent for the proposal's own portfolio. */
  readonly portfolioId?: string;
  readonly portfolioName?: string;
  /** The account's id in its own portfolio. */
  readonly accountId: string;
  /** `ledger`: a transaction of the state; `lot`: a recent lot without one; `pending`: a proposed trade. */
  readonly kind: 'ledger' | 'lot' | 'pending';
  readonly proposalId?: string;
}

export interface HouseholdView {
  /** The other portfolios' accounts, each under a household-unique id (see {@link householdAccountId}). */
  readonly accounts: readonly HouseholdAccount[];
  /** Their buys and sells, the buys their recent lots show, and the buys of their pending proposals. */
  readonly transactions: readonly HouseholdTransaction[];
  /** One per entry of `transactions`. */
  readonly origins: readonly Origin[];
  /**
   * The loss sales of their pending proposals, one per relieved lot at a loss, dated `asOf`: a buy
   * proposed here would wash them (IRS Publication 550, "Wash Sales": bought within 30 days after).
   */
  readonly pendingLossSales: readonly PastLossSale[];
  /** One per entry of `pendingLossSales`. */
  readonly pendingSaleOrigins: readonly Origin[];
  /** Account id of the view -> where it comes from. */
  readonly accountOrigins: ReadonlyMap<string, Origin>;
  /**
   * The latest of the portfolios' first transaction dates (`asOf` for a portfolio without any):
   * before it, some portfolio's trades are unknown. Undefined when there is no other portfolio.
   */
  readonly historyFrom: string | undefined;
}

/**
 * Account ids are chosen per portfolio (two portfolios may both have a `taxable` account), so the
 * other portfolios' accounts are named `<portfolioId>/<accountId>` in the household view: never the
 * same as an own account, always traceable.
 */
export function householdAccountId(portfolioId: string, accountId: string): string {
  return `${portfolioId}/${accountId}`;
}

/**
 * The planning date of a household proposal: the latest of the prices' date and every lot and
 * transaction date of every portfolio of the household. Orders trade now, after everything booked in
 * any account (the same reasoning as `planningDate` for one portfolio), and a buy booked in another
 * portfolio after the prices' date must still be seen as before the sale, not after it.
 */
export function householdPlanningDate(
  state: PortfolioStatePayload,
  household: HouseholdInput,
  pricesAsOf: string,
): string {
  return [state, ...household.portfolios].reduce(
    (latest, portfolio) => {
      const date = planningDate(portfolio, pricesAsOf);
      return date > latest ? date : latest;
    },
    planningDate(state, pricesAsOf),
  );
}

const WINDOW_DAYS = 30;

/**
 * The household view of the other portfolios, as of `asOf` (the trade date):
 *  - every account, with its lots (untracked shares as the ledger snapshot reads them);
 *  - every transaction of the state;
 *  - a buy for each lot acquired in the 30 days up to `asOf` that no buy transaction of the same
 *    account, symbol and date accounts for: a state may carry lots without its transactions, and such
 *    a lot is a purchase all the same (its price is its cost per share). Untracked shares are not
 *    lots and make no buy;
 *  - a buy dated `asOf` for each buy of a pending proposal: if approved it is bought now, within 30
 *    days of this proposal's sales;
 *  - a loss sale dated `asOf` for each lot a pending proposal's sell relieves at a loss (the gain the
 *    tax service published with it): a buy proposed here would be bought within 30 days after it.
 */
export function householdView(household: HouseholdInput, asOf: string): HouseholdView {
  const accounts: HouseholdAccount[] = [];
  const transactions: HouseholdTransaction[] = [];
  const origins: Origin[] = [];
  const accountOrigins = new Map<string, Origin>();
  const names = new Map<string, string>();
  let historyFrom: string | undefined;
  const windowStart = shiftDays(asOf, -WINDOW_DAYS);

  for (const state of household.portfolios) {
    names.set(state.portfolioId, state.name);
    const document = portfolioDocumentFromState(state, asOf);
    const types = new Map(state.accounts.map((account) => [account.accountId, account.type]));
    for (const account of document.accounts) {
      const id = householdAccountId(state.portfolioId, account.id);
      const type = types.get(account.id);
      if (type === undefined) continue; // unreachable: the document's accounts are the state's
      accounts.push({ id, type, lots: account.lots });
      accountOrigins.set(id, {
        portfolioId: state.portfolioId,
        portfolioName: state.name,
        accountId: account.id,
        kind: 'ledger',
      });
    }
    const ledger = state.transactions ?? [];
    // As for the proposal's own portfolio, no transactions means nothing is known before today.
    const first = ledger.reduce((min, t) => (t.date < min ? t.date : min), asOf);
    if (historyFrom === undefined || first > historyFrom) historyFrom = first;
    for (const t of ledger) {
      if (!types.has(t.accountId)) continue; // a trade of a closed account: nothing to match it to
      transactions.push({
        account: householdAccountId(state.portfolioId, t.accountId),
        symbol: t.symbol,
        side: t.side,
        quantity: t.quantity,
        price: t.price,
        date: t.date,
      });
      origins.push(originOf(state, t.accountId, 'ledger'));
    }
    for (const account of state.accounts) {
      for (const position of account.positions) {
        for (const lot of position.lots) {
          if (lot.acquiredOn < windowStart || lot.acquiredOn > asOf) continue;
          const booked = ledger.some(
            (t) =>
              t.side === 'buy' &&
              t.accountId === account.accountId &&
              t.symbol === position.symbol &&
              t.date === lot.acquiredOn,
          );
          if (booked) continue;
          const quantity = new Decimal(lot.quantity);
          const price = new Decimal(lot.costBasis).dividedBy(quantity);
          transactions.push({
            account: householdAccountId(state.portfolioId, account.accountId),
            symbol: position.symbol,
            side: 'buy',
            quantity: lot.quantity,
            // The contract's prices are positive; a gifted lot with no basis is still a purchase.
            price: price.greaterThan(0) ? price.toFixed() : '0.000001',
            date: lot.acquiredOn,
          });
          origins.push(originOf(state, account.accountId, 'lot'));
        }
      }
    }
  }

  const pendingLossSales: PastLossSale[] = [];
  const pendingSaleOrigins: Origin[] = [];
  for (const proposal of household.pending) {
    for (const order of proposal.orders) {
      const account = householdAccountId(proposal.portfolioId, order.accountId);
      if (!accountOrigins.has(account)) continue; // the account is gone from the ledger since
      const name = names.get(proposal.portfolioId);
      const origin: Origin = {
        portfolioId: proposal.portfolioId,
        ...(name === undefined ? {} : { portfolioName: name }),
        accountId: order.accountId,
        kind: 'pending',
        proposalId: proposal.proposalId,
      };
      if (order.side === 'sell') {
        for (const lot of order.lots ?? []) {
          const gain = new Decimal(lot.gain);
          if (!gain.isNegative()) continue;
          pendingLossSales.push({
            account,
            symbol: order.symbol,
            date: asOf,
            quantity: lot.quantity,
            loss: gain.negated().toFixed(),
            acquired: lot.acquiredOn,
          });
          pendingSaleOrigins.push(origin);
        }
        continue;
      }
      transactions.push({
        account,
        symbol: order.symbol,
        side: 'buy',
        quantity: order.quantity,
        price: order.referencePrice,
        date: asOf,
      });
      origins.push(origin);
    }
  }
  return {
    accounts,
    transactions,
    origins,
    pendingLossSales,
    pendingSaleOrigins,
    accountOrigins,
    historyFrom,
  };
}

function originOf(state: PortfolioStatePayload, accountId: string, kind: Origin['kind']): Origin {
  return { portfolioId: state.portfolioId, portfolioName: state.name, accountId, kind };
}

function shiftDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
