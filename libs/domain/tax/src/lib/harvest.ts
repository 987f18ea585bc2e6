import { Decimal } from '@ballast/domain-portfolio';
import { holdingTerm, type HoldingTerm } from './holding-period';
import {
  checkDate,
  daysBetween,
  decimal,
  type HouseholdAccount,
  type HouseholdTransaction,
  identifyLots,
  InvalidTaxInputError,
} from './household';
import { type CoverageGap, washSaleCoverage } from './pre-trade-check';
import { identityOf, type TaxPolicy } from './tax-policy';

export interface HarvestInput {
  readonly accounts: readonly HouseholdAccount[];
  /** Last price per symbol, decimal strings. */
  readonly prices: ReadonlyMap<string, string>;
  readonly transactions: readonly HouseholdTransaction[];
  readonly policy: TaxPolicy;
  /** `YYYY-MM-DD`: the day the harvest sales would trade. */
  readonly asOf: string;
  readonly costs?: { readonly commission: string; readonly spreadBps: number };
  readonly restrictions?: {
    readonly doNotSell?: readonly string[];
    readonly doNotBuy?: readonly string[];
    readonly halted?: readonly string[];
  };
  /** Buys already planned within the next 30 days (any account). */
  readonly plannedBuys?: readonly {
    readonly account: string;
    readonly symbol: string;
    readonly quantity: string;
  }[];
  readonly wholeShares?: boolean;
  /** First day the transactions cover; the earliest transaction's date when absent. */
  readonly historyFrom?: string;
  /** Accounts of the household that exist but are not in the input. */
  readonly missingAccounts?: readonly string[];
}

export interface HarvestCandidate {
  readonly lotId: string;
  readonly accountId: string;
  readonly symbol: string;
  readonly acquired: string;
  readonly quantity: string;
  readonly costBasis: string;
  readonly price: string;
  readonly marketValue: string;
  /** Positive. */
  readonly unrealizedLoss: string;
  /** Loss as a fraction of the basis. */
  readonly lossPct: number;
  readonly term: HoldingTerm;
  readonly tradingCost: string;
  /** unrealizedLoss − tradingCost. */
  readonly netLoss: string;
  readonly substitute: { readonly symbol: string; readonly price: string; readonly quantity: string };
  readonly taxBenefit: { readonly federal: string; readonly state: string; readonly total: string };
  /** taxBenefit.total − tradingCost. */
  readonly netBenefit: string;
}

export const HARVEST_EXCLUSION_REASONS = [
  'no-price',
  'tax-advantaged-account',
  'restricted',
  'below-threshold',
  'wash-sale-window',
  'no-substitute',
] as const;
export type HarvestExclusionReason = (typeof HARVEST_EXCLUSION_REASONS)[number];

export interface HarvestExclusion {
  readonly lotId: string;
  readonly accountId: string;
  readonly symbol: string;
  /** Positive; null when the lot has no price. */
  readonly unrealizedLoss: string | null;
  readonly reasons: readonly { readonly code: HarvestExclusionReason; readonly detail: string }[];
}

export interface HarvestReport {
  readonly asOf: string;
  /** Best net benefit first. */
  readonly candidates: readonly HarvestCandidate[];
  readonly excluded: readonly HarvestExclusion[];
  /** Sum of the candidates' total tax benefit. */
  readonly totalTaxBenefit: string;
  /**
   * Whether the transactions cover the 30 days before `asOf` in every account: when not, a
   * candidate may still be washed by a purchase the engine did not see.
   */
  readonly coverage: { readonly complete: boolean; readonly gaps: readonly CoverageGap[] };
}

const WINDOW_DAYS = 30;
const cents = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);

