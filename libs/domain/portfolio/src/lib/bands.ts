import { InvalidBandError } from './errors';
import { type DriftReport } from './drift';

/** Basis points per unit weight: 100 bps = 1 percentage point = 0.01. */
const BPS_PER_UNIT = 10_000;

/**
 * Slack added to a band before a drift counts as outside it. Weights are ratios rounded to doubles,
 * so a drift that is exactly at the band on paper can land a few ulps beyond it (0.55 − 0.5 is
 * 0.050000000000000044 in doubles, above 0.05). 1e-12 is far above that noise (~1e-16 for weights
 * in [0, 1]) and far below any meaningful drift (1e-12 of a 1e9 portfolio is a thousandth of a cent).
 */
export const BAND_TOLERANCE = 1e-12;

/** `over`: the symbol's weight is above its target by more than the band; `under`: below. */
export type BandDirection = 'over' | 'under';

/** A symbol whose absolute drift exceeds the band. */
export interface BandBreach {
  readonly symbol: string;
  /** `currentWeight − targetWeight`, as in the drift report. */
  readonly drift: number;
  readonly bandBps: number;
  readonly direction: BandDirection;
}

/**
 * Absolute tolerance bands: a symbol breaches when `|drift| > bandBps / 10 000`, strictly, with
 * {@link BAND_TOLERANCE} of slack so that a drift exactly at the band does not fire. Rows only:
 * cash has no band here. Breaches come in the report's row order (by symbol).
 *
 * The absolute ("±5 percentage points") band is the common rule in the rebalancing literature, e.g.
 * Vanguard, "Best practices for portfolio rebalancing" (Jaconetti, Kinniry and Zilbering, 2010).
 *
 * @throws InvalidBandError unless `absoluteBandBps` is a finite number ≥ 0.
 */
export function findBandBreaches(report: DriftReport, absoluteBandBps: number): BandBreach[] {
  if (typeof absoluteBandBps !== 'number' || !Number.isFinite(absoluteBandBps) || absoluteBandBps < 0) {
    throw new InvalidBandError(absoluteBandBps);
  }
  const band = absoluteBandBps / BPS_PER_UNIT;
  return report.rows
    .filter((row) => Math.abs(row.drift) > band + BAND_TOLERANCE)
    .map((row) => ({
      symbol: row.symbol,
      drift: row.drift,
      bandBps: absoluteBandBps,
      direction: row.drift > 0 ? 'over' : 'under',
    }));
}

/** The result of one step of {@link nextBandState}. */
export interface BandTransition {
  /** Symbols out of band now: keep it and pass it to the next call. */
  outOfBand: Set<string>;
  /** Breaches of symbols that were in band at the previous step: the ones to act on. */
  newlyBreached: BandBreach[];
}

/**
 * "Once per crossing": a symbol fires when it goes from in band to out of band, not again while it
 * stays out, and is re-armed as soon as it is back in band (or no longer in the report). There is no
 * hysteresis: a symbol oscillating across the band edge fires on every outward crossing.
 *
 * Pure: the state is the caller's (the monitor keeps it per portfolio); the inputs are not modified.
 */
export function nextBandState(
  previouslyOutOfBand: ReadonlySet<string>,
  breaches: readonly BandBreach[],
): BandTransition {
  return {
    outOfBand: new Set(breaches.map((breach) => breach.symbol)),
    newlyBreached: breaches.filter((breach) => !previouslyOutOfBand.has(breach.symbol)),
  };
}
