import {
  type AccountType,
  ordersProposedPayloadSchema,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  type RebalanceProposedPayload,
  rebalanceProposedPayloadSchema,
} from '@ballast/contracts';
import { pendingProposals, type PublishedProposal } from './pending-proposals';
import { taxOrders, type TaxOrdersInput } from './tax-orders';

/**
 * The reverse of household-wash-sale.spec.ts: the buy is proposed here, the loss sale is pending in
 * another portfolio of the household. IRS Publication 550 (2023), "Wash Sales": "A wash sale occurs
 * when you sell or trade stock or securities at a loss and within 30 days before or after the sale
 * you buy ... substantially identical stock or securities", and "If you sell stock and your spouse
 * ... buys substantially identical stock, you also have a wash sale"; bought in an IRA or Roth, the
 * loss is lost for good (Rev. Rul. 2008-5). Approved, both proposals trade now: the buy falls within
 * 30 days after the sale.
 *
 * Scenario: the "Spouse" portfolio's pending proposal sells 10 VTI from a lot bought at 300, at 250:
 * a 500 loss, 50 a share (leg 1). The "Joint" portfolio of the same household now proposes to buy
 * 8 VTI (leg 1) and 20 BND (leg 2). The 8 VTI replace 8 of the 10 shares sold: 400 of the spouse's
 * loss disallowed (deferred into the basis of Joint's new shares in a taxable account).
 */
const JOINT = '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f';
const SPOUSE = '7c2e9b41-5d3a-4f8e-9b6c-1a2d3e4f5a6b';
const SPOUSE_PROPOSAL = '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6';
const AS_OF = '2024-03-15T20:00:00.000Z';

function aState(portfolioId: string, name: string, type: AccountType, vti: string): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId,
    householdId: 'household-7',
    name,
    baseCurrency: 'USD',
    version: 3,
    accounts: [
      {
        accountId: 'brokerage',
        name: `${name} account`,
        type,
        cash: '5000',
        positions: [
          {
            symbol: 'VTI',
            quantity: vti,
            lots:
              vti === '0'
                ? []
                : [{ lotId: `${name}-vti`, quantity: vti, costBasis: '3000', acquiredOn: '2023-09-01' }],
          },
        ],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.5 },
      { symbol: 'BND', weight: 0.5 },
    ],
    policy: { absoluteBandBps: 500 },
    transactions: [
      { accountId: 'brokerage', symbol: 'BND', side: 'buy', quantity: '1', price: '100', date: '2024-01-10' },
    ],
    updatedAt: '2024-03-15T14:00:00.000Z',
  });
}

const spouse = () => aState(SPOUSE, 'Spouse', 'taxable', '10');

/** Joint's proposal: buy 8 VTI and 20 BND. */
function jointBuys(): RebalanceProposedPayload {
  return rebalanceProposedPayloadSchema.parse({
    proposalId: '0b9d8c7e-6f5a-4b4c-8d3e-2f1a0b9c8d7e',
    portfolioId: JOINT,
    stateVersion: 3,
    asOf: AS_OF,
    baseCurrency: 'USD',
    cause: { topic: 'drift.detected', messageId: 'b7e2d4a1-6c3f-4e8b-8d2a-1f9e0c7b5a34' },
    targets: [
      { symbol: 'VTI', weight: 0.5 },
      { symbol: 'BND', weight: 0.5 },
    ],
    driftBefore: 0.5,
    scenarios: [
      { kind: 'full', driftAfter: 0.01, turnover: 0.8, cost: '0', estimatedTax: '0', trades: 2, score: 1 },
    ],
    chosen: 'full',
    trades: [
      {
        leg: 1,
        accountId: 'brokerage',
        symbol: 'VTI',
        side: 'buy',
        quantity: '8',
        referencePrice: '250',
        estimatedValue: '2000',
      },
      {
        leg: 2,
        accountId: 'brokerage',
        symbol: 'BND',
        side: 'buy',
        quantity: '20',
        referencePrice: '100',
        estimatedValue: '2000',
      },
    ],
    explanation: ['full'],
    pricesUsed: [
      { symbol: 'VTI', price: '250', currency: 'USD', asOf: AS_OF, source: 'test' },
      { symbol: 'BND', price: '100', currency: 'USD', asOf: AS_OF, source: 'test' },
    ],
    totalValue: '5000',
  });
}

