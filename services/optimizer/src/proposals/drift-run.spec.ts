import { type DriftDetectedPayload } from '@ballast/contracts';
import { type LedgerDocument } from '@ballast/platform-ledger-snapshot';
import { cashFlowOf, describeTrigger, withRegimeBands } from './drift-run';

const document: LedgerDocument = {
  id: 'p',
  asOf: '2024-03-15',
  accounts: [],
  transactions: [],
  targets: [],
  policy: {
    bands: {
      absolute: 0.05,
      relative: null,
      symbols: { EEM: { absolute: 0.02 } },
      sleeves: { bonds: { relative: 0.9 } },
    },
    cooldownDays: 10,
  },
};

function aDrift(extra: Partial<DriftDetectedPayload>): DriftDetectedPayload {
  return { triggers: [], ...extra } as unknown as DriftDetectedPayload;
}

describe('withRegimeBands', () => {
  it("scales every band by the regime's factor (capped at 1, off stays off) and takes its cooldown", () => {
    const scaled = withRegimeBands(
      document,
      aDrift({
        regime: { benchmark: 'SPY', regime: 'crisis', bandScale: 2, cooldownDays: 20, reason: 'r' },
      }),
    );
    expect(scaled.policy).toEqual({
      bands: {
        absolute: 0.1,
        relative: null,
        symbols: { EEM: { absolute: 0.04 } },
        sleeves: { bonds: { relative: 1 } },
      },
      cooldownDays: 20,
    });
    expect(document.policy['cooldownDays']).toBe(10); // the input is not changed
  });

  it('leaves the file as it is without a regime', () => {
    expect(withRegimeBands(document, aDrift({}))).toBe(document);
  });
});

describe('triggers', () => {
  it('describes every kind and finds a pending cash flow', () => {
    const drift = aDrift({
      triggers: [
        { kind: 'absolute-band', symbol: 'VTI', drift: 0.1, bandBps: 500, direction: 'over' },
        { kind: 'calendar', frequency: 'quarterly', day: 1, scheduled: '2024-04-01', lastRebalance: null },
        { kind: 'cash-flow', accountId: 'ira', amount: '5000' },
      ],
    });
    expect(drift.triggers.map(describeTrigger)).toEqual([
      'VTI over (absolute-band)',
      'calendar date 2024-04-01',
      'cash flow of 5000 in ira',
    ]);
    expect(cashFlowOf(drift)).toEqual({ accountId: 'ira', amount: '5000' });
    expect(cashFlowOf(aDrift({}))).toBeNull();
  });
});