/**
 * Tax-loss harvesting candidates (issue 6, "Harvesting"): taxable lots whose unrealized loss, net of
 * the trading costs of selling the lot and buying its substitute, is at least the policy's percentage
 * of the lot's basis AND its absolute amount; each with the substitute to buy (from the policy, never
 * one the policy marks substantially identical) and the estimated tax benefit. Every losing lot left
 * out is reported with its reasons.
 *
 * Rules and assumptions:
 *  - Only taxable accounts harvest: a loss inside an IRA or Roth is not deductible.
 *  - Wash sales (26 U.S.C. 1091): a lot is left out when a substantially identical symbol was bought in
 *    ANY household account within the 30 days up to `asOf` (a sale today would be washed by it), or
 *    when a buy of one is planned (`plannedBuys`: a dividend reinvestment, a plan's buy), which would
 *    land within the 30 days after. The lot's own purchase (same account, symbol and trade date) is
 *    not a replacement for it.
 *  - Trading costs (the portfolio policy's `costs`): one commission and the half-spread
 *    (`spreadBps` of the value) on each of the two orders, the sale and the substitute's purchase.
 *  - Estimated tax benefit: the loss at the rate of its character (short-term at `taxRates.shortTerm`,
 *    long-term at `taxRates.longTerm`) plus the state rate, i.e. assuming the loss offsets gains of the
 *    same character this year; rounded to cents. A household with no gains deducts at most the
 *    `lossLimit` a year and carries the rest, so the benefit is then deferred, not lost.
 *  - The substitute is bought for the sale's proceeds net of both orders' costs: whole shares, rounded down, unless
 *    `wholeShares` is false (then 6 decimals).
 *
 * @throws InvalidTaxInputError for a lot with a negative quantity, a lot acquired after `asOf`, a
 *   malformed price or date, naming the field.
 */
