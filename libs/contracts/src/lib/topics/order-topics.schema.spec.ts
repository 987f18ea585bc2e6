import {
  PROPOSAL_ID,
  aLedgerChangedRejection,
  aPriceStale,
  aReducedOrdersExecuted,
  aRebalanceProposed,
  aRebalanceRequested,
  aRiskAlert,
  anOrdersApproved,
  anOrdersExecuted,
  anOrdersProposed,
  anOrdersRejected,
} from '../testing/examples';
import { issuesOf } from '../testing/issues';
import { ordersApprovedPayloadSchema } from './orders-approved.schema';
import { clientOrderIdFor } from './orders-common';
import { ordersExecutedPayloadSchema } from './orders-executed.schema';
import { ordersProposedPayloadSchema } from './orders-proposed.schema';
import { ordersRejectedPayloadSchema } from './orders-rejected.schema';
import { priceStalePayloadSchema } from './price-stale.schema';
import { rebalanceProposedPayloadSchema } from './rebalance-proposed.schema';
import { rebalanceRequestedPayloadSchema } from './rebalance-requested.schema';
import { riskAlertPayloadSchema } from './risk-alert.schema';

describe('the rebalancing run topics accept their examples', () => {
  it.each([
    ['price.stale', priceStalePayloadSchema, aPriceStale()],
    ['risk.alert', riskAlertPayloadSchema, aRiskAlert()],
    ['rebalance.requested', rebalanceRequestedPayloadSchema, aRebalanceRequested()],
    ['rebalance.proposed', rebalanceProposedPayloadSchema, aRebalanceProposed()],
    ['orders.proposed', ordersProposedPayloadSchema, anOrdersProposed()],
    ['orders.approved', ordersApprovedPayloadSchema, anOrdersApproved()],
    ['orders.executed', ordersExecutedPayloadSchema, anOrdersExecuted()],
    ['orders.rejected', ordersRejectedPayloadSchema, anOrdersRejected()],
  ] as const)('%s', (_topic, schema, example) => {
    expect(issuesOf(schema, example)).toEqual([]);
  });
});

describe('price.stale', () => {
  it('needs lastPrice and lastPriceAt together, and not after detection', () => {
    expect(issuesOf(priceStalePayloadSchema, { ...aPriceStale(), lastPrice: null })).toEqual([
      'lastPrice: lastPrice and lastPriceAt are both null (never priced) or both set',
    ]);
    expect(
      issuesOf(priceStalePayloadSchema, { ...aPriceStale(), lastPriceAt: '2024-03-15T15:00:00Z' }),
    ).toEqual(['lastPriceAt: must not be after detectedAt']);
    expect(
      issuesOf(priceStalePayloadSchema, { ...aPriceStale(), lastPrice: null, lastPriceAt: null }),
    ).toEqual([]);
  });
});

describe('rebalance.requested', () => {
  it('defaults mode and cash flow to null', () => {
    const { mode: _mode, cashFlow: _cashFlow, ...bare } = aRebalanceRequested();
    expect(rebalanceRequestedPayloadSchema.parse(bare)).toMatchObject({ mode: null, cashFlow: null });
  });
});

describe('rebalance.proposed', () => {
  it('rejects a chosen scenario that was not scored, and trades for a deferral', () => {
    expect(issuesOf(rebalanceProposedPayloadSchema, { ...aRebalanceProposed(), chosen: 'band' })).toEqual([
      'chosen: "band" is not among the scored scenarios',
    ]);
    expect(issuesOf(rebalanceProposedPayloadSchema, { ...aRebalanceProposed(), chosen: 'defer' })).toEqual([
      'trades: a deferred proposal has no trades',
    ]);
    expect(issuesOf(rebalanceProposedPayloadSchema, { ...aRebalanceProposed(), trades: [] })).toEqual([
      'trades: the chosen scenario "full" has no trades: choose "defer" instead',
    ]);
  });

  it('rejects duplicate legs and trades in unpriced symbols', () => {
    const payload = aRebalanceProposed();
    payload.trades = [payload.trades[0]!, { ...payload.trades[1]!, leg: 1, symbol: 'QQQ' }];
    expect(issuesOf(rebalanceProposedPayloadSchema, payload)).toEqual([
      'trades.1.leg: duplicate leg 1',
      'trades.1.symbol: "QQQ" has no entry in pricesUsed',
    ]);
  });
});

