import {
  dailyReturns,
  type DailyValue,
  newBreaches,
  riskAlertOf,
  riskBreaches,
  riskSnapshot,
} from './risk-limits';

const days = (values: number[], version = 1): DailyValue[] =>
  values.map((value, i) => ({
    day: `2024-01-${String(i + 1).padStart(2, '0')}`,
    value: String(value),
    version,
  }));
const weights = [
  { symbol: 'SPY', currentWeight: 0.65 },
  { symbol: 'TLT', currentWeight: 0.35 },
];

describe('risk snapshot and limits', () => {
  it('takes returns only between days valued at the same ledger version (a deposit is no gain)', () => {
    const series = [
      ...days([100, 110]),
      { day: '2024-01-03', value: '220', version: 2 },
      { day: '2024-01-04', value: '198', version: 2 },
    ];
    expect(dailyReturns(series)).toEqual([expect.closeTo(0.1, 12), expect.closeTo(-0.1, 12)]);
  });

  it('measures the current drawdown from the peak: 100 → 120 → 90 is 25% down', () => {
    const snapshot = riskSnapshot(days([100, 120, 90]), weights, 20);
    expect(snapshot.drawdown).toBeCloseTo(0.25, 12);
    expect(snapshot.observations).toBe(2);
    expect(snapshot.annualVolatility).toBeNull(); // fewer returns than required
    expect(snapshot.maxPositionWeight).toBe(0.65);
  });

  it('reports annualised volatility (sample, √252) once enough returns are in', () => {
    // Returns +10%, −10%, +10%: sample sd = 0.11547; × √252 = 1.8330 (empyrical.annual_volatility).
    const snapshot = riskSnapshot(days([100, 110, 99, 108.9]), weights, 3);
    expect(snapshot.annualVolatility).toBeCloseTo(0.1154700538 * Math.sqrt(252), 6);
  });

  it('lists each breached limit, a position limit per symbol', () => {
    const snapshot = riskSnapshot(days([100, 120, 90]), weights, 20);
    expect(
      riskBreaches(snapshot, weights, { maxDrawdown: 0.2, annualVolatility: 0.1, maxPositionWeight: 0.6 }),
    ).toEqual([
      {
        key: 'max-drawdown',
        limit: 'max-drawdown',
        value: expect.closeTo(0.25, 12) as number,
        threshold: 0.2,
      },
      {
        key: 'max-position-weight:SPY',
        limit: 'max-position-weight',
        value: 0.65,
        threshold: 0.6,
        symbol: 'SPY',
      },
    ]);
    expect(riskBreaches(snapshot, weights, { maxDrawdown: 0.3 })).toEqual([]);
  });

  it('alerts once per breach episode: again only after the value has come back within the limit', () => {
    const limits = { maxDrawdown: 0.2 };
    const down = riskBreaches(riskSnapshot(days([100, 120, 90]), weights, 20), weights, limits);
    const first = newBreaches(down, new Set());
    expect(first.map((b) => b.key)).toEqual(['max-drawdown']);
    const deeper = riskBreaches(riskSnapshot(days([100, 120, 90, 80]), weights, 20), weights, limits);
    expect(newBreaches(deeper, new Set(down.map((b) => b.key)))).toEqual([]);
    const recovered = riskBreaches(riskSnapshot(days([100, 120, 90, 80, 119]), weights, 20), weights, limits);
    expect(recovered).toEqual([]);
    expect(newBreaches(deeper, new Set(recovered.map((b) => b.key))).map((b) => b.key)).toEqual([
      'max-drawdown',
    ]);
  });

  it('writes one sentence for people in the alert', () => {
    const [breach] = riskBreaches(riskSnapshot(days([100, 120, 90]), weights, 20), weights, {
      maxDrawdown: 0.2,
    });
    if (breach === undefined) throw new Error('expected a breach');
    expect(
      riskAlertOf(breach, {
        portfolioId: '8d7c6f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
        stateVersion: 2,
        asOf: '2024-01-03T21:00:00.000Z',
        name: '60/40',
      }).message,
    ).toBe('60/40: drawdown from its peak is 25.0%, above the policy limit of 20.0%');
  });
});
