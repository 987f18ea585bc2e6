import { Decimal } from '@ballast/domain-portfolio';
import {
  type AccountType,
  checkDate,
  daysBetween,
  decimal,
  type HouseholdTransaction,
  InvalidTaxInputError,
} from './household';
import { type LotSale } from './lot-relief';
import { identityOf, type TaxPolicy } from './tax-policy';
import { findWashSales, type LossSale, lossSalesOf, type Purchase, type WashSaleMatch } from './wash-sale';

/** A trade a plan proposes, dated `asOf`. */
export interface ProposedOrder {
  readonly orderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: string;
  readonly price: string;
  /** Sells: the lots relieved, with their gain or loss (`sellFromLots(...).sales`). */
  readonly lots?: readonly LotSale[];
}

/** A loss already realized (from the ledger): a new buy within 30 days after it would wash it. */
export interface PastLossSale {
  readonly account: string;
  readonly symbol: string;
  readonly date: string;
  readonly quantity: string;
  /** Positive. */
  readonly loss: string;
  /** When the sold shares were acquired (their holding period carries over); `date` when unknown. */
  readonly acquired?: string;
}

export interface PreTradeInput {
  readonly orders: readonly ProposedOrder[];
  /** Every account of the household in the input (taxable, IRA, Roth, the spouse's). */
  readonly accounts: readonly { readonly id: string; readonly type: AccountType }[];
  /** Past trades of all those accounts (dividend reinvestments are buys). */
  readonly transactions: readonly HouseholdTransaction[];
  /**
   * Losses realized in the past 60 days. When given, it is taken as complete: a past sell without an
   * entry was not at a loss. When absent, a past sell within 30 days has an unknown result and the
   * coverage says so.
   */
  readonly pastLossSales?: readonly PastLossSale[];
  /**
   * Loss sales proposed elsewhere in the household and not executed yet (another portfolio's
   * pending proposal), dated `asOf`: approved, they trade now. A buy proposed here within 30 days
   * washes them as it would a past loss sale (26 U.S.C. 1091(a)); the purchase of the lot one
   * relieves (a buy transaction of its account and symbol on its `acquired` date) is not its
   * replacement. They are not history: whether given or not, the coverage reads `transactions` and
   * `pastLossSales` alone.
   */
  readonly pendingLossSales?: readonly PastLossSale[];
  readonly policy: TaxPolicy;
  /** The trade date of the proposed orders. */
  readonly asOf: string;
  readonly coverage?: {
    /** First day the transactions cover; the earliest transaction's date when absent. */
    readonly historyFrom?: string;
    /** Accounts of the household that exist but are not in the input (another broker, a spouse's 401(k)). */
    readonly missingAccounts?: readonly string[];
  };
}

export type PreTradeVerdictKind = 'ok' | 'would-wash' | 'permanently-lost';

/**
 * One side of a wash: a past trade (`transactions[i]`, `pastLossSales[i]`), a loss sale pending
 * elsewhere (`pendingLossSales[i]`) or a proposed order.
 */
export interface WashCounterparty {
  readonly source: 'order' | 'transaction' | 'past-loss-sale' | 'pending-loss-sale';
  /** The order id, or the index in `transactions` / `pastLossSales` / `pendingLossSales`. */
  readonly ref: string;
  readonly account: string;
  readonly accountType: AccountType;
  readonly symbol: string;
  readonly date: string;
}

export interface PreTradeWash {
  /** The loss sale (for a buy order: the sale its purchase would wash). */
  readonly sale: WashCounterparty & { readonly lotId?: string };
  /** The replacement purchase (for a sell order: what washes it). */
  readonly replacement: WashCounterparty;
  readonly quantity: string;
  readonly disallowedLoss: string;
  /** `basis-adjusted`: deferred into the replacement's basis; `permanently-disallowed`: IRA/Roth replacement. */
  readonly treatment: WashSaleMatch['treatment'];
  /** Start of the replacement shares' holding period after the carry-over. */
  readonly holdingPeriodFrom: string;
}

