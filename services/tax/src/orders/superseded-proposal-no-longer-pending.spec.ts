import {
  ordersProposedPayloadSchema,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  type RebalanceProposedPayload,
  rebalanceProposedPayloadSchema,
} from '@ballast/contracts';
import {
  type LegRejection,
  legMayStillTrade,
  pendingProposals,
  type PublishedProposal,
} from './pending-proposals';
import { taxOrders } from './tax-orders';

/**
 * A wash sale needs a purchase: a loss is disallowed when substantially identical stock is BOUGHT
 * within 30 days before or after the sale, in any account of the taxpayer or the spouse
 * (26 U.S.C. 1091(a); IRS Publication 550 (2023), "Wash Sales"). A proposed buy counts as bought
 * now while it may still trade; a buy the api refused because the ledger changed (the proposal is
 * superseded), or that execution refused at pre-trade, never trades and so can wash nothing.
 *
 * Scenario: the household's "Joint" portfolio sells its 40 VTI bought at 300 for 250 (a 2 000
 * short-term loss, 50 a share). The "Spouse" portfolio of the same household has a pending
 * proposal: leg 1 buys 8 VTI, leg 2 sells 3 BND. Pending, the buy washes 8 shares' loss (400).
 */
const JOINT = '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f';
const SPOUSE = '7c2e9b41-5d3a-4f8e-9b6c-1a2d3e4f5a6b';
const SPOUSE_PROPOSAL = '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6';
const ANOTHER_PROPOSAL = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const AS_OF = '2024-03-15T20:00:00.000Z';

function aState(
  portfolioId: string,
  name: string,
  position: {
    symbol: string;
    quantity: string;
    lots: PortfolioStatePayload['accounts'][0]['positions'][0]['lots'];
  },
): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId,
    householdId: 'household-7',
    name,
    baseCurrency: 'USD',
    version: 3,
    accounts: [
      {
        accountId: 'taxable',
        name: `${name} brokerage`,
        type: 'taxable',
        cash: '500',
        positions: [position],
      },
    ],
    targets: [{ symbol: position.symbol, weight: 1 }],
    policy: { absoluteBandBps: 500 },
    transactions: [
      { accountId: 'taxable', symbol: 'BND', side: 'buy', quantity: '1', price: '100', date: '2024-01-10' },
    ],
    updatedAt: '2024-03-15T14:00:00.000Z',
  });
}

const joint = () =>
  aState(JOINT, 'Joint', {
    symbol: 'VTI',
    quantity: '40',
    lots: [{ lotId: 'lot-high', quantity: '40', costBasis: '12000', acquiredOn: '2023-09-01' }],
  });
const spouse = () =>
  aState(SPOUSE, 'Spouse', {
    symbol: 'BND',
    quantity: '10',
    lots: [{ lotId: 'bnd-1', quantity: '10', costBasis: '1000', acquiredOn: '2023-01-05' }],
  });

/** Joint's proposal: sell the 40 VTI at 250. */
function jointSellsAtALoss(): RebalanceProposedPayload {
  return rebalanceProposedPayloadSchema.parse({
    proposalId: '0b9d8c7e-6f5a-4b4c-8d3e-2f1a0b9c8d7e',
    portfolioId: JOINT,
    stateVersion: 3,
    asOf: AS_OF,
    baseCurrency: 'USD',
    cause: { topic: 'drift.detected', messageId: 'b7e2d4a1-6c3f-4e8b-8d2a-1f9e0c7b5a34' },
    targets: [{ symbol: 'VTI', weight: 0 }],
    driftBefore: 0.1,
    scenarios: [
      { kind: 'full', driftAfter: 0, turnover: 0.1, cost: '0', estimatedTax: '0', trades: 1, score: 1 },
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
    ],
    explanation: ['full'],
    pricesUsed: [{ symbol: 'VTI', price: '250', currency: 'USD', asOf: AS_OF, source: 'test' }],
    totalValue: '10500',
  });
}

