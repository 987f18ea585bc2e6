import {
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  type RebalanceProposedPayload,
  ordersProposedPayloadSchema,
  rebalanceProposedPayloadSchema,
} from '@ballast/contracts';
import { taxOrders, type TaxOrdersInput } from './tax-orders';

// Scenario: the taxable account sells VTI at a loss (bought at 300, now 250) while the IRA bought VTI
// ten days ago: the loss would be washed by the IRA purchase and lost for good (Rev. Rul. 2008-5).
const PORTFOLIO_ID = '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f';

function aState(overrides: Partial<PortfolioStatePayload> = {}): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId: PORTFOLIO_ID,
    householdId: 'household-42',
    name: 'Retirement',
    baseCurrency: 'USD',
    version: 4,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Brokerage',
        type: 'taxable',
        cash: '500',
        positions: [
          {
            symbol: 'VTI',
            quantity: '100',
            lots: [
              { lotId: 'lot-old', quantity: '60', costBasis: '9000', acquiredOn: '2019-05-01' },
              { lotId: 'lot-high', quantity: '40', costBasis: '12000', acquiredOn: '2023-09-01' },
            ],
          },
        ],
      },
      {
        accountId: 'ira',
        name: 'IRA',
        type: 'traditional',
        cash: '0',
        positions: [
          { symbol: 'VTI', quantity: '5', lots: [] },
          { symbol: 'BND', quantity: '100', lots: [] },
        ],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    planningPolicy: { lotMethod: 'hifo' },
    transactions: [
      { accountId: 'ira', symbol: 'VTI', side: 'buy', quantity: '5', price: '255', date: '2024-03-05' },
    ],
    updatedAt: '2024-03-15T14:00:00.000Z',
    ...overrides,
  });
}

function aProposal(): RebalanceProposedPayload {
  const prices = [
    { symbol: 'VTI', price: '250', currency: 'USD', asOf: '2024-03-15T20:00:00.000Z', source: 'test' },
    { symbol: 'BND', price: '101', currency: 'USD', asOf: '2024-03-15T20:00:00.000Z', source: 'test' },
  ];
  return rebalanceProposedPayloadSchema.parse({
    proposalId: '0b9d8c7e-6f5a-5b4c-8d3e-2f1a0b9c8d7e',
    portfolioId: PORTFOLIO_ID,
    stateVersion: 4,
    asOf: '2024-03-15T20:00:00.000Z',
    baseCurrency: 'USD',
    cause: { topic: 'drift.detected', messageId: 'b7e2d4a1-6c3f-4e8b-8d2a-1f9e0c7b5a34' },
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.4 },
    ],
    driftBefore: 0.12,
    scenarios: [
      { kind: 'full', driftAfter: 0.001, turnover: 0.1, cost: '0', estimatedTax: '0', trades: 2, score: 1 },
      { kind: 'defer', driftAfter: 0.12, turnover: 0, cost: '0', estimatedTax: '0', trades: 0, score: 120 },
    ],
    chosen: 'full',
    trades: [
      {
        leg: 1,
        accountId: 'taxable',
        symbol: 'VTI',
        side: 'sell',
        quantity: '40',
        referencePrice: '250',
        estimatedValue: '10000',
      },
      {
        leg: 2,
        accountId: 'taxable',
        symbol: 'BND',
        side: 'buy',
        quantity: '99',
        referencePrice: '101',
        estimatedValue: '9999',
      },
    ],
    explanation: ['full'],
    pricesUsed: prices,
    totalValue: '36350',
  });
}

function anInput(overrides: Partial<TaxOrdersInput> = {}): TaxOrdersInput {
  return {
    state: aState(),
    proposal: aProposal(),
    proposedAt: '2024-03-15T20:00:05.000Z',
    resolution: 'accept',
    approvalDefaults: { thresholdValue: '10000', fourEyesValue: '100000', expiresAfterMinutes: 60 },
    ...overrides,
  };
}

