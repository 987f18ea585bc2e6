import { type Approval, type PortfolioStatePayload, type PriceUsed } from '@ballast/contracts';
import { type Principal } from '../auth/roles';
import { type ApprovableProposal, checkApproval, ledgerChange, movedPrices } from './approval-rules';

const NOW = new Date('2026-03-02T15:00:00.000Z');
const person = (userId: string): Principal => ({ userId, role: 'approver', via: 'api-key' });
const approvedBy = (userId: string): Approval => ({ kind: 'person', userId, at: '2026-03-02T14:00:00.000Z' });

function proposal(overrides: Partial<ApprovableProposal> = {}): ApprovableProposal {
  return {
    status: 'pending',
    approversRequired: 1,
    proposedBy: 'paul',
    approvals: [],
    expiresAt: new Date('2026-03-03T15:00:00.000Z'),
    ...overrides,
  };
}

describe('checkApproval', () => {
  it('completes a one-approver proposal with the first person, the proposer included', () => {
    expect(checkApproval(proposal(), person('paul'), NOW)).toEqual({ ok: true, complete: true });
    expect(checkApproval(proposal(), person('ann'), NOW)).toEqual({ ok: true, complete: true });
  });

  it('needs two distinct people above the four-eyes threshold', () => {
    const fourEyes = proposal({ approversRequired: 2 });
    expect(checkApproval(fourEyes, person('ann'), NOW)).toEqual({ ok: true, complete: false });
    const once = proposal({ approversRequired: 2, approvals: [approvedBy('ann')] });
    expect(checkApproval(once, person('bob'), NOW)).toEqual({ ok: true, complete: true });
    expect(checkApproval(once, person('ann'), NOW)).toMatchObject({
      ok: false,
      status: 409,
      code: 'already-approved',
    });
  });

  it('refuses the proposer above the four-eyes threshold (403), even as the second approver', () => {
    expect(checkApproval(proposal({ approversRequired: 2 }), person('paul'), NOW)).toMatchObject({
      ok: false,
      status: 403,
      code: 'proposer-four-eyes',
    });
    const once = proposal({ approversRequired: 2, approvals: [approvedBy('ann')] });
    expect(checkApproval(once, person('paul'), NOW)).toMatchObject({ ok: false, status: 403 });
  });

  it('lets anyone approve twice-required proposals nobody requested (drift-triggered), still two people', () => {
    const drift = proposal({ approversRequired: 2, proposedBy: null });
    expect(checkApproval(drift, person('paul'), NOW)).toEqual({ ok: true, complete: false });
  });

  it('refuses after expiry, at the instant of expiry included', () => {
    const expiring = proposal({ expiresAt: NOW });
    expect(checkApproval(expiring, person('ann'), NOW)).toMatchObject({
      ok: false,
      status: 409,
      code: 'expired',
    });
    expect(checkApproval(expiring, person('ann'), new Date(NOW.getTime() - 1))).toEqual({
      ok: true,
      complete: true,
    });
  });

  it('refuses a decided proposal', () => {
    for (const status of ['approved', 'rejected', 'expired'] as const) {
      expect(checkApproval(proposal({ status }), person('ann'), NOW)).toMatchObject({
        ok: false,
        code: 'not-pending',
      });
    }
  });
});