/** The spouse's orders.proposed as published: sell its 10 VTI at 250, the lot's gain as computed then. */
function spouseSells(gain = '-500'): PublishedProposal {
  return {
    proposalId: SPOUSE_PROPOSAL,
    portfolioId: SPOUSE,
    orders: [
      {
        leg: 1,
        accountId: 'brokerage',
        symbol: 'VTI',
        side: 'sell',
        quantity: '10',
        referencePrice: '250',
        estimatedValue: '2500',
        lots: [
          {
            lotId: 'Spouse-vti',
            acquiredOn: '2023-09-01',
            quantity: '10',
            costBasis: '3000',
            gain,
            term: 'short',
          },
        ],
      },
    ],
  };
}

function jointOrders(
  overrides: { jointAccount?: AccountType; pending?: PublishedProposal[] } & Partial<TaxOrdersInput> = {},
) {
  const { jointAccount = 'taxable', pending = [spouseSells()], ...input } = overrides;
  const result = taxOrders({
    state: aState(JOINT, 'Joint', jointAccount, '0'),
    household: { portfolios: [spouse()], pending: pendingProposals(pending, []) },
    proposal: jointBuys(),
    proposedAt: '2024-03-15T20:00:05.000Z',
    resolution: 'accept',
    approvalDefaults: { thresholdValue: '10000', fourEyesValue: '100000', expiresAfterMinutes: 60 },
    ...input,
  });
  if (result.kind !== 'orders') throw new Error(result.reason);
  return ordersProposedPayloadSchema.parse(result.payload);
}

describe("a buy proposed in one portfolio against the loss sales of the household's other pending proposals", () => {
  it('washes 8 of the 10 shares the spouse sells at a loss: 400 disallowed, named with the proposal', () => {
    const payload = jointOrders();
    expect(payload.washSales).toEqual([
      {
        accountId: 'brokerage',
        symbol: 'VTI',
        conflictingAccountId: 'brokerage',
        conflictingPortfolioId: SPOUSE,
        conflictingSymbol: 'VTI',
        conflictingDate: '2024-03-15',
        disallowedLoss: '400',
        resolution: 'accepted',
        permanentlyLost: false,
        reason: payload.washSales[0]?.reason,
      },
    ]);
    expect(payload.washSales[0]?.reason).toContain(
      `the loss sale is an order of proposal ${SPOUSE_PROPOSAL} of account brokerage of portfolio "Spouse"`,
    );
    // Joint sells nothing: its own realized result is untouched, and both buys stay.
    expect(payload.taxImpact.realizedShortTerm).toBe('0');
    expect(payload.orders.map((order) => [order.leg, order.symbol, order.quantity])).toEqual([
      [1, 'VTI', '8'],
      [2, 'BND', '20'],
    ]);
  });

  it("bought in Joint's IRA, the spouse's 400 is lost for good (Rev. Rul. 2008-5)", () => {
    expect(jointOrders({ jointAccount: 'traditional' }).washSales).toEqual([
      expect.objectContaining({ disallowedLoss: '400', permanentlyLost: true }),
    ]);
  });

  it('remove: the washing buy is dropped, the other buy stays', () => {
    const payload = jointOrders({ resolution: 'remove' });
    expect(payload.washSales).toEqual([expect.objectContaining({ resolution: 'removed' })]);
    expect(payload.orders.map((order) => [order.leg, order.symbol])).toEqual([[2, 'BND']]);
  });

  it('a pending sale at a gain washes nothing', () => {
    expect(jointOrders({ pending: [spouseSells('200')] }).washSales).toEqual([]);
  });

  it('a pending sale whose leg was refused (the proposal superseded) washes nothing', () => {
    const result = taxOrders({
      state: aState(JOINT, 'Joint', 'taxable', '0'),
      household: {
        portfolios: [spouse()],
        pending: pendingProposals(
          [spouseSells()],
          [{ proposalId: SPOUSE_PROPOSAL, leg: 1, stage: 'approval', code: 'ledger-changed' }],
        ),
      },
      proposal: jointBuys(),
      proposedAt: '2024-03-15T20:00:05.000Z',
      resolution: 'accept',
      approvalDefaults: { thresholdValue: '10000', fourEyesValue: '100000', expiresAfterMinutes: 60 },
    });
    expect(result.kind === 'orders' ? result.payload.washSales : result.reason).toEqual([]);
  });
});