export function findHarvestCandidates(input: HarvestInput): HarvestReport {
  const { policy, asOf } = input;
  checkDate(asOf, 'asOf');
  const lots = identifyLots(input.accounts, asOf);
  const key = identityOf(policy);
  const price = (symbol: string): Decimal | undefined => {
    const text = input.prices.get(symbol);
    if (text === undefined) return undefined;
    const parsed = decimal(text, `prices.${symbol}`);
    if (!parsed.greaterThan(0))
      throw new InvalidTaxInputError(`prices.${symbol}`, `must be positive, got ${text}`);
    return parsed;
  };
  const commission = decimal(input.costs?.commission ?? '0', 'costs.commission');
  const spread = new Decimal(String(input.costs?.spreadBps ?? 0)).dividedBy(10_000);
  const doNotSell = new Set(input.restrictions?.doNotSell ?? []);
  const doNotBuy = new Set(input.restrictions?.doNotBuy ?? []);
  const halted = new Set(input.restrictions?.halted ?? []);
  const recentBuys = input.transactions
    .map((transaction, index) => {
      checkDate(transaction.date, `transactions[${index}].date`);
      return transaction;
    })
    .filter((t) => t.side === 'buy' && t.date <= asOf && daysBetween(t.date, asOf) <= WINDOW_DAYS);
  const rates = policy.taxRates;
  const stateRate = new Decimal(String(rates.state));

  const candidates: HarvestCandidate[] = [];
  const excluded: HarvestExclusion[] = [];
  for (const lot of lots) {
    const lotPrice = price(lot.symbol);
    if (lotPrice === undefined) {
      excluded.push({
        lotId: lot.lotId,
        accountId: lot.accountId,
        symbol: lot.symbol,
        unrealizedLoss: null,
        reasons: [
          { code: 'no-price', detail: `no price for ${lot.symbol}: the lot's gain or loss is unknown` },
        ],
      });
      continue;
    }
    const quantity = new Decimal(lot.quantity);
    const basis = new Decimal(lot.costBasis);
    const value = lotPrice.times(quantity);
    const loss = basis.minus(value);
    if (!loss.greaterThan(0)) continue;

    if (lot.accountType !== 'taxable') {
      // The other tests would only add noise: nothing about this lot can make its loss deductible.
      excluded.push({
        lotId: lot.lotId,
        accountId: lot.accountId,
        symbol: lot.symbol,
        unrealizedLoss: loss.toFixed(),
        reasons: [
          {
            code: 'tax-advantaged-account',
            detail: `${lot.accountId} is a ${lot.accountType} account: a loss there is not deductible`,
          },
        ],
      });
      continue;
    }
    const reasons: { code: HarvestExclusionReason; detail: string }[] = [];
    if (doNotSell.has(lot.symbol) || halted.has(lot.symbol)) {
      reasons.push({
        code: 'restricted',
        detail: `${lot.symbol} is ${halted.has(lot.symbol) ? 'halted' : 'on the do-not-sell list'}`,
      });
    }
    const tradingCost = cents(commission.times(2).plus(value.times(spread).times(2)));
    const netLoss = loss.minus(tradingCost);
    const minAmount = new Decimal(policy.harvest.minLossAmount);
    const minPct = new Decimal(String(policy.harvest.minLossPct));
    if (netLoss.lessThan(minAmount) || netLoss.lessThan(basis.times(minPct))) {
      reasons.push({
        code: 'below-threshold',
        detail:
          `net loss ${cents(netLoss).toFixed(2)} (after ${tradingCost.toFixed(2)} of trading costs) is ` +
          `${basis.isZero() ? 'not measurable against a zero basis' : `${pct(netLoss.dividedBy(basis))} of the basis`}; ` +
          `the policy asks for at least ${minAmount.toFixed()} and ${pct(minPct)}`,
      });
    }
    const ownPurchase = (t: HouseholdTransaction) =>
      t.account === lot.accountId && t.symbol.toUpperCase() === lot.symbol && t.date === lot.acquiredOn;
    const washing = recentBuys.filter((t) => key(t.symbol) === key(lot.symbol) && !ownPurchase(t));
    const planned = (input.plannedBuys ?? []).filter((b) => key(b.symbol) === key(lot.symbol));
    if (washing.length > 0 || planned.length > 0) {
      const shares = [...washing, ...planned].reduce((sum, t) => sum.plus(t.quantity), new Decimal(0));
      reasons.push({
        code: 'wash-sale-window',
        detail: [
          ...washing.map((t) => `bought ${t.quantity} ${t.symbol} in ${t.account} on ${t.date}`),
          ...planned.map((b) => `a planned buy of ${b.quantity} ${b.symbol} in ${b.account}`),
        ]
          .join('; ')
          .concat(
            `: a sale now would have the loss on ${Decimal.min(shares, quantity).toFixed()} of ${lot.quantity} shares disallowed (26 U.S.C. 1091)`,
          ),
      });
    }
    const substitute = chooseSubstitute(lot.symbol, policy, key, price, doNotBuy, halted);
    if ('reason' in substitute) reasons.push({ code: 'no-substitute', detail: substitute.reason });

    // (The second test only narrows the type: a missing substitute is already among the reasons.)
    if (reasons.length > 0 || 'reason' in substitute) {
      excluded.push({
        lotId: lot.lotId,
        accountId: lot.accountId,
        symbol: lot.symbol,
        unrealizedLoss: loss.toFixed(),
        reasons,
      });
      continue;
    }
    const term = holdingTerm(lot.acquiredOn, asOf);
    const federalRate = new Decimal(String(term === 'short' ? rates.shortTerm : rates.longTerm));
    const federal = cents(loss.times(federalRate));
    const state = cents(loss.times(stateRate));
    candidates.push({
      lotId: lot.lotId,
      accountId: lot.accountId,
      symbol: lot.symbol,
      acquired: lot.acquiredOn,
      quantity: lot.quantity,
      costBasis: lot.costBasis,
      price: lotPrice.toFixed(),
      marketValue: value.toFixed(),
      unrealizedLoss: loss.toFixed(),
      lossPct: basis.isZero() ? 0 : loss.dividedBy(basis).toNumber(),
      term,
      tradingCost: tradingCost.toFixed(2),
      netLoss: netLoss.toFixed(),
      substitute: {
        symbol: substitute.symbol,
        price: substitute.price.toFixed(),
        quantity: '0', // sized below, once the substitutes of the whole harvest are chosen
      },
      taxBenefit: {
        federal: federal.toFixed(2),
        state: state.toFixed(2),
        total: federal.plus(state).toFixed(2),
      },
      netBenefit: federal.plus(state).minus(tradingCost).toFixed(2),
    });
  }
  candidates.sort(
    (a, b) => new Decimal(b.netBenefit).comparedTo(a.netBenefit) || a.lotId.localeCompare(b.lotId),
  );
  // The harvest is one set of trades: a substitute bought for one lot must not be identical to a
  // symbol sold at a loss for another (that purchase would wash that loss), so candidates are taken
  // best first and each later one avoids what the earlier ones sell and buy.
  const sold = new Set<string>();
  const bought = new Map<string, string>();
  const kept: HarvestCandidate[] = [];
  for (const candidate of candidates) {
    const buyer = bought.get(key(candidate.symbol));
    const substitute =
      buyer === undefined
        ? chooseSubstitute(candidate.symbol, policy, key, price, doNotBuy, halted, sold)
        : undefined;
    if (substitute === undefined || 'reason' in substitute) {
      excluded.push({
        lotId: candidate.lotId,
        accountId: candidate.accountId,
        symbol: candidate.symbol,
        unrealizedLoss: candidate.unrealizedLoss,
        reasons: [
          substitute === undefined
            ? {
                code: 'wash-sale-window',
                detail: `the harvest of ${buyer ?? ''} buys a substantially identical substitute: selling ${candidate.symbol} at a loss with it would be a wash sale`,
              }
            : { code: 'no-substitute', detail: substitute.reason },
        ],
      });
      continue;
    }
    sold.add(key(candidate.symbol));
    bought.set(key(substitute.symbol), candidate.lotId);
    const quantity = new Decimal(candidate.marketValue)
      .minus(candidate.tradingCost)
      .dividedBy(substitute.price)
      .toDecimalPlaces(input.wholeShares === false ? 6 : 0, Decimal.ROUND_DOWN);
    kept.push({
      ...candidate,
      substitute: {
        symbol: substitute.symbol,
        price: substitute.price.toFixed(),
        quantity: quantity.toFixed(),
      },
    });
  }
  const order = new Map(lots.map((lot, index) => [lot.lotId, index]));
  excluded.sort((a, b) => (order.get(a.lotId) ?? 0) - (order.get(b.lotId) ?? 0));
  return {
    asOf,
    candidates: kept,
    excluded,
    totalTaxBenefit: kept.reduce((sum, c) => sum.plus(c.taxBenefit.total), new Decimal(0)).toFixed(2),
    coverage: washSaleCoverage({
      transactions: input.transactions,
      asOf,
      ...(input.historyFrom === undefined ? {} : { historyFrom: input.historyFrom }),
      ...(input.missingAccounts === undefined ? {} : { missingAccounts: input.missingAccounts }),
    }),
  };
}

