import { type DriftRegime } from '@ballast/contracts';
import { type PortfolioFile } from '@ballast/domain-portfolio';
import { adaptPolicyBands, type RegimeReading, RegimeClassifier } from '@ballast/domain-signals';
import { type AdaptiveBandsSource } from './monitor-policy';

type Policy = PortfolioFile['policy'];

/**
 * The benchmark's regime after its daily closes, oldest first, through the signals library's
 * classifier; null before the first close. The classifier is rebuilt from the closes the monitor
 * stores (cheap: one pass per new trading day, cached by the caller), so a restart reads the same.
 */
export function regimeAfter(closes: readonly number[], source: AdaptiveBandsSource): RegimeReading | null {
  const classifier = new RegimeClassifier(source.thresholds);
  let reading: RegimeReading | null = null;
  for (const close of closes) reading = classifier.add(close);
  return reading;
}

/**
 * The policy with its bands (absolute, relative, per symbol and per sleeve) and cooldown scaled by the
 * regime through `adaptPolicyBands` of the signals library, the same function the backtester uses.
 */
export function adaptPolicy(
  policy: Policy,
  source: AdaptiveBandsSource,
  reading: RegimeReading | null,
): { policy: Policy; regime: DriftRegime } {
  const { bands } = policy;
  const base = bands.absolute ?? bands.relative;
  if (base === null || base <= 0) {
    // monitorPolicyOf refuses adaptive bands without a policy-wide band; kept total for safety.
    return {
      policy,
      regime: {
        benchmark: source.benchmark,
        regime: reading?.regime ?? null,
        bandScale: 1,
        cooldownDays: policy.cooldownDays,
        reason: 'no policy-wide band to scale',
      },
    };
  }
  const {
    policy: adapted,
    band,
    factor,
  } = adaptPolicyBands(policy, reading?.regime ?? null, source.bandPolicy);
  return {
    policy: adapted,
    regime: {
      benchmark: source.benchmark,
      regime: band.regime,
      bandScale: factor,
      cooldownDays: band.cooldownDays,
      reason: band.reason,
    },
  };
}