export interface PreTradeAction {
  readonly action: 'remove' | 'buy-substitute' | 'accept';
  readonly detail: string;
  /** With `buy-substitute`: what to buy instead (never identical under the policy). */
  readonly substitute?: string;
  /** With `buy-substitute` on a sell's verdict: the proposed buy to change. */
  readonly orderId?: string;
}

export interface PreTradeVerdict {
  readonly orderId: string;
  readonly verdict: PreTradeVerdictKind;
  readonly washes: readonly PreTradeWash[];
  /** Total disallowed by this order's washes. */
  readonly disallowedLoss: string;
  readonly actions: readonly PreTradeAction[];
}

export interface CoverageGap {
  readonly code: 'history-shorter-than-30-days' | 'accounts-missing' | 'unknown-sale-result';
  readonly detail: string;
}

export interface PreTradeReport {
  readonly asOf: string;
  /** One per proposed order, in the orders' order. */
  readonly orders: readonly PreTradeVerdict[];
  readonly coverage: { readonly complete: boolean; readonly gaps: readonly CoverageGap[] };
}

const WINDOW_DAYS = 30;

/**
 * The pre-trade wash-sale check (issue 6, "Pre-trade"; 26 U.S.C. 1091; Treas. Reg. 1.1091-1): each
 * proposed loss sale is checked against the buys of substantially identical symbols in the past 30
 * days in every account of the household and against the plan's own buys; each proposed buy against
 * the loss sales of the past 30 days, those pending elsewhere in the household and the plan's own
 * loss sales. Matching is that of
 * {@link findWashSales} over past and proposed trades together (sales and purchases in date order,
 * each replacement share absorbing one loss), so a past buy that already replaced an earlier loss
 * does not replace a new one. A relieved lot's own purchase (same account, symbol and trade date) is
 * not its replacement. Sales inside an IRA or Roth realize no deductible loss and are never washed;
 * purchases there do wash a taxable loss.
 *
 * The verdict per order: `ok`; `would-wash` with the matching trades and the disallowed amount
 * (deferred into the replacement's basis); `permanently-lost` when a replacement is bought in an IRA
 * or Roth (Rev. Rul. 2008-5). Suggested actions: remove the order, buy the policy's substitute instead
 * (for a buy, or for the plan's buy that washes a sale), or accept the wash with its consequence.
 *
 * Coverage: when the transactions start less than 30 days before `asOf` (or there are none), when
 * accounts of the household are missing, or when a past sell's result is unknown, the report says
 * the coverage is incomplete: an `ok` then means "no wash among what was seen".
 *
 * @throws InvalidTaxInputError naming a malformed order, an order in an unknown account, a sell
 *   without its relieved lots, or a malformed date.
 */
