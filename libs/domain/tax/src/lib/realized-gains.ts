import { Decimal } from '@ballast/domain-portfolio';
import { type CapitalLossCarryforward, netCapitalGains, type NettingResult } from './capital-loss-netting';
import { estimateTax, type TaxEstimate } from './estimated-tax';
import { checkDate, type AccountType } from './household';
import { type LotSale } from './lot-relief';
import { type TaxPolicy } from './tax-policy';

/** A sale already made (from the ledger): its relieved lots with their gains. */
export interface RealizedSale {
  readonly saleId: string;
  readonly accountId: string;
  readonly accountType: AccountType;
  readonly soldOn: string;
  readonly lots: readonly LotSale[];
}

export interface RealizedYear {
  readonly year: number;
  /** Per account: realized short- and long-term gains (washed losses removed). */
  readonly accounts: readonly {
    readonly accountId: string;
    readonly accountType: AccountType;
    readonly shortTerm: string;
    readonly longTerm: string;
  }[];
  /** The taxable accounts' year netted with the losses carried in. */
  readonly netting: NettingResult;
  readonly carriedIn: CapitalLossCarryforward;
  readonly estimatedTax: TaxEstimate;
}

/**
 * Realized gains per account and per year, and the household's tax year by year (issue 6, "Lots and
 * gains"): short- and long-term gains per account; for taxable accounts, the year's netting with the
 * losses carried in from the year before (starting from `policy.carryForward` in the first year),
 * the deduction up to `policy.lossLimit` and the carry-forward to the next year (26 U.S.C. 1211(b),
 * 1212(b)); estimated tax at `policy.taxRates`. A year with no sale still appears when a loss is carried
 * through it. A washed loss is not realized: `disallowed` maps `<saleId>:<lotId>` to the disallowed
 * part (as `findWashSales` reports it with `lossSalesOf` ids), which is added back to the lot's gain.
 *
 * @throws InvalidTaxInputError for a malformed sale date; InvalidAmountError for a malformed gain.
 */
export function realizedGainsByYear(
  sales: readonly RealizedSale[],
  policy: TaxPolicy,
  disallowed: ReadonlyMap<string, string> = new Map(),
): RealizedYear[] {
  const byYear = new Map<number, Map<string, { type: AccountType; short: Decimal; long: Decimal }>>();
  sales.forEach((sale, index) => {
    checkDate(sale.soldOn, `sales[${index}].soldOn`);
    const year = Number(sale.soldOn.slice(0, 4));
    const accounts =
      byYear.get(year) ?? new Map<string, { type: AccountType; short: Decimal; long: Decimal }>();
    const totals = accounts.get(sale.accountId) ?? {
      type: sale.accountType,
      short: new Decimal(0),
      long: new Decimal(0),
    };
    for (const lot of sale.lots) {
      const gain = new Decimal(lot.gain).plus(disallowed.get(`${sale.saleId}:${lot.lotId}`) ?? '0');
      if (lot.term === 'short') totals.short = totals.short.plus(gain);
      else totals.long = totals.long.plus(gain);
    }
    accounts.set(sale.accountId, totals);
    byYear.set(year, accounts);
  });
  if (byYear.size === 0) return [];
  const first = Math.min(...byYear.keys());
  const last = Math.max(...byYear.keys());
  const result: RealizedYear[] = [];
  let carried: CapitalLossCarryforward = policy.carryForward;
  for (let year = first; year <= last || hasCarry(carried); year += 1) {
    const accounts =
      byYear.get(year) ?? new Map<string, { type: AccountType; short: Decimal; long: Decimal }>();
    const taxable = [...accounts.values()].filter((totals) => totals.type === 'taxable');
    const netting = netCapitalGains({
      shortTerm: taxable.map((totals) => totals.short.toFixed()),
      longTerm: taxable.map((totals) => totals.long.toFixed()),
      carriedIn: carried,
      annualLossLimit: policy.lossLimit,
    });
    // Past the last year of sales, a carry that nothing deducts (a loss limit of 0) would repeat forever.
    if (year > last && sameCarry(netting.carryforward, carried)) break;
    result.push({
      year,
      accounts: [...accounts.entries()].map(([accountId, totals]) => ({
        accountId,
        accountType: totals.type,
        shortTerm: totals.short.toFixed(),
        longTerm: totals.long.toFixed(),
      })),
      netting,
      carriedIn: carried,
      estimatedTax: estimateTax(netting, policy.taxRates),
    });
    carried = netting.carryforward;
  }
  return result;
}

function sameCarry(a: CapitalLossCarryforward, b: CapitalLossCarryforward): boolean {
  return new Decimal(a.shortTerm).equals(b.shortTerm) && new Decimal(a.longTerm).equals(b.longTerm);
}

function hasCarry(carry: CapitalLossCarryforward): boolean {
  return !new Decimal(carry.shortTerm).isZero() || !new Decimal(carry.longTerm).isZero();
}