function chooseSubstitute(
  symbol: string,
  policy: TaxPolicy,
  key: (symbol: string) => string,
  price: (symbol: string) => Decimal | undefined,
  doNotBuy: ReadonlySet<string>,
  halted: ReadonlySet<string>,
  harvested: ReadonlySet<string> = new Set(),
): { symbol: string; price: Decimal } | { reason: string } {
  const configured = policy.substitutes.get(symbol) ?? [];
  if (configured.length === 0) {
    return { reason: `no substitute configured for ${symbol} (policy.substitutes)` };
  }
  const refused: string[] = [];
  for (const candidate of configured) {
    if (key(candidate) === key(symbol)) {
      refused.push(`${candidate} is substantially identical`);
      continue;
    }
    if (harvested.has(key(candidate))) {
      refused.push(`${candidate} is sold at a loss by this harvest (buying it would be a wash sale)`);
      continue;
    }
    if (doNotBuy.has(candidate) || halted.has(candidate)) {
      refused.push(`${candidate} is ${halted.has(candidate) ? 'halted' : 'on the do-not-buy list'}`);
      continue;
    }
    const quote = price(candidate);
    if (quote === undefined) {
      refused.push(`${candidate} has no price`);
      continue;
    }
    return { symbol: candidate, price: quote };
  }
  return { reason: `no usable substitute for ${symbol}: ${refused.join(', ')}` };
}

function pct(fraction: Decimal): string {
  return `${fraction.times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed()}%`;
}