export function checkWashSalesPreTrade(input: PreTradeInput): PreTradeReport {
  const { asOf, policy } = input;
  checkDate(asOf, 'asOf');
  const key = identityOf(policy);
  const typeOf = new Map(input.accounts.map((account) => [account.id, account.type]));
  const accountType = (account: string, path: string): AccountType => {
    const type = typeOf.get(account);
    if (type === undefined) {
      throw new InvalidTaxInputError(
        path,
        `unknown account "${account}"; accounts are ${[...typeOf.keys()].join(', ')}`,
      );
    }
    return type;
  };

  const purchases: Purchase[] = [];
  const sales: LossSale[] = [];
  const parties = new Map<string, WashCounterparty & { lotId?: string }>();

  input.transactions.forEach((t, i) => {
    const path = `transactions[${i}]`;
    checkDate(t.date, `${path}.date`);
    if (t.side !== 'buy' || t.date > asOf || daysBetween(t.date, asOf) > 3 * WINDOW_DAYS) return;
    const id = `tx:${i}`;
    const type = accountType(t.account, `${path}.account`);
    purchases.push({
      purchaseId: id,
      accountId: t.account,
      accountType: type,
      symbol: t.symbol,
      boughtOn: t.date,
      quantity: t.quantity,
    });
    parties.set(id, {
      source: 'transaction',
      ref: String(i),
      account: t.account,
      accountType: type,
      symbol: t.symbol,
      date: t.date,
    });
  });
  const lossSales = (
    list: readonly PastLossSale[] | undefined,
    field: 'pastLossSales' | 'pendingLossSales',
    source: 'past-loss-sale' | 'pending-loss-sale',
  ) =>
    (list ?? []).forEach((s, i) => {
      const path = `${field}[${i}]`;
      checkDate(s.date, `${path}.date`);
      const type = accountType(s.account, `${path}.account`);
      // Inside an IRA or Roth there is no deductible loss to disallow.
      if (type !== 'taxable' || s.date > asOf || daysBetween(s.date, asOf) > 2 * WINDOW_DAYS) return;
      const id = `${source === 'past-loss-sale' ? 'past' : 'pending'}:${i}`;
      // A pending sale relieves a lot the ledger holds: its own purchase (same account, symbol and
      // trade date) is not its replacement, as for the plan's own sales below.
      const own =
        source === 'pending-loss-sale' && s.acquired !== undefined
          ? purchases
              .filter(
                (p) =>
                  p.accountId === s.account &&
                  p.symbol === s.symbol &&
                  p.boughtOn === s.acquired &&
                  p.purchaseId.startsWith('tx:'),
              )
              .map((p) => p.purchaseId)
          : [];
      sales.push({
        saleId: id,
        accountId: s.account,
        symbol: s.symbol,
        soldOn: s.date,
        quantity: s.quantity,
        loss: s.loss,
        acquiredOn: s.acquired ?? s.date,
        ...(own.length === 0 ? {} : { soldPurchaseIds: own }),
      });
      parties.set(id, {
        source,
        ref: String(i),
        account: s.account,
        accountType: type,
        symbol: s.symbol,
        date: s.date,
      });
    });
  lossSales(input.pastLossSales, 'pastLossSales', 'past-loss-sale');
  lossSales(input.pendingLossSales, 'pendingLossSales', 'pending-loss-sale');
  const seen = new Set<string>();
  input.orders.forEach((order, i) => {
    const path = `orders[${i}]`;
    if (seen.has(order.orderId))
      throw new InvalidTaxInputError(`${path}.orderId`, `duplicate order id "${order.orderId}"`);
    seen.add(order.orderId);
    const type = accountType(order.account, `${path}.account`);
    if (!decimal(order.quantity, `${path}.quantity`).greaterThan(0)) {
      throw new InvalidTaxInputError(`${path}.quantity`, `must be positive, got ${order.quantity}`);
    }
    if (!decimal(order.price, `${path}.price`).greaterThan(0)) {
      throw new InvalidTaxInputError(`${path}.price`, `must be positive, got ${order.price}`);
    }
    const party = {
      source: 'order' as const,
      ref: order.orderId,
      account: order.account,
      accountType: type,
      symbol: order.symbol,
      date: asOf,
    };
    if (order.side === 'buy') {
      const id = `order:${order.orderId}`;
      purchases.push({
        purchaseId: id,
        accountId: order.account,
        accountType: type,
        symbol: order.symbol,
        boughtOn: asOf,
        quantity: order.quantity,
      });
      parties.set(id, party);
      return;
    }
    if (order.lots === undefined) {
      throw new InvalidTaxInputError(
        `${path}.lots`,
        'a sell order needs the lots it relieves, with their gain or loss',
      );
    }
    const relieved = order.lots.reduce((sum, lot) => sum.plus(lot.quantity), new Decimal(0));
    if (!relieved.equals(order.quantity)) {
      throw new InvalidTaxInputError(
        `${path}.lots`,
        `the lots relieve ${relieved.toFixed()} shares, the order sells ${order.quantity}`,
      );
    }
    if (type !== 'taxable') return; // a sale inside an IRA or Roth realizes no deductible loss
    for (const loss of lossSalesOf(
      { saleId: `order:${order.orderId}`, accountId: order.account, symbol: order.symbol, soldOn: asOf },
      order.lots,
    )) {
      const lot = order.lots.find((l) => `order:${order.orderId}:${l.lotId}` === loss.saleId);
      // The lot's own purchase is not its replacement.
      const own = purchases
        .filter(
          (p) =>
            p.accountId === order.account &&
            p.symbol === order.symbol &&
            p.boughtOn === lot?.acquiredOn &&
            p.purchaseId.startsWith('tx:'),
        )
        .map((p) => p.purchaseId);
      sales.push({ ...loss, soldPurchaseIds: [...(loss.soldPurchaseIds ?? []), ...own] });
      parties.set(loss.saleId, { ...party, ...(lot === undefined ? {} : { lotId: lot.lotId }) });
    }
  });

  const report = findWashSales(sales, purchases, key);
  const washesOf = new Map<string, PreTradeWash[]>();
  const add = (orderId: string, wash: PreTradeWash) =>
    washesOf.set(orderId, [...(washesOf.get(orderId) ?? []), wash]);
  for (const match of report.matches) {
    const sale = parties.get(match.saleId);
    const replacement = parties.get(match.purchaseId);
    if (sale === undefined || replacement === undefined) continue; // unreachable: every id is registered
    if (sale.source !== 'order' && replacement.source !== 'order') continue; // history, already done
    const wash: PreTradeWash = {
      sale,
      replacement,
      quantity: match.quantity,
      disallowedLoss: match.disallowedLoss,
      treatment: match.treatment,
      holdingPeriodFrom: match.holdingPeriodFrom,
    };
    if (sale.source === 'order') add(sale.ref, wash);
    if (replacement.source === 'order') add(replacement.ref, wash);
  }

  const orders = input.orders.map((order): PreTradeVerdict => {
    const washes = washesOf.get(order.orderId) ?? [];
    const disallowed = washes.reduce((sum, w) => sum.plus(w.disallowedLoss), new Decimal(0));
    const verdict: PreTradeVerdictKind =
      washes.length === 0
        ? 'ok'
        : washes.some((w) => w.treatment === 'permanently-disallowed')
          ? 'permanently-lost'
          : 'would-wash';
    return {
      orderId: order.orderId,
      verdict,
      washes,
      disallowedLoss: disallowed.toFixed(),
      actions:
        verdict === 'ok' ? [] : actionsFor(order, washes, disallowed, verdict, policy, key, sales, parties),
    };
  });
  return { asOf, orders, coverage: coverageOf(input) };
}