describe('movedPrices', () => {
  const used: PriceUsed[] = [
    { symbol: 'SPY', price: '100.00', currency: 'USD', asOf: '2026-03-02T14:00:00.000Z', source: 'replay' },
    { symbol: 'TLT', price: '80.00', currency: 'USD', asOf: '2026-03-02T14:00:00.000Z', source: 'replay' },
  ];
  const later = Date.parse('2026-03-02T14:30:00.000Z');

  it('reports symbols that moved more than the tolerance, either way, with the move in bps', () => {
    const latest = new Map([
      ['SPY', { price: '102.01', asOfMillis: later }],
      ['TLT', { price: '78.00', asOfMillis: later }],
    ]);
    expect(movedPrices(used, latest, 200)).toEqual([
      { symbol: 'SPY', priceUsed: '100.00', latestPrice: '102.01', movedBps: 201 },
      { symbol: 'TLT', priceUsed: '80.00', latestPrice: '78.00', movedBps: 250 },
    ]);
  });

  it('lets a move of exactly the tolerance pass (exact decimals, no float rounding)', () => {
    const latest = new Map([['SPY', { price: '102.00', asOfMillis: later }]]);
    expect(movedPrices(used, latest, 200)).toEqual([]);
    expect(movedPrices(used, latest, 199)).toHaveLength(1);
  });

  it('ignores symbols without a price newer than the proposal', () => {
    const latest = new Map([['SPY', { price: '150.00', asOfMillis: Date.parse(used[0]?.asOf ?? '') }]]);
    expect(movedPrices(used, latest, 200)).toEqual([]);
    expect(movedPrices(used, new Map(), 0)).toEqual([]);
  });
});

describe('ledgerChange: may a proposal computed from version N still be approved at version M?', () => {
  const v7: PortfolioStatePayload = {
    portfolioId: '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f',
    householdId: 'household-1',
    name: 'Family',
    baseCurrency: 'USD',
    version: 7,
    accounts: [
      {
        accountId: 'brokerage',
        name: 'Brokerage',
        type: 'taxable',
        cash: '1000.00',
        positions: [{ symbol: 'SPY', quantity: '10', lots: [] }],
      },
    ],
    targets: [{ symbol: 'SPY', weight: 1 }],
    policy: { absoluteBandBps: 500 },
    appliedOrderIds: [],
    updatedAt: '2026-03-02T14:00:00.000Z',
  };
  const at = (version: number, changes: Partial<PortfolioStatePayload> = {}) => ({
    ...v7,
    version,
    updatedAt: '2026-03-02T14:30:00.000Z',
    ...changes,
  });

  it('the same version: nothing to check', () => {
    expect(ledgerChange(7, v7, v7)).toBeNull();
  });

  it('a fill booked since (cash and positions moved): superseded, naming both versions', () => {
    const filled = at(9, {
      accounts: [{ ...v7.accounts[0]!, cash: '1500.00' }],
      appliedOrderIds: ['p-1'],
      lastRebalance: '2026-03-02',
    });
    expect(ledgerChange(7, v7, filled)).toEqual({
      proposalVersion: 7,
      currentVersion: 9,
      changed: ['accounts'],
      message:
        'the proposal was computed from ledger version 7; the portfolio is at version 9 (changed: accounts): superseded, a new proposal is needed',
    });
  });

  it('new targets or a new policy count too: the orders were planned toward the old ones', () => {
    const targets = at(8, {
      targets: [
        { symbol: 'SPY', weight: 0.5 },
        { symbol: 'TLT', weight: 0.5 },
      ],
    });
    expect(ledgerChange(7, v7, targets)?.changed).toEqual(['targets']);
    expect(ledgerChange(7, v7, at(8, { planningPolicy: { cashBuffer: 0.02 } }))?.changed).toEqual([
      'planningPolicy',
    ]);
  });

  it('metadata only (a rename, the applied-order list, key order): still approvable', () => {
    const renamed = at(8, { name: 'Family trust', appliedOrderIds: ['p-0'] });
    expect(ledgerChange(7, v7, renamed)).toBeNull();
    const reordered = at(8, {
      accounts: [
        {
          positions: v7.accounts[0]!.positions,
          cash: '1000.00',
          type: 'taxable',
          name: 'Brokerage',
          accountId: 'brokerage',
        },
      ],
    });
    expect(ledgerChange(7, v7, reordered)).toBeNull();
  });

  it("the proposal's version unknown to the ledger: any other version counts as changed", () => {
    const change = ledgerChange(7, null, at(8));
    expect(change?.changed).toEqual(['accounts', 'targets', 'policy', 'planningPolicy', 'sleeves']);
    expect(change?.message).toContain('version 7 is not in the history');
  });
});
