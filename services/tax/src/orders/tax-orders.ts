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
  planningDate,
  portfolioDocumentFromState,
  servicePolicyOf,
  stateLotIds,
} from '@ballast/platform-ledger-snapshot';

export interface TaxOrdersInput {
  readonly state: PortfolioStatePayload;
  readonly proposal: RebalanceProposedPayload;
  /** When the proposal was published (its envelope's `occurredAt`): the approval's clock starts there. */
  readonly proposedAt: string;
  readonly resolution: WashResolution;
  readonly approvalDefaults: ApprovalPolicy;
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
  const asOf = planningDate(state, proposal.asOf);
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

  const firstPass = priced(portfolio, policy, asOf, proposal.trades.map(toTaxOrder));
  const orders: TaxOrder[] = proposal.trades.map((trade, index) => ({
    ...toTaxOrder(trade),
    ...(trade.side === 'sell' ? { lots: firstPass.orders[index]?.lots ?? [] } : {}),
  }));
  const checkInput: PreTradeInput = {
    orders,
    accounts: portfolio.accounts,
    transactions: portfolio.transactions,
    policy,
    asOf,
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
  const washSales = findings(initial.orders, orders, decisions);

  if (resolved.orders.length === 0) {
    return {
      kind: 'no-orders',
      reason: `every order was removed by the wash-sale check: ${resolved.decisions.map((d) => d.reason).join('; ')}`,
    };
  }
  const final = priced(portfolio, policy, asOf, resolved.orders.map(withoutLots));
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

function priced(
  portfolio: PortfolioFile,
  policy: TaxPolicy,
  asOf: string,
  orders: readonly TaxOrder[],
): PlanTaxReport {
  return parse(() =>
    taxOfPlan({ accounts: portfolio.accounts, transactions: portfolio.transactions, policy, asOf, orders }),
  );
}

/** One finding per wash the first check saw, under the order that causes it, with what was done. */
function findings(
  verdicts: ReturnType<typeof checkWashSalesPreTrade>['orders'],
  orders: readonly TaxOrder[],
  decisions: ReadonlyMap<string, WashDecision>,
): WashSaleFinding[] {
  const out: WashSaleFinding[] = [];
  verdicts.forEach((verdict, index) => {
    const order = orders[index];
    if (order === undefined || verdict.verdict === 'ok') return;
    for (const wash of verdict.washes) {
      // Listed once: under the plan's sale when the sale is an order, else under the plan's buy.
      if (order.side === 'buy' && wash.sale.source === 'order') continue;
      const other = order.side === 'sell' ? wash.replacement : wash.sale;
      const decidedOn =
        decisions.get(order.orderId) ??
        (wash.replacement.source === 'order' ? decisions.get(wash.replacement.ref) : undefined);
      out.push({
        accountId: order.account,
        symbol: order.symbol,
        conflictingAccountId: other.account,
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
          decidedOn?.reason ??
          `${order.side === 'sell' ? 'loss sale' : 'buy'} of ${order.symbol} in ${order.account} matches the ${other.source === 'order' ? 'proposed' : 'past'} ${order.side === 'sell' ? 'buy' : 'loss sale'} of ${other.symbol} in ${other.account} on ${other.date}`,
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
