import { Decimal } from '@ballast/domain-portfolio';
import {
  type AccountType,
  type LossSale,
  type LotSale,
  type Purchase,
  type RealizedSale,
  type RealizedYear,
  type TaxLot,
  type TaxPolicy,
  applyWashSaleAdjustments,
  findWashSales,
  identityOf,
  lossSalesOf,
  realizedGainsByYear,
} from '@ballast/domain-tax';

/** A lot as the simulation keeps it: decimals for the arithmetic, an id for wash-sale matching. */
export interface SimulatedLot {
  readonly lotId: string;
  quantity: Decimal;
  costBasis: Decimal;
  acquired: string;
}

/** One tax year of a policy's run, for the results and the report. */
export interface TaxYear {
  readonly year: number;
  /** Realized in taxable accounts, washed losses removed, money. */
  readonly realizedShortTerm: number;
  readonly realizedLongTerm: number;
  /** Losses of the year's sales disallowed as wash sales (added to replacement lots, or lost in an IRA). */
  readonly disallowedLoss: number;
  /** Dividends received in taxable accounts, money (taxed as qualified dividends). */
  readonly dividends: number;
  /** The year's estimated tax after netting and carry-in (negative: the deduction saved tax), dividends' tax included. */
  readonly tax: number;
  /** The first trading day of the next year, when the year's tax was paid; null when unpaid (the last year, or liability mode). */
  readonly paidOn: string | null;
}

