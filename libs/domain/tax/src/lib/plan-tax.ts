import { Decimal } from '@ballast/domain-portfolio';
import { netCapitalGains, type NettingResult } from './capital-loss-netting';
import { estimateTax, type TaxEstimate } from './estimated-tax';
import {
  type AccountType,
  type HouseholdAccount,
  type HouseholdTransaction,
  identifyLots,
  InvalidTaxInputError,
} from './household';
import { type LotSale, sellFromLots, type TaxLot } from './lot-relief';
import {
  checkWashSalesPreTrade,
  type CoverageGap,
  type PastLossSale,
  type PreTradeVerdict,
  type ProposedOrder,
} from './pre-trade-check';
import { lotMethodOf, type TaxPolicy } from './tax-policy';

/** An order of a plan, before tax: the planner's output. */
export interface PlanOrder {
  /** Defaults to the order's index in the list. */
  readonly orderId?: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  /** Estimated price per share. */
  readonly price: string;
}

export interface PlanTaxInput {
  readonly accounts: readonly HouseholdAccount[];
  readonly transactions: readonly HouseholdTransaction[];
  readonly policy: TaxPolicy;
  readonly asOf: string;
  readonly orders: readonly PlanOrder[];
  /** Losses realized in the past 60 days (see {@link checkWashSalesPreTrade}). */
  readonly pastLossSales?: readonly PastLossSale[];
  /** Gains and losses already realized this year in taxable accounts, netted with the plan's. */
  readonly realizedThisYear?: { readonly shortTerm: readonly string[]; readonly longTerm: readonly string[] };
  readonly coverage?: { readonly historyFrom?: string; readonly missingAccounts?: readonly string[] };
}

export interface PlanOrderTax {
  readonly orderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  /** Sells: the lots relieved, by the account's method; a washed loss shows its disallowed part. */
  readonly lots: readonly (LotSale & { readonly disallowedLoss: string })[];
  readonly washSale: PreTradeVerdict;
}

export interface PlanWashSale {
  readonly orderId: string;
  readonly lotId?: string;
  readonly account: string;
  readonly symbol: string;
  /** The replacement: an order of the plan or a past transaction. */
  readonly replacement: {
    readonly source: string;
    readonly ref: string;
    readonly account: string;
    readonly symbol: string;
    readonly date: string;
  };
  readonly quantity: string;
  readonly disallowedLoss: string;
  /** Added to the replacement's basis (0 when the loss is lost permanently). */
  readonly basisAdjustment: string;
  readonly permanentlyLost: boolean;
}

export interface PlanTaxReport {
  readonly orders: readonly PlanOrderTax[];
  /** Per account: realized short- and long-term gains of the plan (washed losses removed). */
  readonly realized: readonly {
    readonly account: string;
    readonly type: AccountType;
    readonly shortTerm: string;
    readonly longTerm: string;
    readonly taxable: boolean;
  }[];
  /** Netting of the taxable accounts' gains with this year's and the carry-forward. */
  readonly netting: NettingResult;
  readonly estimatedTax: TaxEstimate;
  readonly washSales: readonly PlanWashSale[];
  readonly coverage: { readonly complete: boolean; readonly gaps: readonly CoverageGap[] };
}

/**
 * The `tax` section of a plan (issue 6, CLI): each sell order's relieved lots by the account's relief
 * method (several sells of one symbol in one account relieve the lots in turn), realized short- and
 * long-term gains per account with washed losses removed, the household's netting (taxable accounts
 * only, with `realizedThisYear`, `policy.carryForward` and `policy.lossLimit`) and estimated tax at
 * `policy.taxRates`, the wash sales the plan would cause (pre-trade check) and the coverage.
 *
 * @throws InsufficientSharesError for a sale of more than the account holds; InvalidTaxInputError for
 *   an order in an unknown account, a lot with a negative quantity or acquired after `asOf`.
 */