/** The spouse's orders.proposed as this service published it: buy 8 VTI (leg 1), sell 3 BND (leg 2). */
const spousePending: PublishedProposal = {
  proposalId: SPOUSE_PROPOSAL,
  portfolioId: SPOUSE,
  orders: [
    {
      leg: 1,
      accountId: 'taxable',
      symbol: 'VTI',
      side: 'buy',
      quantity: '8',
      referencePrice: '250',
      estimatedValue: '2000',
      lots: [],
    },
    {
      leg: 2,
      accountId: 'taxable',
      symbol: 'BND',
      side: 'sell',
      quantity: '3',
      referencePrice: '101',
      estimatedValue: '303',
      lots: [],
    },
  ],
};

const rejected = (
  leg: number,
  stage: LegRejection['stage'],
  code: LegRejection['code'],
  proposalId = SPOUSE_PROPOSAL,
): LegRejection => ({ proposalId, leg, stage, code });

/** Joint's orders.proposed with the spouse's proposal pending after `rejections`. */
function jointOrders(rejections: LegRejection[]) {
  const result = taxOrders({
    state: joint(),
    household: { portfolios: [spouse()], pending: pendingProposals([spousePending], rejections) },
    proposal: jointSellsAtALoss(),
    proposedAt: '2024-03-15T20:00:05.000Z',
    resolution: 'accept',
    approvalDefaults: { thresholdValue: '10000', fourEyesValue: '100000', expiresAfterMinutes: 60 },
  });
  if (result.kind !== 'orders') throw new Error(result.reason);
  return ordersProposedPayloadSchema.parse(result.payload);
}

describe('a superseded or rejected proposal stops being pending for the household wash-sale check', () => {
  it('pending, the spouse buy washes 8 of the 40 shares: 400 of the 2 000 loss disallowed', () => {
    const payload = jointOrders([]);
    expect(payload.washSales).toEqual([
      expect.objectContaining({
        conflictingPortfolioId: SPOUSE,
        conflictingSymbol: 'VTI',
        disallowedLoss: '400',
      }),
    ]);
    expect(payload.washSales[0]?.reason).toContain(`the buy is an order of proposal ${SPOUSE_PROPOSAL}`);
    expect(payload.taxImpact.realizedShortTerm).toBe('-1600');
  });

  it('superseded by the api (every leg ledger-changed at approval): no wash, the whole loss realized', () => {
    const rejections = [rejected(1, 'approval', 'ledger-changed'), rejected(2, 'approval', 'ledger-changed')];
    expect(pendingProposals([spousePending], rejections)).toEqual([]);
    const payload = jointOrders(rejections);
    expect(payload.washSales).toEqual([]);
    expect(payload.taxImpact.realizedShortTerm).toBe('-2000');
  });

  it('the buy refused at pre-trade (insufficient cash): the sell stays pending, the buy washes nothing', () => {
    const rejections = [rejected(1, 'pre-trade', 'insufficient-cash')];
    expect(pendingProposals([spousePending], rejections)).toEqual([
      { proposalId: SPOUSE_PROPOSAL, portfolioId: SPOUSE, orders: [spousePending.orders[1]] },
    ]);
    expect(jointOrders(rejections).washSales).toEqual([]);
  });

  it('a broker refusal is final too', () => {
    expect(jointOrders([rejected(1, 'broker', 'broker-rejected')]).washSales).toEqual([]);
  });

  it('outcome-unknown keeps the buy: the broker may have filled it, so the wash is still flagged', () => {
    expect(legMayStillTrade({ code: 'outcome-unknown' })).toBe(true);
    expect(jointOrders([rejected(1, 'broker', 'outcome-unknown')]).washSales).toEqual([
      expect.objectContaining({ disallowedLoss: '400' }),
    ]);
  });

  it('only the legs of the rejected proposal drop out: leg 1 of another proposal changes nothing', () => {
    const rejections = [rejected(1, 'approval', 'ledger-changed', ANOTHER_PROPOSAL)];
    expect(pendingProposals([spousePending], rejections)).toEqual([spousePending]);
    expect(jointOrders(rejections).washSales).toEqual([expect.objectContaining({ disallowedLoss: '400' })]);
  });

  it('only a selling leg refused: the buy still washes', () => {
    expect(jointOrders([rejected(2, 'pre-trade', 'insufficient-holdings')]).washSales).toEqual([
      expect.objectContaining({ disallowedLoss: '400' }),
    ]);
  });
});
