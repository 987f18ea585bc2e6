import {
  type OrdersProposedPayload,
  type PortfolioStatePayload,
  type ProposedOrder,
  type RebalanceProposedPayload,
  type WashSaleFinding,
} from '@ballast/contracts';
import { Decimal, parsePortfolioFile, type PortfolioFile } from '@ballast/domain-portfolio';
import {
  checkWashSalesPreTrade,
  InvalidTaxInputError,
  type PlanTaxReport,
  type PreTradeInput,
  type PreTradeWash,
  type ProposedOrder as TaxOrder,
  parseTaxPolicy,
  resolveWashSales,
  type TaxPolicy,
  taxOfPlan,
  type WashDecision,
  type WashResolution,
} from '@ballast/domain-tax';
import {
  type ApprovalPolicy,
  parseApprovalPolicy,
  portfolioDocumentFromState,
  servicePolicyOf,
  stateLotIds,
} from '@ballast/platform-ledger-snapshot';
import {
  type HouseholdInput,
  type HouseholdView,
  householdPlanningDate,
  householdView,
  type Origin,
} from './household-view';

export interface TaxOrdersInput {
  readonly state: PortfolioStatePayload;
  readonly proposal: RebalanceProposedPayload;
  /** When the proposal was published (its envelope's `occurredAt`): the approval's clock starts there. */
  readonly proposedAt: string;
  readonly resolution: WashResolution;
  readonly approvalDefaults: ApprovalPolicy;
  /**
   * The household's other portfolios and their pending proposals: the wash-sale check spans every
   * account of the taxpayer (IRS Publication 550). Absent: the proposal's portfolio alone.
   */
  readonly household?: HouseholdInput;
}

export type TaxOrdersResult =
  | { readonly kind: 'orders'; readonly payload: OrdersProposedPayload }
  /** Nothing left to order (every order removed by the wash-sale resolution). */
  | { readonly kind: 'no-orders'; readonly reason: string };

/** A household or policy the tax engine cannot work with; never retried (the message is dead-lettered). */
export class TaxInputError extends Error {
  override readonly name = 'TaxInputError';
}

/**
 * The orders of a proposal after tax, all through @ballast/domain-tax:
 *  1. lots relieved per sell by the account's lot method, priced at the reference price (`taxOfPlan`);
 *  2. the pre-trade wash-sale check across every account of the household (`checkWashSalesPreTrade`,
 *     with the state's transactions), the flagged orders resolved (`resolveWashSales`: substitute,
 *     remove or accept), and the final orders priced again;
 *  3. the approval the orders need under the policy's thresholds.
 * Legs keep their numbers (a removed leg leaves a gap): a leg names the same order from proposal to fill.
 */
