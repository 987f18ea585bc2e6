import {
  BAND_TOLERANCE,
  type CalendarPolicy,
  type DriftReport,
  type PortfolioPolicy,
  type Sleeve,
} from '@ballast/domain-portfolio';

/** A holding's weight is further from its target than the absolute band allows. */
export interface AbsoluteBandTrigger {
  readonly kind: 'absolute-band';
  readonly symbol: string;
  readonly currentWeight: number;
  readonly targetWeight: number;
  /** `current − target`. */
  readonly drift: number;
  /** The band that was exceeded, as a weight (0.05 = 5 percentage points). */
  readonly band: number;
}

/** A holding's drift relative to its target exceeds the relative band. */
export interface RelativeBandTrigger {
  readonly kind: 'relative-band';
  readonly symbol: string;
  readonly currentWeight: number;
  readonly targetWeight: number;
  /** `drift / target`; `null` for a held symbol with no target (infinitely off). */
  readonly relativeDrift: number | null;
  readonly band: number;
}

/** A deposit (positive) or withdrawal (negative) is pending. */
export interface CashFlowTrigger {
  readonly kind: 'cash-flow';
  readonly account: string;
  /** Decimal string. */
  readonly amount: string;
}

/** An account starts below its cash buffer (`policy.cashBuffer` × its value), e.g. after a withdrawal. */
export interface CashBufferTrigger {
  readonly kind: 'cash-buffer';
  readonly account: string;
  /** Decimal strings: the cash held and the buffer it should hold (rounded to cents). */
  readonly cash: string;
  readonly required: string;
}

/** A sleeve's weight (the sum of its symbols') is outside the sleeve's band. */
export interface SleeveBandTrigger {
  readonly kind: 'sleeve-band';
  readonly sleeve: string;
  readonly symbols: readonly string[];
  readonly currentWeight: number;
  readonly targetWeight: number;
  readonly drift: number;
  /** Which band was exceeded, and its width (a weight for `absolute`, a fraction of the target for `relative`). */
  readonly band: { readonly kind: 'absolute' | 'relative'; readonly width: number };
}

/** A scheduled rebalance date has come since the last rebalance. */
export interface CalendarTrigger {
  readonly kind: 'calendar';
  readonly frequency: CalendarPolicy['frequency'];
  readonly day: number;
  /** The latest scheduled date on or before the as-of date. */
  readonly scheduled: string;
  readonly lastRebalance: string | null;
}

export type Trigger =
  | AbsoluteBandTrigger
  | RelativeBandTrigger
  | SleeveBandTrigger
  | CalendarTrigger
  | CashFlowTrigger
  | CashBufferTrigger;

/** Triggers a cooldown holds back: the discretionary ones. Cash flows and buffers always go through. */
export function isDiscretionary(trigger: Trigger): boolean {
  return trigger.kind !== 'cash-flow' && trigger.kind !== 'cash-buffer';
}

/**
 * Which rebalancing triggers fire, each with the values that fired it, in a stable order (by
 * symbol, absolute before relative, then the cash flow).
 *
 * - Absolute band: `|current − target| > band` (Jaconetti, Kinniry and Zilbering, "Best practices
 *   for portfolio rebalancing", Vanguard, 2010).
 * - Relative band: `|current − target| / target > band`, so that a 4% sleeve with a 25% band may
 *   move one point while a 60% sleeve may move fifteen (the "5/25 rule", Larry Swedroe, "The Only
 *   Guide to a Winning Investment Strategy You'll Ever Need", 2005). A symbol held without a target
 *   has an infinite relative drift and fires whenever its weight is positive.
 * - Pending cash flow: any non-zero amount.
 *
 * Comparisons carry {@link BAND_TOLERANCE} of slack, so a drift exactly at the band does not fire.
 */
