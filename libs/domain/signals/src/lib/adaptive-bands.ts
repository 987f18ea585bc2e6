import { InvalidParameterError } from '@ballast/domain-risk';
import { type MarketRegime } from './regime';

/**
 * How the drift band and the post-rebalance cooldown scale with the market regime.
 *
 * Default multipliers 0.75 / 1 / 1.5 / 2 for low-vol / moderate / high-vol / crisis follow the
 * no-trade-region result for proportional costs (Davis & Norman 1990; Leland 2000, "Optimal portfolio
 * implementation with transactions costs and capital gains taxes"): the optimal band width grows
 * roughly like σ^(2/3). Against a 16% reference volatility, the regimes' typical volatilities
 * (10%, 16%, 28%, 45%) give 0.73, 1, 1.45, 1.99. Wider bands in turbulent markets also avoid trading
 * into noise and into wide spreads. Cooldowns stretch by 1 / 1 / 2 / 3 so a volatile market is not
 * rebalanced every day.
 */
export interface AdaptiveBandPolicy {
  multipliers: Record<MarketRegime, { band: number; cooldown: number }>;
  /** Bounds on the adjusted band, in basis points. */
  minBandBps: number;
  maxBandBps: number;
}

export const DEFAULT_ADAPTIVE_BAND_POLICY: AdaptiveBandPolicy = {
  multipliers: {
    'low-vol': { band: 0.75, cooldown: 1 },
    moderate: { band: 1, cooldown: 1 },
    'high-vol': { band: 1.5, cooldown: 2 },
    crisis: { band: 2, cooldown: 3 },
  },
  minBandBps: 25,
  maxBandBps: 2_000,
};

export interface AdaptiveBand {
  regime: MarketRegime | null;
  baseBandBps: number;
  bandBps: number;
  baseCooldownDays: number;
  cooldownDays: number;
  adjusted: boolean;
  /** The adjustment in words, with its numbers. */
  reason: string;
}

/**
 * The drift band (bps) and cooldown (days) implied by a regime. With no regime yet (not enough data)
 * the base values apply unchanged, and the reason says so. The band is rounded to whole bps and
 * clamped to [minBandBps, maxBandBps]; the cooldown is rounded up to whole days.
 */
export function adaptiveBand(
  base: { bandBps: number; cooldownDays: number },
  regime: MarketRegime | null,
  policy: AdaptiveBandPolicy = DEFAULT_ADAPTIVE_BAND_POLICY,
): AdaptiveBand {
  if (!(Number.isFinite(base.bandBps) && base.bandBps > 0))
    throw new InvalidParameterError('bandBps', base.bandBps, 'a positive number');
  if (!(Number.isFinite(base.cooldownDays) && base.cooldownDays >= 0))
    throw new InvalidParameterError('cooldownDays', base.cooldownDays, 'a number ≥ 0');
  if (!(policy.minBandBps > 0 && policy.minBandBps <= policy.maxBandBps))
    throw new InvalidParameterError(
      'policy band bounds',
      `${policy.minBandBps}..${policy.maxBandBps}`,
      '0 < min ≤ max',
    );
  if (regime === null) {
    return {
      regime,
      baseBandBps: base.bandBps,
      bandBps: base.bandBps,
      baseCooldownDays: base.cooldownDays,
      cooldownDays: base.cooldownDays,
      adjusted: false,
      reason: `no regime yet: base band ${base.bandBps} bps and cooldown ${base.cooldownDays} days apply`,
    };
  }
  const m = policy.multipliers[regime];
  if (!(m.band > 0 && m.cooldown > 0))
    throw new InvalidParameterError(`multipliers.${regime}`, `${m.band}, ${m.cooldown}`, 'positive numbers');
  const raw = Math.round(base.bandBps * m.band);
  const bandBps = Math.min(policy.maxBandBps, Math.max(policy.minBandBps, raw));
  const cooldownDays = Math.ceil(base.cooldownDays * m.cooldown);
  const clamp =
    bandBps !== raw ? ` (clamped from ${raw} bps to [${policy.minBandBps}, ${policy.maxBandBps}])` : '';
  const direction = m.band > 1 ? 'widened' : m.band < 1 ? 'narrowed' : 'kept';
  const why =
    m.band > 1
      ? 'to avoid trading into noise and wide spreads'
      : m.band < 1
        ? 'a calm market lets the portfolio track its targets more closely at low cost'
        : 'the base policy applies';
  return {
    regime,
    baseBandBps: base.bandBps,
    bandBps,
    baseCooldownDays: base.cooldownDays,
    cooldownDays,
    adjusted: bandBps !== base.bandBps || cooldownDays !== base.cooldownDays,
    reason:
      `regime ${regime}: band ${direction} ${base.bandBps} → ${bandBps} bps (×${m.band})${clamp}, ` +
      `cooldown ${base.cooldownDays} → ${cooldownDays} days (×${m.cooldown}); ${why}`,
  };
}

/** Band overrides as a rebalancing policy holds them (fractions, not basis points; null when unset). */
interface BandPair {
  readonly absolute: number | null;
  readonly relative: number | null;
}

/** The part of a rebalancing policy the regime scales: its bands and its cooldown. */
export interface BandedPolicy {
  readonly bands: BandPair & {
    readonly symbols: Readonly<Record<string, BandPair>>;
    readonly sleeves: Readonly<Record<string, BandPair>>;
  };
  readonly cooldownDays: number;
}

/**
 * A policy with every band (absolute, relative, per symbol and per sleeve) and its cooldown scaled by
 * the regime: {@link adaptiveBand} scales the policy-wide band (absolute, else relative) and every
 * other band moves by the same factor, so their proportions stay as the policy set them. The one
 * place the backtester and the monitor adapt a policy, so both trade on the same bands.
 *
 * @throws InvalidParameterError when the policy has no policy-wide band to scale.
 */
export function adaptPolicyBands<P extends BandedPolicy>(
  policy: P,
  regime: MarketRegime | null,
  bandPolicy: AdaptiveBandPolicy = DEFAULT_ADAPTIVE_BAND_POLICY,
): { policy: P; band: AdaptiveBand; factor: number } {
  const { bands } = policy;
  const base = bands.absolute ?? bands.relative;
  if (base === null || !(base > 0))
    throw new InvalidParameterError('bands', base, 'a policy-wide band to scale');
  const baseBps = Math.round(base * 10_000);
  const band = adaptiveBand({ bandBps: baseBps, cooldownDays: policy.cooldownDays }, regime, bandPolicy);
  const factor = band.bandBps / baseBps;
  const scale = (value: number | null) => (value === null ? null : value * factor);
  const scalePair = <T extends BandPair>(pair: T): T => ({
    ...pair,
    absolute: scale(pair.absolute),
    relative: scale(pair.relative),
  });
  const scaleAll = (overrides: Readonly<Record<string, BandPair>>) =>
    Object.fromEntries(Object.entries(overrides).map(([key, pair]) => [key, scalePair(pair)]));
  return {
    policy: {
      ...policy,
      cooldownDays: band.cooldownDays,
      bands: { ...scalePair(bands), symbols: scaleAll(bands.symbols), sleeves: scaleAll(bands.sleeves) },
    },
    band,
    factor,
  };
}