function actionsFor(
  order: ProposedOrder,
  washes: readonly PreTradeWash[],
  disallowed: Decimal,
  verdict: PreTradeVerdictKind,
  policy: TaxPolicy,
  key: (symbol: string) => string,
  sales: readonly LossSale[],
  parties: ReadonlyMap<string, WashCounterparty>,
): PreTradeAction[] {
  const consequence =
    verdict === 'permanently-lost'
      ? `the loss of ${disallowed.toFixed()} is lost permanently (the replacement is in an IRA or Roth)`
      : `the loss of ${disallowed.toFixed()} is deferred into the replacement shares' basis`;
  // A substitute must not be identical to anything sold at a loss in the window either.
  const lossKeys = new Set(sales.map((s) => key(parties.get(s.saleId)?.symbol ?? s.symbol)));
  const substituteFor = (symbol: string) =>
    (policy.substitutes.get(symbol) ?? []).find((candidate) => !lossKeys.has(key(candidate)));
  const actions: PreTradeAction[] = [];
  if (order.side === 'sell') {
    actions.push({ action: 'remove', detail: `keep the lots: no loss is realized, none is disallowed` });
    const buys = [
      ...new Set(washes.filter((w) => w.replacement.source === 'order').map((w) => w.replacement.ref)),
    ];
    for (const orderId of buys) {
      const buySymbol = washes.find((w) => w.replacement.ref === orderId)?.replacement.symbol ?? '';
      const substitute = substituteFor(buySymbol);
      actions.push(
        substitute === undefined
          ? {
              action: 'buy-substitute',
              orderId,
              detail: `no substitute for ${buySymbol} is configured (policy.substitutes)`,
            }
          : {
              action: 'buy-substitute',
              orderId,
              substitute,
              detail: `buy ${substitute} instead of ${buySymbol} in order ${orderId}`,
            },
      );
    }
  } else {
    actions.push({ action: 'remove', detail: `do not buy ${order.symbol} within 30 days of the loss sale` });
    const substitute = substituteFor(order.symbol);
    actions.push(
      substitute === undefined
        ? {
            action: 'buy-substitute',
            detail: `no substitute for ${order.symbol} is configured (policy.substitutes)`,
          }
        : { action: 'buy-substitute', substitute, detail: `buy ${substitute} instead of ${order.symbol}` },
    );
  }
  actions.push({ action: 'accept', detail: consequence });
  return actions;
}