const WASH_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * The household's tax record during a backtest: every taxable sale's relieved lots, wash sales
 * found as trades happen (any account's purchase can replace a taxable loss), the adjustments they
 * make to replacement lots, and the tax due year by year through the tax engine
 * (`realizedGainsByYear`: netting, the annual loss limit, carry-forward).
 *
 * Wash sales are matched incrementally, in trade order: after each day's fills the loss sales and
 * purchases of the last 30 days that still have unmatched shares are matched with
 * `findWashSales`. Every pair of older items was already matched as far as it could be, so a new
 * match always involves a trade of the day: this is the chronological matching of
 * Publication 550 ("the shares bought first are matched first").
 */
export class TaxBook {
  private readonly sales: RealizedSale[] = [];
  private readonly disallowed = new Map<string, string>();
  private readonly disallowedByYear = new Map<number, Decimal>();
  private readonly dividendsByYear = new Map<number, Decimal>();
  private openLosses: (LossSale & { readonly day: number })[] = [];
  private openPurchases: (Purchase & { readonly day: number })[] = [];
  private readonly identity: (symbol: string) => string;
  private saleCount = 0;
  /** Wash-sale matches applied so far. */
  washSales = 0;

  constructor(
    private readonly policy: TaxPolicy,
    private readonly accountTypes: ReadonlyMap<string, AccountType>,
  ) {
    this.identity = identityOf(policy);
  }

  /** Records a sale's relieved lots; only taxable accounts realize gains, but every loss is checked. */
  recordSale(accountId: string, symbol: string, soldOn: string, lots: readonly LotSale[]): void {
    const accountType = this.accountTypes.get(accountId) ?? 'taxable';
    if (accountType !== 'taxable') return;
    this.saleCount += 1;
    const saleId = `sale-${this.saleCount}`;
    this.sales.push({ saleId, accountId, accountType, soldOn, lots });
    const day = dayNumber(soldOn);
    for (const loss of lossSalesOf({ saleId, accountId, symbol, soldOn }, lots)) {
      this.openLosses.push({ ...loss, day });
    }
  }

  /** Records a dividend received; only taxable accounts owe tax on it. */
  recordDividend(accountId: string, paidOn: string, amount: Decimal): void {
    if ((this.accountTypes.get(accountId) ?? 'taxable') !== 'taxable') return;
    const year = Number(paidOn.slice(0, 4));
    this.dividendsByYear.set(year, (this.dividendsByYear.get(year) ?? new Decimal(0)).plus(amount));
  }

  /** Records a purchase in any account: it may replace a taxable loss within 30 days either side. */
  recordPurchase(purchase: Purchase): void {
    this.openPurchases.push({ ...purchase, day: dayNumber(purchase.boughtOn) });
  }

  /**
   * Matches the open loss sales and purchases (as of `date`'s fills), moves each disallowed loss
   * onto its replacement lot (basis up, holding period back), and forgets trades that left the
   * 30-day window. `lotsOf(accountId, symbol)` gives the live lots of a holding to adjust.
   */
  settleWashSales(
    date: string,
    lotsOf: (accountId: string, symbol: string) => SimulatedLot[] | undefined,
  ): void {
    const today = dayNumber(date);
    this.openLosses = this.openLosses.filter((sale) => today - sale.day <= WASH_WINDOW_DAYS);
    // A replacement can only absorb a loss with the shares it still holds: one partly or wholly sold
    // since (a later sale relieved it) counts for what is left of it, and nothing when gone.
    this.openPurchases = this.openPurchases.flatMap((purchase) => {
      if (today - purchase.day > WASH_WINDOW_DAYS) return [];
      const lot = lotsOf(purchase.accountId, purchase.symbol)?.find(
        (held) => held.lotId === purchase.purchaseId,
      );
      if (lot === undefined || lot.quantity.lte(0)) return [];
      return lot.quantity.lt(purchase.quantity)
        ? [{ ...purchase, quantity: lot.quantity.toFixed() }]
        : [purchase];
    });
    if (this.openLosses.length === 0 || this.openPurchases.length === 0) return;
    const report = findWashSales(this.openLosses, this.openPurchases, this.identity);
    if (report.matches.length === 0) return;

    for (const match of report.matches) {
      this.washSales += 1;
      const previous = new Decimal(this.disallowed.get(match.saleId) ?? '0');
      this.disallowed.set(match.saleId, previous.plus(match.disallowedLoss).toFixed());
      const sale = this.openLosses.find((open) => open.saleId === match.saleId);
      if (sale !== undefined) {
        const year = Number(sale.soldOn.slice(0, 4));
        this.disallowedByYear.set(
          year,
          (this.disallowedByYear.get(year) ?? new Decimal(0)).plus(match.disallowedLoss),
        );
      }
      const purchase = this.openPurchases.find((open) => open.purchaseId === match.purchaseId);
      if (purchase === undefined || match.treatment !== 'basis-adjusted') continue;
      const lots = lotsOf(purchase.accountId, purchase.symbol);
      if (lots === undefined) continue;
      const adjusted = applyWashSaleAdjustments(lots.map(toTaxLot), [match]);
      lots.splice(0, lots.length, ...adjusted.map(fromTaxLot));
    }
    // What is left unmatched stays open: fewer shares, the allowed part of the loss.
    this.openLosses = this.openLosses.flatMap((sale) => {
      const matched = report.matches
        .filter((match) => match.saleId === sale.saleId)
        .reduce((sum, match) => sum.plus(match.quantity), new Decimal(0));
      const left = new Decimal(sale.quantity).minus(matched);
      const allowed = report.allowedLoss.get(sale.saleId) ?? sale.loss;
      return left.gt(0) && new Decimal(allowed).gt(0)
        ? [{ ...sale, quantity: left.toFixed(), loss: allowed }]
        : [];
    });
    this.openPurchases = this.openPurchases.flatMap((purchase) => {
      const matched = report.matches
        .filter((match) => match.purchaseId === purchase.purchaseId)
        .reduce((sum, match) => sum.plus(match.quantity), new Decimal(0));
      const left = new Decimal(purchase.quantity).minus(matched);
      return left.gt(0) ? [{ ...purchase, quantity: left.toFixed() }] : [];
    });
  }

  /**
   * Every year with sales, a carried loss or dividends: the tax engine's year for the sales so far
   * (plus `extra` sales, e.g. a final liquidation), and the dividends' tax. Dividends are taxed as
   * qualified dividends, at the long-term and state rates, outside the capital loss netting (a
   * capital loss does not offset them beyond the ordinary-income deduction the engine applies).
   */
  yearTotals(extra: readonly RealizedSale[] = []): (TaxYear & { readonly taxDecimal: Decimal })[] {
    const realized = new Map<number, RealizedYear>(
      realizedGainsByYear([...this.sales, ...extra], this.policy, this.disallowed).map((entry) => [
        entry.year,
        entry,
      ]),
    );
    const dividendRate = new Decimal(String(this.policy.taxRates.longTerm)).plus(
      String(this.policy.taxRates.state),
    );
    const years = [...new Set([...realized.keys(), ...this.dividendsByYear.keys()])].sort((a, b) => a - b);
    return years.map((year) => {
      const entry = realized.get(year);
      const taxable = entry?.accounts.filter((account) => account.accountType === 'taxable') ?? [];
      const dividends = this.dividendsByYear.get(year) ?? new Decimal(0);
      const taxDecimal = new Decimal(entry?.estimatedTax.total ?? '0').plus(
        dividends.times(dividendRate).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN),
      );
      const sum = (values: readonly string[]) =>
        values.reduce((total, value) => total.plus(value), new Decimal(0)).toNumber();
      return {
        year,
        realizedShortTerm: sum(taxable.map((account) => account.shortTerm)),
        realizedLongTerm: sum(taxable.map((account) => account.longTerm)),
        disallowedLoss: this.disallowedIn(year),
        dividends: dividends.toNumber(),
        tax: taxDecimal.toNumber(),
        taxDecimal,
        paidOn: null,
      };
    });
  }

  disallowedIn(year: number): number {
    return this.disallowedByYear.get(year)?.toNumber() ?? 0;
  }

  /** Adds a liquidation sale (not recorded) for `afterTax` valuations. */
  liquidationSale(accountId: string, soldOn: string, lots: readonly LotSale[], index: number): RealizedSale {
    const accountType = this.accountTypes.get(accountId) ?? 'taxable';
    return { saleId: `liquidation-${index}`, accountId, accountType, soldOn, lots };
  }
}

export function toTaxLot(lot: SimulatedLot): TaxLot {
  return {
    lotId: lot.lotId,
    quantity: lot.quantity.toFixed(),
    costBasis: lot.costBasis.toFixed(),
    acquiredOn: lot.acquired,
  };
}

export function fromTaxLot(lot: TaxLot): SimulatedLot {
  return {
    lotId: lot.lotId,
    quantity: new Decimal(lot.quantity),
    costBasis: new Decimal(lot.costBasis),
    acquired: lot.acquiredOn,
  };
}

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}
