// Adaptive drift bands: every regime's adjustment with its reason, clamping, and the no-regime case.
import { adaptiveBand, DEFAULT_ADAPTIVE_BAND_POLICY, MARKET_REGIMES } from '../index';

const base = { bandBps: 200, cooldownDays: 5 };

describe('adaptiveBand', () => {
  it.each([
    ['low-vol', 150, 5, 'narrowed'],
    ['moderate', 200, 5, 'kept'],
    ['high-vol', 300, 10, 'widened'],
    ['crisis', 400, 15, 'widened'],
  ] as const)('%s: %i bps, %i days cooldown', (regime, bandBps, cooldownDays, direction) => {
    const band = adaptiveBand(base, regime);
    expect(band).toMatchObject({ regime, bandBps, cooldownDays, adjusted: regime !== 'moderate' });
    expect(band.reason).toContain(`regime ${regime}: band ${direction} 200 → ${bandBps} bps`);
    expect(band.reason).toContain(`cooldown 5 → ${cooldownDays} days`);
  });

  it('band multipliers are non-decreasing with severity (the σ^(2/3) no-trade-region rationale)', () => {
    const bands = MARKET_REGIMES.map((r) => DEFAULT_ADAPTIVE_BAND_POLICY.multipliers[r].band);
    bands.slice(1).forEach((b, i) => expect(b).toBeGreaterThanOrEqual(bands[i] as number));
  });

  it('clamps to the policy bounds and says so', () => {
    const band = adaptiveBand({ bandBps: 1_500, cooldownDays: 1 }, 'crisis');
    expect(band.bandBps).toBe(2_000);
    expect(band.reason).toContain('clamped from 3000 bps to [25, 2000]');
  });

  it('without a regime the base values apply, with the reason', () => {
    expect(adaptiveBand(base, null)).toMatchObject({
      bandBps: 200,
      cooldownDays: 5,
      adjusted: false,
      reason: 'no regime yet: base band 200 bps and cooldown 5 days apply',
    });
  });

  it('rejects a non-positive band', () => {
    expect(() => adaptiveBand({ bandBps: 0, cooldownDays: 1 }, 'moderate')).toThrow(
      'bandBps must be a positive number, got 0',
    );
  });
});