function coverageOf(input: PreTradeInput): PreTradeReport['coverage'] {
  const base = washSaleCoverage({
    transactions: input.transactions,
    asOf: input.asOf,
    ...(input.coverage?.historyFrom === undefined ? {} : { historyFrom: input.coverage.historyFrom }),
    ...(input.coverage?.missingAccounts === undefined
      ? {}
      : { missingAccounts: input.coverage.missingAccounts }),
  });
  const gaps = [...base.gaps];
  if (input.pastLossSales === undefined) {
    const sells = input.transactions.filter(
      (t) => t.side === 'sell' && t.date <= input.asOf && daysBetween(t.date, input.asOf) <= WINDOW_DAYS,
    );
    if (sells.length > 0) {
      gaps.push({
        code: 'unknown-sale-result',
        detail: `gain or loss unknown for ${sells.map((t) => `the sale of ${t.quantity} ${t.symbol} in ${t.account} on ${t.date}`).join('; ')}: a buy now could wash them`,
      });
    }
  }
  return { complete: gaps.length === 0, gaps };
}

/**
 * Whether a household's trade history can answer "was anything identical bought or sold at a loss in
 * the 30 days before `asOf`": it cannot when the history starts later than that (or is empty), or when
 * accounts of the household are missing from it.
 */
export function washSaleCoverage(input: {
  readonly transactions: readonly HouseholdTransaction[];
  readonly asOf: string;
  /** First day the transactions cover; the earliest transaction's date when absent. */
  readonly historyFrom?: string;
  readonly missingAccounts?: readonly string[];
}): { readonly complete: boolean; readonly gaps: readonly CoverageGap[] } {
  const gaps: CoverageGap[] = [];
  const earliest = input.transactions.reduce<string | undefined>(
    (min, t) => (min === undefined || t.date < min ? t.date : min),
    undefined,
  );
  const from = input.historyFrom ?? earliest;
  if (from === undefined) {
    gaps.push({
      code: 'history-shorter-than-30-days',
      detail: 'no transaction history: buys and sales of the past 30 days are unknown',
    });
  } else {
    checkDate(from, 'coverage.historyFrom');
    if (daysBetween(from, input.asOf) < WINDOW_DAYS) {
      gaps.push({
        code: 'history-shorter-than-30-days',
        detail: `the history starts on ${from}, ${daysBetween(from, input.asOf)} days before ${input.asOf}: trades before it are unknown`,
      });
    }
  }
  const missing = input.missingAccounts ?? [];
  if (missing.length > 0) {
    gaps.push({
      code: 'accounts-missing',
      detail: `accounts of the household not in the input: ${missing.join(', ')}`,
    });
  }
  return { complete: gaps.length === 0, gaps };
}