export function taxOfPlan(input: PlanTaxInput): PlanTaxReport {
  const { policy, asOf } = input;
  const lots = identifyLots(input.accounts, asOf);
  const typeOf = new Map(input.accounts.map((account) => [account.id, account.type]));
  const left = new Map<string, TaxLot[]>();
  const keyOf = (account: string, symbol: string) => `${account}\u0000${symbol.toUpperCase()}`;
  for (const lot of lots) {
    const key = keyOf(lot.accountId, lot.symbol);
    left.set(key, [
      ...(left.get(key) ?? []),
      { lotId: lot.lotId, quantity: lot.quantity, costBasis: lot.costBasis, acquiredOn: lot.acquiredOn },
    ]);
  }

  const proposed: ProposedOrder[] = input.orders.map((order, index) => {
    const orderId = order.orderId ?? String(index);
    if (!typeOf.has(order.account)) {
      throw new InvalidTaxInputError(`orders[${index}].account`, `unknown account "${order.account}"`);
    }
    if (order.side === 'buy') return { ...order, orderId };
    const key = keyOf(order.account, order.symbol);
    const result = sellFromLots({
      lots: left.get(key) ?? [],
      quantity: order.quantity,
      price: order.price,
      soldOn: asOf,
      // `specific` needs lots named per order: the planner names none here, so the tax-minimizing choice.
      method:
        lotMethodOf(policy, order.account) === 'specific'
          ? 'tax-minimizing'
          : lotMethodOf(policy, order.account),
    });
    left.set(key, [...result.remaining]);
    return { ...order, orderId, lots: result.sales };
  });

  const check = checkWashSalesPreTrade({
    orders: proposed,
    accounts: input.accounts,
    transactions: input.transactions,
    ...(input.pastLossSales === undefined ? {} : { pastLossSales: input.pastLossSales }),
    policy,
    asOf,
    ...(input.coverage === undefined ? {} : { coverage: input.coverage }),
  });
  const washSales: PlanWashSale[] = [];
  const disallowedOf = new Map<string, Decimal>();
  for (const verdict of check.orders) {
    for (const wash of verdict.washes) {
      if (wash.sale.source !== 'order' || wash.sale.ref !== verdict.orderId) continue; // listed once, under the sale
      const key = `${verdict.orderId}\u0000${wash.sale.lotId ?? ''}`;
      disallowedOf.set(key, (disallowedOf.get(key) ?? new Decimal(0)).plus(wash.disallowedLoss));
      const permanentlyLost = wash.treatment === 'permanently-disallowed';
      washSales.push({
        orderId: verdict.orderId,
        ...(wash.sale.lotId === undefined ? {} : { lotId: wash.sale.lotId }),
        account: wash.sale.account,
        symbol: wash.sale.symbol,
        replacement: {
          source: wash.replacement.source,
          ref: wash.replacement.ref,
          account: wash.replacement.account,
          symbol: wash.replacement.symbol,
          date: wash.replacement.date,
        },
        quantity: wash.quantity,
        disallowedLoss: wash.disallowedLoss,
        basisAdjustment: permanentlyLost ? '0' : wash.disallowedLoss,
        permanentlyLost,
      });
    }
  }

  const perAccount = new Map<string, { shortTerm: Decimal; longTerm: Decimal }>();
  const taxableShort: string[] = [...(input.realizedThisYear?.shortTerm ?? [])];
  const taxableLong: string[] = [...(input.realizedThisYear?.longTerm ?? [])];
  const orders: PlanOrderTax[] = proposed.map((order, index) => {
    const relieved = (order.lots ?? []).map((lot) => {
      const disallowed = disallowedOf.get(`${order.orderId}\u0000${lot.lotId}`) ?? new Decimal(0);
      const counted = new Decimal(lot.gain).plus(disallowed); // a washed loss is not realized now
      const totals = perAccount.get(order.account) ?? { shortTerm: new Decimal(0), longTerm: new Decimal(0) };
      if (lot.term === 'short') totals.shortTerm = totals.shortTerm.plus(counted);
      else totals.longTerm = totals.longTerm.plus(counted);
      perAccount.set(order.account, totals);
      if (typeOf.get(order.account) === 'taxable')
        (lot.term === 'short' ? taxableShort : taxableLong).push(counted.toFixed());
      return { ...lot, disallowedLoss: disallowed.toFixed() };
    });
    return {
      orderId: order.orderId,
      account: order.account,
      symbol: order.symbol,
      side: order.side,
      lots: relieved,
      washSale: check.orders[index] as PreTradeVerdict,
    };
  });
  const netting = netCapitalGains({
    shortTerm: taxableShort,
    longTerm: taxableLong,
    carriedIn: policy.carryForward,
    annualLossLimit: policy.lossLimit,
  });
  return {
    orders,
    realized: input.accounts
      .filter((account) => perAccount.has(account.id))
      .map((account) => {
        const totals = perAccount.get(account.id) ?? { shortTerm: new Decimal(0), longTerm: new Decimal(0) };
        return {
          account: account.id,
          type: account.type,
          shortTerm: totals.shortTerm.toFixed(),
          longTerm: totals.longTerm.toFixed(),
          taxable: account.type === 'taxable',
        };
      }),
    netting,
    estimatedTax: estimateTax(netting, policy.taxRates),
    washSales,
    coverage: check.coverage,
  };
}