describe('wash sale: a loss sale in the taxable account with a recent buy in the IRA', () => {
  it('accepted: the order keeps its lots (hifo: the 300 lot, a 2 000 loss), flagged as permanently lost', () => {
    const result = taxOrders(anInput());
    if (result.kind !== 'orders') throw new Error(result.reason);
    const payload = ordersProposedPayloadSchema.parse(result.payload);
    const sell = payload.orders.find((order) => order.leg === 1);
    expect(sell?.lots).toEqual([
      {
        lotId: 'lot-high',
        acquiredOn: '2023-09-01',
        quantity: '40',
        costBasis: '12000',
        gain: '-2000',
        term: 'short',
      },
    ]);
    expect(payload.orders.find((order) => order.leg === 2)?.lots).toEqual([]);
    expect(payload.washSales).toEqual([
      expect.objectContaining({
        accountId: 'taxable',
        symbol: 'VTI',
        conflictingAccountId: 'ira',
        conflictingSymbol: 'VTI',
        conflictingDate: '2024-03-05',
        resolution: 'accepted',
        permanentlyLost: true,
      }),
    ]);
    // 5 IRA shares replace 5 of the 40 sold: 5 x 50 of loss disallowed, for good.
    expect(payload.washSales[0]?.disallowedLoss).toBe('250');
    // The rest of the loss (35 x 50) is realized short-term.
    expect(payload.taxImpact.realizedShortTerm).toBe('-1750');
    // History starts ten days ago: the check could not see a full 30 days.
    expect(payload.washSaleCoverage.complete).toBe(false);
    expect(payload.washSaleCoverage.reason).toMatch(/10 days before 2024-03-15/);
  });

  it('substitute (the default resolution): the loss sale is removed and the lots kept; the finding says so', () => {
    const result = taxOrders(anInput({ resolution: 'substitute' }));
    if (result.kind !== 'orders') throw new Error(result.reason);
    expect(result.payload.orders.map((order) => order.leg)).toEqual([2]);
    expect(result.payload.washSales).toEqual([
      expect.objectContaining({ symbol: 'VTI', resolution: 'removed', permanentlyLost: true }),
    ]);
    expect(result.payload.explanation.some((line) => line.startsWith('Order 1 removed'))).toBe(true);
  });

  it('with 40 days of history the coverage is complete', () => {
    const state = aState({
      transactions: [
        { accountId: 'ira', symbol: 'VTI', side: 'buy', quantity: '5', price: '255', date: '2024-03-05' },
        { accountId: 'taxable', symbol: 'VTI', side: 'buy', quantity: '1', price: '240', date: '2024-02-01' },
      ],
    });
    const result = taxOrders(anInput({ state }));
    if (result.kind !== 'orders') throw new Error(result.reason);
    expect(result.payload.washSaleCoverage).toEqual({ complete: true, reason: null });
  });
});

describe('approval', () => {
  it('one approver above the threshold (19 999 > 10 000), expiring after the policy minutes', () => {
    const result = taxOrders(anInput());
    if (result.kind !== 'orders') throw new Error(result.reason);
    const { reason, ...approval } = result.payload.approval;
    expect(approval).toEqual({ required: true, approversRequired: 1, expiresAt: '2024-03-15T21:00:05.000Z' });
    expect(reason).toContain('19999.00 exceed the approval threshold 10000');
  });

  it("the household's planningPolicy.approval overrides the defaults: two people above its four-eyes value", () => {
    const state = aState({
      planningPolicy: { approval: { thresholdValue: '1000', fourEyesValue: '15000' } },
    });
    const result = taxOrders(anInput({ state }));
    if (result.kind !== 'orders') throw new Error(result.reason);
    expect(result.payload.approval.approversRequired).toBe(2);
  });

  it('approved by policy at or under the threshold', () => {
    const state = aState({
      planningPolicy: { approval: { thresholdValue: '20000', fourEyesValue: '50000' } },
    });
    const result = taxOrders(anInput({ state }));
    if (result.kind !== 'orders') throw new Error(result.reason);
    expect(result.payload.approval).toMatchObject({ required: false, approversRequired: 0 });
  });

  it('names a bad approval field', () => {
    const state = aState({ planningPolicy: { approval: { thresholdValue: 'lots' } } });
    expect(() => taxOrders(anInput({ state }))).toThrow(/planningPolicy\.approval\.thresholdValue/);
  });
});
