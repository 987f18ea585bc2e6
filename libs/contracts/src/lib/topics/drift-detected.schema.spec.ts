import { aDriftDetected } from '../testing/examples';
import { issuesOf } from '../testing/issues';
import { type DriftDetectedPayload, driftDetectedPayloadSchema } from './drift-detected.schema';

/** A copy of the example with one drift row changed. */
function withRow(
  index: number,
  change: Partial<DriftDetectedPayload['drift'][number]>,
): DriftDetectedPayload {
  const payload = aDriftDetected();
  payload.drift = payload.drift.map((row, i) => (i === index ? { ...row, ...change } : row));
  return payload;
}

describe('drift.detected payload', () => {
  it('accepts a drift table whose weights are consistent', () => {
    expect(issuesOf(driftDetectedPayloadSchema, aDriftDetected())).toEqual([]);
  });

  it('rejects a message without triggers', () => {
    expect(issuesOf(driftDetectedPayloadSchema, { ...aDriftDetected(), triggers: [] })).toEqual([
      'triggers: drift.detected needs at least one trigger',
    ]);
  });

  it('rejects an unknown trigger kind and direction', () => {
    const payload = {
      ...aDriftDetected(),
      triggers: [
        { kind: 'volatility', symbol: 'VTI' },
        { kind: 'absolute-band', symbol: 'VTI', drift: 0.1, bandBps: 500, direction: 'up' },
      ],
    };
    expect(issuesOf(driftDetectedPayloadSchema, payload)).toEqual([
      "triggers.0.kind: Invalid discriminator value. Expected 'absolute-band' | 'relative-band' | 'sleeve-band' | 'calendar' | 'cash-flow' | 'cash-buffer'",
      'triggers.1.direction: must be "over" or "under"',
    ]);
  });

  it('accepts the portfolio-level trigger kinds, a regime and a risk snapshot (optional, added after v1)', () => {
    const payload: DriftDetectedPayload = {
      ...aDriftDetected(),
      triggers: [
        {
          kind: 'sleeve-band',
          sleeve: 'equity',
          symbols: ['VTI', 'VXUS'],
          currentWeight: 0.9,
          targetWeight: 0.8,
          drift: 0.1,
          band: { kind: 'absolute', bandBps: 500 },
          direction: 'over',
        },
        {
          kind: 'calendar',
          frequency: 'quarterly',
          day: 1,
          scheduled: '2024-04-01',
          lastRebalance: '2024-01-02',
        },
        { kind: 'cash-flow', accountId: 'taxable', amount: '-2500.00' },
        { kind: 'cash-buffer', accountId: 'taxable', cash: '10', required: '300.00' },
      ],
      regime: {
        benchmark: 'SPY',
        regime: 'high-vol',
        bandScale: 1.5,
        cooldownDays: 10,
        reason: 'high-vol regime: band 500 bps x 1.5 = 750 bps',
      },
      risk: { drawdown: 0.08, annualVolatility: 0.14, observations: 40, maxPositionWeight: 0.7 },
    };
    expect(issuesOf(driftDetectedPayloadSchema, payload)).toEqual([]);
    expect(payload.triggers.map((trigger) => trigger.symbol)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('rejects a sleeve trigger naming a symbol without a drift row, and a bad calendar or cash flow', () => {
    const payload = {
      ...aDriftDetected(),
      triggers: [
        {
          kind: 'sleeve-band',
          sleeve: 'equity',
          symbols: ['VTI', 'QQQ'],
          currentWeight: 0.9,
          targetWeight: 0.8,
          drift: 0.1,
          band: { kind: 'absolute', bandBps: 500 },
          direction: 'over',
        },
        { kind: 'calendar', frequency: 'weekly', day: 1, scheduled: '2024-04-01', lastRebalance: null },
        { kind: 'cash-flow', accountId: 'taxable', amount: 2500 },
      ],
    };
    expect(issuesOf(driftDetectedPayloadSchema, payload)).toEqual([
      expect.stringMatching(/^triggers\.1\.frequency: /),
      expect.stringMatching(/^triggers\.2\.amount: /),
    ]);
    const sleeveOnly = { ...payload, triggers: [payload.triggers[0]] };
    expect(issuesOf(driftDetectedPayloadSchema, sleeveOnly)).toEqual([
      'triggers.0.symbols.1: "QQQ" has no row in the drift table',
    ]);
  });

  it('rejects a trigger for a symbol missing from the drift table', () => {
    const payload = aDriftDetected();
    payload.triggers = [
      { kind: 'absolute-band', symbol: 'QQQ', drift: 0.1, bandBps: 500, direction: 'over' },
    ];
    expect(issuesOf(driftDetectedPayloadSchema, payload)).toEqual([
      'triggers.0.symbol: "QQQ" has no row in the drift table',
    ]);
  });

  it('rejects a drift that is not current - target', () => {
    expect(
      issuesOf(driftDetectedPayloadSchema, withRow(0, { drift: 0.2, relativeDrift: 0.2 / 0.6 })),
    ).toEqual([`drift.0.drift: must equal currentWeight - targetWeight (${0.7 - 0.6}), got 0.2`]);
  });

  it('requires relativeDrift to be null exactly when the target is 0', () => {
    expect(
      issuesOf(driftDetectedPayloadSchema, withRow(1, { targetWeight: 0.1, relativeDrift: null })),
    ).toEqual(['drift.1.relativeDrift: must be a number when targetWeight is not 0']);
    const zeroTarget = withRow(1, { relativeDrift: -1 });
    zeroTarget.drift = zeroTarget.drift.map((row) =>
      row.symbol === 'VXUS' ? { ...row, targetWeight: 0, drift: 0, relativeDrift: -1 } : row,
    );
    expect(issuesOf(driftDetectedPayloadSchema, zeroTarget)).toContain(
      'drift.1.relativeDrift: must be null when targetWeight is 0',
    );
  });

  it('rejects weights that do not add up to the whole portfolio', () => {
    const payload = { ...aDriftDetected(), cash: { value: '2000.00', weight: 0.07 } };
    expect(issuesOf(driftDetectedPayloadSchema, payload)).toEqual([
      expect.stringMatching(/^drift: current weights plus cash weight must sum to 1, got 1\.02/),
    ]);
  });

  it('rejects duplicate rows, a float money amount and a zero total value', () => {
    const payload = aDriftDetected();
    const [first] = payload.drift;
    if (first === undefined) throw new Error('example has rows');
    const bad = {
      ...payload,
      drift: [...payload.drift, first],
      totalValue: '0',
      cash: { value: 2000, weight: 0.05 },
    };
    expect(issuesOf(driftDetectedPayloadSchema, bad)).toEqual([
      'cash.value: must be a decimal string such as "101.25"',
      'totalValue: must be greater than zero',
    ]);
    expect(issuesOf(driftDetectedPayloadSchema, { ...payload, drift: [...payload.drift, first] })).toEqual(
      expect.arrayContaining(['drift.3.symbol: duplicate drift row for "VTI"']),
    );
  });
});
