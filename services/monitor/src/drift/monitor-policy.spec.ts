import { type PortfolioStatePayload } from '@ballast/contracts';
import { InvalidMonitorPolicyError, monitorPolicyOf } from './monitor-policy';

function aState(planningPolicy?: Record<string, unknown>): PortfolioStatePayload {
  return {
    portfolioId: '8d7c6f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
    householdId: 'household',
    name: '60/40',
    baseCurrency: 'USD',
    version: 1,
    accounts: [{ accountId: 'taxable', name: 'Taxable', type: 'taxable', cash: '100', positions: [] }],
    targets: [
      { symbol: 'SPY', weight: 0.6 },
      { symbol: 'TLT', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    ...(planningPolicy === undefined ? {} : { planningPolicy }),
    updatedAt: '2024-01-01T00:00:00.000Z',
  };
}

function issuesOf(state: PortfolioStatePayload): string[] {
  try {
    monitorPolicyOf(state, state.updatedAt);
  } catch (error) {
    if (error instanceof InvalidMonitorPolicyError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('monitorPolicyOf', () => {
  it('reads the v1 policy as the planner does (band 500 bps = 0.05)', () => {
    const policy = monitorPolicyOf(aState(), '2024-01-01');
    expect(policy.file.policy.bands.absolute).toBe(0.05);
    expect(policy.adaptiveBands).toBeNull();
    expect(policy.riskLimits).toEqual({});
  });

  it('reads adaptive bands and risk limits next to the plan policy', () => {
    const policy = monitorPolicyOf(
      aState({
        cooldownDays: 5,
        adaptiveBands: { benchmark: 'SPY', multipliers: { crisis: { band: 3 } }, maxBandBps: 1500 },
        riskLimits: { maxDrawdown: 0.2, annualVolatility: 0.25, maxPositionWeight: 0.7 },
      }),
      '2024-01-01',
    );
    expect(policy.file.policy.cooldownDays).toBe(5);
    expect(policy.adaptiveBands?.benchmark).toBe('SPY');
    expect(policy.adaptiveBands?.bandPolicy.multipliers.crisis).toEqual({ band: 3, cooldown: 3 });
    expect(policy.adaptiveBands?.bandPolicy.maxBandBps).toBe(1500);
    expect(policy.riskLimits).toEqual({ maxDrawdown: 0.2, annualVolatility: 0.25, maxPositionWeight: 0.7 });
  });

  it('names every bad field, the plan policy and the monitor fields alike', () => {
    const issues = issuesOf(
      aState({
        cooldownDays: -1,
        bands: { absolute: 2 },
        riskLimits: { maxDrawdown: 20, maxWeight: 0.5 },
        adaptiveBands: { benchmark: 'spy' },
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^planningPolicy\.cooldownDays: /),
        expect.stringMatching(/^planningPolicy\.bands\.absolute: /),
        'planningPolicy.riskLimits.maxDrawdown: must be at most 1 (a fraction: 0.2 = 20%)',
        expect.stringMatching(/^planningPolicy\.riskLimits: .*maxWeight/),
        'planningPolicy.adaptiveBands.benchmark: must be a ticker symbol such as "SPY"',
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('refuses adaptive bands with bad thresholds, or with no band to scale', () => {
    expect(
      issuesOf(aState({ adaptiveBands: { benchmark: 'SPY', thresholds: { volatilityWindow: 0 } } })),
    ).toEqual([expect.stringMatching(/^planningPolicy\.adaptiveBands\.thresholds: .*volatilityWindow/)]);
    expect(
      issuesOf(aState({ bands: { absolute: null, relative: null }, adaptiveBands: { benchmark: 'SPY' } })),
    ).toEqual([
      "planningPolicy.adaptiveBands: adaptive bands scale the policy's bands: set bands.absolute or bands.relative",
    ]);
  });
});
