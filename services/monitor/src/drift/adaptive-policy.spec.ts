import { type PortfolioStatePayload } from '@ballast/contracts';
import { adaptPolicy, regimeAfter } from './adaptive-policy';
import { monitorPolicyOf } from './monitor-policy';

const state: PortfolioStatePayload = {
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
  planningPolicy: {
    cooldownDays: 5,
    bands: { symbols: { TLT: { absolute: 0.04 } } },
    adaptiveBands: { benchmark: 'SPY', thresholds: { volatilityWindow: 5, minDwellPeriods: 1 } },
  },
  updatedAt: '2024-01-01T00:00:00.000Z',
};

describe('adaptive bands', () => {
  const policy = monitorPolicyOf(state, '2024-01-01');
  const source = policy.adaptiveBands;
  if (source === null) throw new Error('the state asks for adaptive bands');

  it('keeps the policy as it is until the benchmark has enough closes', () => {
    const reading = regimeAfter([100, 101, 102], source);
    expect(reading?.regime).toBeNull();
    const adapted = adaptPolicy(policy.file.policy, source, reading);
    expect(adapted.policy.bands.absolute).toBe(0.05);
    expect(adapted.regime).toMatchObject({ benchmark: 'SPY', regime: null, bandScale: 1, cooldownDays: 5 });
  });

  it('widens every band and stretches the cooldown in a crisis (×2 and ×3 by default)', () => {
    // Daily swings of ±8% on a falling benchmark: annualised volatility far above 40%, a 20%+ drawdown.
    const closes = [100, 92, 99, 91, 84, 90, 80, 86, 75, 70];
    const reading = regimeAfter(closes, source);
    expect(reading?.regime).toBe('crisis');
    const adapted = adaptPolicy(policy.file.policy, source, reading);
    expect(adapted.policy.bands.absolute).toBeCloseTo(0.1, 12);
    expect(adapted.policy.bands.symbols['TLT']?.absolute).toBeCloseTo(0.08, 12);
    expect(adapted.policy.cooldownDays).toBe(15);
    expect(adapted.regime).toMatchObject({ regime: 'crisis', bandScale: 2, cooldownDays: 15 });
  });
});