export function taxOrders(input: TaxOrdersInput): TaxOrdersResult {
  const { state, proposal } = input;
  const household = input.household ?? { portfolios: [], pending: [] };
  const asOf = householdPlanningDate(state, household, proposal.asOf);
  const portfolio = parse(() => parsePortfolioFile(portfolioDocumentFromState(state, asOf)));
  const policy = parse(() =>
    parseTaxPolicy(portfolio.policy.tax, {
      accountIds: portfolio.accounts.map((account) => account.id),
      symbols: [
        ...new Set([
          ...portfolio.targets.map((t) => t.symbol),
          ...portfolio.accounts.flatMap((a) => a.lots.map((lot) => lot.symbol)),
          ...portfolio.transactions.map((t) => t.symbol),
          ...proposal.trades.map((t) => t.symbol),
        ]),
      ],
    }),
  );
  const approvalPolicy = parse(() =>
    parseApprovalPolicy(servicePolicyOf(state).approval, input.approvalDefaults),
  );

  const others = householdView(household, asOf);
  const scope = householdScope(portfolio, others, asOf);
  const firstPass = priced(scope, policy, asOf, proposal.trades.map(toTaxOrder));
  const orders: TaxOrder[] = proposal.trades.map((trade, index) => ({
    ...toTaxOrder(trade),
    ...(trade.side === 'sell' ? { lots: firstPass.orders[index]?.lots ?? [] } : {}),
  }));
  const checkInput: PreTradeInput = {
    orders,
    accounts: scope.accounts,
    transactions: scope.transactions,
    ...(others.pendingLossSales.length === 0 ? {} : { pendingLossSales: others.pendingLossSales }),
    policy,
    asOf,
    ...(scope.coverage === undefined ? {} : { coverage: scope.coverage }),
  };
  const initial = checkWashSalesPreTrade(checkInput);
  const prices = new Map(proposal.pricesUsed.map((price) => [price.symbol, price.price]));
  const explanation: string[] = [];
  let resolved;
  try {
    resolved = resolveWashSales(checkInput, {
      prices,
      resolution: input.resolution,
      wholeShares: portfolio.policy.wholeShares,
    });
  } catch (error) {
    if (!(error instanceof InvalidTaxInputError) || input.resolution !== 'substitute') throw error;
    // A substitute without a price in this run: the flagged orders are removed instead.
    explanation.push(`Wash sales: ${error.message}; flagged orders are removed instead of substituted.`);
    resolved = resolveWashSales(checkInput, {
      prices,
      resolution: 'remove',
      wholeShares: portfolio.policy.wholeShares,
    });
  }
  const decisions = new Map(resolved.decisions.map((decision) => [decision.orderId, decision]));
  const washSales = findings(initial.orders, orders, decisions, (counterparty) =>
    originOf(counterparty, portfolio.transactions.length, others),
  );

  if (resolved.orders.length === 0) {
    return {
      kind: 'no-orders',
      reason: `every order was removed by the wash-sale check: ${resolved.decisions.map((d) => d.reason).join('; ')}`,
    };
  }
  const final = priced(scope, policy, asOf, resolved.orders.map(withoutLots));
  const lotIds = stateLotIds(state);
  const legOf = new Map(proposal.trades.map((trade) => [String(trade.leg), trade]));
  const accountType = new Map(portfolio.accounts.map((account) => [account.id, account.type]));
  const proposedOrders: ProposedOrder[] = resolved.orders.map((order, index) => {
    const trade = legOf.get(order.orderId);
    if (trade === undefined)
      throw new Error(`order ${order.orderId} is no leg of proposal ${proposal.proposalId}`);
    const price =
      order.symbol === trade.symbol ? trade.referencePrice : (prices.get(order.symbol) ?? order.price);
    const lots =
      order.side === 'sell' && accountType.get(order.account) === 'taxable'
        ? (final.orders[index]?.lots ?? []).map((lot) => ({
            lotId: lotIds.get(lot.lotId) ?? lot.lotId,
            acquiredOn: lot.acquiredOn,
            quantity: lot.quantity,
            costBasis: lot.costBasis,
            gain: lot.gain,
            term: lot.term,
          }))
        : [];
    return {
      leg: trade.leg,
      accountId: order.account,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      referencePrice: price,
      estimatedValue: new Decimal(order.quantity).times(price).toFixed(),
      lots,
    };
  });

  const taxable = final.realized.filter((row) => row.taxable);
  const sum = (values: readonly string[]) =>
    values.reduce((total, v) => total.plus(v), new Decimal(0)).toFixed();
  const grossValue = proposedOrders.reduce(
    (total, order) => total.plus(order.estimatedValue),
    new Decimal(0),
  );
  const approval = approvalFor(grossValue, approvalPolicy, input.proposedAt);
  const coverage = final.coverage;
  explanation.push(
    `Lots: ${[...new Set(portfolio.accounts.map((a) => a.id))].map((id) => `${id} ${policy.lotMethod.get(id) ?? policy.defaultLotMethod}`).join(', ')}.`,
    `Realized in taxable accounts: short-term ${sum(taxable.map((r) => r.shortTerm))}, long-term ${sum(taxable.map((r) => r.longTerm))}; estimated tax ${final.estimatedTax.total}.`,
    ...resolved.decisions.map(
      (decision) => `Order ${decision.orderId} ${decision.decision}: ${decision.reason}.`,
    ),
    coverage.complete
      ? 'Wash-sale check: complete (30 days of history in every account).'
      : `Wash-sale check incomplete: ${coverage.gaps.map((gap) => gap.detail).join('; ')}.`,
    approval.reason,
  );
  return {
    kind: 'orders',
    payload: {
      proposalId: proposal.proposalId,
      portfolioId: proposal.portfolioId,
      stateVersion: proposal.stateVersion,
      asOf: proposal.asOf,
      baseCurrency: proposal.baseCurrency,
      orders: proposedOrders,
      taxImpact: {
        realizedShortTerm: sum(taxable.map((r) => r.shortTerm)),
        realizedLongTerm: sum(taxable.map((r) => r.longTerm)),
        estimatedTax: final.estimatedTax.total,
      },
      washSales,
      washSaleCoverage: {
        complete: coverage.complete,
        reason: coverage.complete ? null : coverage.gaps.map((gap) => gap.detail).join('; '),
      },
      approval,
      totalValue: proposal.totalValue,
      pricesUsed: proposal.pricesUsed,
      explanation,
    },
  };
}