export function evaluateTriggers(
  report: DriftReport,
  policy: PortfolioPolicy,
  sleeves: readonly Sleeve[] = [],
  asOf?: string,
): Trigger[] {
  const fired: Trigger[] = [];
  for (const row of report.rows) {
    const { absolute, relative } = policy.bands.symbols[row.symbol] ?? policy.bands;
    if (absolute !== null && Math.abs(row.drift) > absolute + BAND_TOLERANCE) {
      fired.push({
        kind: 'absolute-band',
        symbol: row.symbol,
        currentWeight: row.currentWeight,
        targetWeight: row.targetWeight,
        drift: row.drift,
        band: absolute,
      });
    }
    if (relative !== null) {
      const outside =
        row.relativeDrift === null
          ? row.currentWeight > BAND_TOLERANCE
          : Math.abs(row.relativeDrift) > relative + BAND_TOLERANCE;
      if (outside) {
        fired.push({
          kind: 'relative-band',
          symbol: row.symbol,
          currentWeight: row.currentWeight,
          targetWeight: row.targetWeight,
          relativeDrift: row.relativeDrift,
          band: relative,
        });
      }
    }
  }
  fired.push(...sleeveTriggers(report, policy, sleeves));
  if (policy.calendar !== null && asOf !== undefined) {
    const scheduled = latestScheduledDate(policy.calendar, asOf);
    if (policy.lastRebalance === null || policy.lastRebalance < scheduled) {
      fired.push({
        kind: 'calendar',
        frequency: policy.calendar.frequency,
        day: policy.calendar.day,
        scheduled,
        lastRebalance: policy.lastRebalance,
      });
    }
  }
  if (!/^-?0*(\.0*)?$/.test(policy.cashFlow)) {
    fired.push({ kind: 'cash-flow', account: policy.cashFlowAccount, amount: policy.cashFlow });
  }
  return fired;
}

/**
 * Sleeve bands: a sleeve with a band of its own (`policy.bands.sleeves`) fires when the sum of its
 * symbols' weights is off the sum of their targets by more than that band; absolute first.
 */
function sleeveTriggers(report: DriftReport, policy: PortfolioPolicy, sleeves: readonly Sleeve[]): Trigger[] {
  return sleeves.flatMap((sleeve): Trigger[] => {
    const band = policy.bands.sleeves[sleeve.name];
    if (band === undefined) return [];
    const { currentWeight, targetWeight } = sleeveWeights(report, sleeve);
    const drift = currentWeight - targetWeight;
    const base = {
      kind: 'sleeve-band' as const,
      sleeve: sleeve.name,
      symbols: sleeve.symbols,
      currentWeight,
      targetWeight,
      drift,
    };
    if (band.absolute !== null && Math.abs(drift) > band.absolute + BAND_TOLERANCE) {
      return [{ ...base, band: { kind: 'absolute', width: band.absolute } }];
    }
    const relativeOut =
      targetWeight > 0
        ? Math.abs(drift) / targetWeight > (band.relative ?? Infinity) + BAND_TOLERANCE
        : currentWeight > BAND_TOLERANCE;
    if (band.relative !== null && relativeOut) {
      return [{ ...base, band: { kind: 'relative', width: band.relative } }];
    }
    return [];
  });
}

/** A sleeve's weight and target: the sums of its symbols' (rows are sorted by symbol, as members are). */
export function sleeveWeights(
  report: Pick<DriftReport, 'rows'>,
  sleeve: Sleeve,
): { currentWeight: number; targetWeight: number } {
  const members = new Set(sleeve.symbols);
  const rows = report.rows.filter((row) => members.has(row.symbol));
  return {
    currentWeight: rows.reduce((sum, row) => sum + row.currentWeight, 0),
    targetWeight: rows.reduce((sum, row) => sum + row.targetWeight, 0),
  };
}

/**
 * The latest scheduled rebalance date on or before `asOf`: day `day` (or the month's last day) of
 * every month, of January, April, July and October, or of January.
 */
export function latestScheduledDate(calendar: CalendarPolicy, asOf: string): string {
  const step = calendar.frequency === 'monthly' ? 1 : calendar.frequency === 'quarterly' ? 3 : 12;
  let year = Number(asOf.slice(0, 4));
  let month = Number(asOf.slice(5, 7)); // 1-12
  month -= (month - 1) % step; // first month of the period
  for (;;) {
    const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const date = `${year}-${String(month).padStart(2, '0')}-${String(Math.min(calendar.day, lastDay)).padStart(2, '0')}`;
    if (date <= asOf) return date;
    month -= step;
    if (month < 1) {
      month += 12;
      year -= 1;
    }
  }
}

/** Symbols whose own or sleeve band fired: the ones band mode trades. */
export function outOfBandSymbols(triggers: readonly Trigger[]): Set<string> {
  return new Set(
    triggers.flatMap((trigger) =>
      trigger.kind === 'absolute-band' || trigger.kind === 'relative-band'
        ? [trigger.symbol]
        : trigger.kind === 'sleeve-band'
          ? trigger.symbols
          : [],
    ),
  );
}
