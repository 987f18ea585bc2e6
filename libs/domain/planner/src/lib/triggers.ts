import { BAND_TOLERANCE, type DriftReport, type PortfolioPolicy } from '@ballast/domain-portfolio';

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

export type Trigger = AbsoluteBandTrigger | RelativeBandTrigger | CashFlowTrigger | CashBufferTrigger;

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
export function evaluateTriggers(report: DriftReport, policy: PortfolioPolicy): Trigger[] {
  const fired: Trigger[] = [];
  const { absolute, relative } = policy.bands;
  for (const row of report.rows) {
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
  if (!/^-?0*(\.0*)?$/.test(policy.cashFlow)) {
    fired.push({ kind: 'cash-flow', account: policy.cashFlowAccount, amount: policy.cashFlow });
  }
  return fired;
}

/** Symbols whose absolute or relative band fired: the ones band mode trades. */
export function outOfBandSymbols(triggers: readonly Trigger[]): Set<string> {
  return new Set(
    triggers.flatMap((trigger) =>
      trigger.kind === 'cash-flow' || trigger.kind === 'cash-buffer' ? [] : [trigger.symbol],
    ),
  );
}