describe('orders.proposed', () => {
  it('needs lots that add up to a sell, exactly, in decimal', () => {
    const payload = anOrdersProposed();
    payload.orders[0]!.quantity = '16.000000000000000001';
    expect(issuesOf(ordersProposedPayloadSchema, payload)).toEqual([
      'orders.0.lots: lot quantities must add up to the order quantity 16.000000000000000001',
    ]);
  });

  it('rejects lots on a buy and an approval count that contradicts "required"', () => {
    const payload = anOrdersProposed();
    payload.orders[1]!.lots = payload.orders[0]!.lots;
    payload.orders[1]!.quantity = '16';
    payload.approval = { ...payload.approval, required: false };
    expect(issuesOf(ordersProposedPayloadSchema, payload)).toEqual([
      'orders.1.lots: a buy relieves no lots',
      'approval.approversRequired: must be 0 exactly when approval is not required',
    ]);
  });

  it('names the portfolio of a conflicting trade elsewhere in the household by its id, when given', () => {
    const finding = {
      accountId: 'acct-taxable',
      symbol: 'VTI',
      conflictingAccountId: 'taxable',
      conflictingSymbol: 'VTI',
      conflictingDate: '2024-03-05',
      disallowedLoss: '500',
      resolution: 'accepted' as const,
      permanentlyLost: false,
      reason: 'the buy is in account taxable of another portfolio of the household',
    };
    const payload = anOrdersProposed();
    payload.washSales = [finding, { ...finding, conflictingPortfolioId: PROPOSAL_ID }];
    expect(issuesOf(ordersProposedPayloadSchema, payload)).toEqual([]);
    payload.washSales = [{ ...finding, conflictingPortfolioId: 'spouse' }];
    expect(issuesOf(ordersProposedPayloadSchema, payload)).toEqual([
      expect.stringMatching(/^washSales\.0\.conflictingPortfolioId: /),
    ]);
  });

  it('makes incomplete wash-sale coverage say why', () => {
    const payload = anOrdersProposed();
    payload.washSaleCoverage = { complete: false, reason: null };
    expect(issuesOf(ordersProposedPayloadSchema, payload)).toEqual([
      'washSaleCoverage.reason: incomplete coverage says why; complete coverage has no reason',
    ]);
  });
});

describe('orders.approved', () => {
  it('derives every client order id from the proposal and the leg', () => {
    expect(clientOrderIdFor(PROPOSAL_ID, 2)).toBe(`${PROPOSAL_ID}-2`);
    expect(clientOrderIdFor(PROPOSAL_ID, 2).length).toBeLessThanOrEqual(48);
    const payload = anOrdersApproved();
    payload.orders[1]!.clientOrderId = 'random-id';
    expect(issuesOf(ordersApprovedPayloadSchema, payload)).toEqual([
      `orders.1.clientOrderId: must be "${PROPOSAL_ID}-2" (derived from proposal and leg)`,
    ]);
  });

  it('refuses one person counted twice and an expiry before the approval', () => {
    const payload = anOrdersApproved();
    payload.approvals = [payload.approvals[0]!, payload.approvals[0]!];
    payload.expiresAt = payload.approvedAt;
    expect(issuesOf(ordersApprovedPayloadSchema, payload)).toEqual([
      'approvals.1: "approver-3" approved twice: four eyes need two people',
      'expiresAt: must be after approvedAt',
    ]);
  });
});