/** Approval under the policy: by the orders' gross value against the two thresholds. */
export function approvalFor(
  grossValue: Decimal,
  policy: ApprovalPolicy,
  proposedAt: string,
): OrdersProposedPayload['approval'] {
  const expiresAt = new Date(Date.parse(proposedAt) + policy.expiresAfterMinutes * 60_000).toISOString();
  const value = grossValue.toFixed(2);
  if (grossValue.gt(policy.fourEyesValue)) {
    return {
      required: true,
      approversRequired: 2,
      reason: `Approval: orders worth ${value} exceed the four-eyes threshold ${policy.fourEyesValue}: two different people approve.`,
      expiresAt,
    };
  }
  if (grossValue.gt(policy.thresholdValue)) {
    return {
      required: true,
      approversRequired: 1,
      reason: `Approval: orders worth ${value} exceed the approval threshold ${policy.thresholdValue}: one person approves.`,
      expiresAt,
    };
  }
  return {
    required: false,
    approversRequired: 0,
    reason: `Approval: orders worth ${value} are within the approval threshold ${policy.thresholdValue}: approved by policy.`,
    expiresAt,
  };
}

function toTaxOrder(trade: RebalanceProposedPayload['trades'][number]): TaxOrder {
  return {
    orderId: String(trade.leg),
    account: trade.accountId,
    symbol: trade.symbol,
    side: trade.side,
    quantity: trade.quantity,
    price: trade.referencePrice,
  };
}

function withoutLots(order: TaxOrder): TaxOrder {
  const { lots: _lots, ...rest } = order;
  return rest;
}

/** What the tax engine sees: the proposal's portfolio, then the rest of the household. */
interface HouseholdScope {
  readonly accounts: PreTradeInput['accounts'] & Parameters<typeof taxOfPlan>[0]['accounts'];
  readonly transactions: PreTradeInput['transactions'];
  readonly coverage: { readonly historyFrom: string } | undefined;
}

/**
 * The proposal's accounts and transactions first (so that a transaction's index below the own count
 * is the portfolio's own), then the other portfolios'. History is known from the latest of every
 * portfolio's first transaction; with no other portfolio the engine's own reading stands.
 */
function householdScope(portfolio: PortfolioFile, others: HouseholdView, asOf: string): HouseholdScope {
  const ownFirst = portfolio.transactions.reduce((min, t) => (t.date < min ? t.date : min), asOf);
  return {
    accounts: [...portfolio.accounts, ...others.accounts],
    transactions: [...portfolio.transactions, ...others.transactions],
    coverage:
      others.historyFrom === undefined
        ? undefined
        : { historyFrom: others.historyFrom > ownFirst ? others.historyFrom : ownFirst },
  };
}

function priced(
  scope: HouseholdScope,
  policy: TaxPolicy,
  asOf: string,
  orders: readonly TaxOrder[],
): PlanTaxReport {
  return parse(() =>
    taxOfPlan({
      accounts: scope.accounts,
      transactions: scope.transactions,
      policy,
      asOf,
      orders,
      ...(scope.coverage === undefined ? {} : { coverage: scope.coverage }),
    }),
  );
}