describe('orders.executed', () => {
  it('checks that the fills add up and the status matches the quantity', () => {
    expect(issuesOf(ordersExecutedPayloadSchema, { ...anOrdersExecuted(), filledQuantity: '15' })).toEqual([
      'fills: fill quantities must add up to filledQuantity 15',
      'status: is "filled" only when filledQuantity equals requestedQuantity',
    ]);
    expect(
      issuesOf(ordersExecutedPayloadSchema, {
        ...anOrdersExecuted(),
        requestedQuantity: '20',
        status: 'partially-filled',
      }),
    ).toEqual([]);
    expect(issuesOf(ordersExecutedPayloadSchema, { ...anOrdersExecuted(), requestedQuantity: '10' })).toEqual(
      [
        'filledQuantity: must not exceed requestedQuantity',
        'status: is "filled" only when filledQuantity equals requestedQuantity',
      ],
    );
  });

  it('accepts a buy cut to the available cash, named with its approved quantity and reason', () => {
    expect(issuesOf(ordersExecutedPayloadSchema, aReducedOrdersExecuted())).toEqual([]);
    // Backward compatible: the same message without the optional field is what older producers sent.
    const { reduction: _reduction, ...withoutReduction } = aReducedOrdersExecuted();
    expect(issuesOf(ordersExecutedPayloadSchema, withoutReduction)).toEqual([]);
  });

  it('refuses a reduction that is not one: approved no more than was sent, or an unknown reason', () => {
    const payload = aReducedOrdersExecuted();
    expect(
      issuesOf(ordersExecutedPayloadSchema, {
        ...payload,
        reduction: { ...payload.reduction, approvedQuantity: '68', reason: 'rounded' },
      }),
    ).toEqual(['reduction.reason: must be one of reduced-to-available-cash']);
    expect(
      issuesOf(ordersExecutedPayloadSchema, {
        ...payload,
        reduction: { ...payload.reduction, approvedQuantity: '68' },
      }),
    ).toEqual(['reduction.approvedQuantity: a reduced order was approved for more than requestedQuantity']);
  });

  it('rejects a fill reported twice', () => {
    const payload = anOrdersExecuted();
    payload.fills = [payload.fills[0]!, { ...payload.fills[1]!, fillId: payload.fills[0]!.fillId }];
    expect(issuesOf(ordersExecutedPayloadSchema, payload)).toEqual([
      'fills.1.fillId: duplicate fill "paper-1-a"',
    ]);
  });
});

describe('orders.rejected', () => {
  it('names the rejection code from the list', () => {
    expect(issuesOf(ordersRejectedPayloadSchema, { ...anOrdersRejected(), code: 'nope' })).toEqual([
      expect.stringMatching(/^code: must be one of insufficient-cash, .*outcome-unknown, ledger-changed$/),
    ]);
  });

  it("carries the api's refusal of a superseded proposal: stage approval, code ledger-changed", () => {
    expect(issuesOf(ordersRejectedPayloadSchema, aLedgerChangedRejection())).toEqual([]);
    expect(issuesOf(ordersRejectedPayloadSchema, { ...aLedgerChangedRejection(), stage: 'tax' })).toEqual([
      'stage: must be one of pre-trade, broker, approval',
    ]);
  });

  it('carries both versions of a ledger-changed refusal, or neither (an older producer)', () => {
    const { stateVersion: _state, ledgerVersion: _ledger, ...withoutVersions } = aLedgerChangedRejection();
    expect(issuesOf(ordersRejectedPayloadSchema, withoutVersions)).toEqual([]);
    expect(issuesOf(ordersRejectedPayloadSchema, { ...withoutVersions, ledgerVersion: 9 })).toEqual([
      'stateVersion: stateVersion and ledgerVersion are both set or both absent',
    ]);
    expect(issuesOf(ordersRejectedPayloadSchema, { ...withoutVersions, stateVersion: 7 })).toEqual([
      'ledgerVersion: stateVersion and ledgerVersion are both set or both absent',
    ]);
  });

  it('takes versions only on a ledger-changed refusal, and the ledger version after the proposal', () => {
    expect(
      issuesOf(ordersRejectedPayloadSchema, { ...anOrdersRejected(), stateVersion: 7, ledgerVersion: 9 }),
    ).toEqual(['stateVersion: only a ledger-changed rejection carries versions (code is price-collar)']);
    expect(issuesOf(ordersRejectedPayloadSchema, { ...aLedgerChangedRejection(), ledgerVersion: 7 })).toEqual(
      ['ledgerVersion: must be after stateVersion 7 (got 7)'],
    );
    expect(
      issuesOf(ordersRejectedPayloadSchema, { ...aLedgerChangedRejection(), ledgerVersion: 1.5 }),
    ).toEqual([expect.stringMatching(/^ledgerVersion: /)]);
  });

  it('checks the derived client order id', () => {
    expect(issuesOf(ordersRejectedPayloadSchema, { ...anOrdersRejected(), clientOrderId: 'x' })).toEqual([
      `clientOrderId: must be "${PROPOSAL_ID}-2"`,
    ]);
  });
});