/** The other side of a wash, as the finding names it. */
interface Counterparty {
  /** Set when it is in another portfolio of the household. */
  readonly portfolioId?: string;
  /** The account's id in its own portfolio. */
  readonly accountId: string;
  /** For another portfolio's trade: where it is and what it is, added to the finding's reason. */
  readonly note?: string;
}

function originOf(
  party: PreTradeWash['sale'] | PreTradeWash['replacement'],
  ownTransactions: number,
  others: HouseholdView,
): Counterparty {
  const own: Counterparty = { accountId: party.account };
  // Transactions are the portfolio's own first, then the household's; pending loss sales are all
  // the household's.
  const index =
    party.source === 'pending-loss-sale' ? Number(party.ref) : Number(party.ref) - ownTransactions;
  const origin: Origin | undefined =
    party.source === 'transaction'
      ? others.origins[index]
      : party.source === 'pending-loss-sale'
        ? others.pendingSaleOrigins[index]
        : undefined;
  if (index < 0 || origin === undefined) return own;
  const where = `account ${origin.accountId} of portfolio "${origin.portfolioName ?? origin.portfolioId}" (${origin.portfolioId}) of the same household`;
  return {
    ...(origin.portfolioId === undefined ? {} : { portfolioId: origin.portfolioId }),
    accountId: origin.accountId,
    note:
      origin.kind === 'pending'
        ? `the ${party.source === 'pending-loss-sale' ? 'loss sale' : 'buy'} is an order of proposal ${origin.proposalId ?? ''} of ${where}, not executed yet`
        : origin.kind === 'lot'
          ? `the buy is a lot acquired on ${party.date} in ${where} (no transaction of it in that state)`
          : `the ${party.source === 'transaction' ? 'trade' : 'order'} is in ${where}`,
  };
}

/** One finding per wash the first check saw, under the order that causes it, with what was done. */
function findings(
  verdicts: ReturnType<typeof checkWashSalesPreTrade>['orders'],
  orders: readonly TaxOrder[],
  decisions: ReadonlyMap<string, WashDecision>,
  counterpartyOf: (party: PreTradeWash['sale'] | PreTradeWash['replacement']) => Counterparty,
): WashSaleFinding[] {
  const out: WashSaleFinding[] = [];
  verdicts.forEach((verdict, index) => {
    const order = orders[index];
    if (order === undefined || verdict.verdict === 'ok') return;
    for (const wash of verdict.washes) {
      // Listed once: under the plan's sale when the sale is an order, else under the plan's buy.
      if (order.side === 'buy' && wash.sale.source === 'order') continue;
      const other = order.side === 'sell' ? wash.replacement : wash.sale;
      const counterparty = counterpartyOf(other);
      const decidedOn =
        decisions.get(order.orderId) ??
        (wash.replacement.source === 'order' ? decisions.get(wash.replacement.ref) : undefined);
      out.push({
        accountId: order.account,
        symbol: order.symbol,
        conflictingAccountId: counterparty.accountId,
        ...(counterparty.portfolioId === undefined
          ? {}
          : { conflictingPortfolioId: counterparty.portfolioId }),
        conflictingSymbol: other.symbol,
        conflictingDate: other.date,
        disallowedLoss: wash.disallowedLoss,
        resolution:
          decidedOn === undefined
            ? 'accepted'
            : decidedOn.decision === 'changed'
              ? 'substituted'
              : decidedOn.decision === 'removed'
                ? 'removed'
                : 'accepted',
        permanentlyLost: wash.treatment === 'permanently-disallowed',
        reason:
          (decidedOn?.reason ??
            `${order.side === 'sell' ? 'loss sale' : 'buy'} of ${order.symbol} in ${order.account} matches the ${other.source === 'order' ? 'proposed' : other.source === 'pending-loss-sale' ? 'pending' : 'past'} ${order.side === 'sell' ? 'buy' : 'loss sale'} of ${other.symbol} in ${counterparty.accountId} on ${other.date}`) +
          (counterparty.note === undefined ? '' : `; ${counterparty.note}`),
      });
    }
  });
  return out;
}

function parse<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new TaxInputError((error as Error).message);
  }
}
