import {
  type LedgerTransaction,
  ordersProposedPayloadSchema,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
  type RebalanceProposedPayload,
  rebalanceProposedPayloadSchema,
} from '@ballast/contracts';
import { type HouseholdInput } from './household-view';
import { taxOrders, type TaxOrdersInput } from './tax-orders';

/**
 * The wash-sale rule spans the taxpayer, not one portfolio: a loss is disallowed when substantially
 * identical stock is bought within 30 days before or after the sale (26 U.S.C. 1091(a)); IRS
 * Publication 550 (2023), "Wash Sales": "If you sell stock and your spouse or a corporation you
 * control buys substantially identical stock, you also have a wash sale"; a purchase in an IRA or
 * Roth IRA washes the loss and the loss is not added to the IRA's basis (Rev. Rul. 2008-5, 2008-3
 * I.R.B. 271), so it is lost for good.
 *
 * Scenario: the household's "Joint" portfolio sells its 40 VTI bought at 300 (12 000) for 250:
 * a 2 000 short-term loss, 50 a share. Its "Spouse" portfolio, same household, bought VTI 10 days
 * earlier. Both portfolios name their brokerage account `taxable`.
 */
const JOINT = '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f';
const SPOUSE = '7c2e9b41-5d3a-4f8e-9b6c-1a2d3e4f5a6b';
const OTHER_PROPOSAL = '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6';

function joint(): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId: JOINT,
    householdId: 'household-7',
    name: 'Joint',
    baseCurrency: 'USD',
    version: 3,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Joint brokerage',
        type: 'taxable',
        cash: '500',
        positions: [
          {
            symbol: 'VTI',
            quantity: '40',
            lots: [{ lotId: 'lot-high', quantity: '40', costBasis: '12000', acquiredOn: '2023-09-01' }],
          },
          { symbol: 'BND', quantity: '60', lots: [] },
        ],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.2 },
      { symbol: 'BND', weight: 0.8 },
    ],
    policy: { absoluteBandBps: 500 },
    transactions: [
      { accountId: 'taxable', symbol: 'BND', side: 'buy', quantity: '1', price: '100', date: '2024-01-10' },
    ],
    updatedAt: '2024-03-15T14:00:00.000Z',
  });
}

/** The spouse's portfolio; by default its brokerage bought 10 VTI at 255 on 2024-03-05. */
function spouse(
  options: {
    accountType?: 'taxable' | 'traditional';
    transactions?: LedgerTransaction[];
    vtiLots?: { lotId: string; quantity: string; costBasis: string; acquiredOn: string }[];
  } = {},
): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId: SPOUSE,
    householdId: 'household-7',
    name: 'Spouse',
    baseCurrency: 'USD',
    version: 9,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Spouse brokerage',
        type: options.accountType ?? 'taxable',
        cash: '0',
        positions: [{ symbol: 'VTI', quantity: '10', lots: options.vtiLots ?? [] }],
      },
    ],
    targets: [{ symbol: 'VTI', weight: 1 }],
    policy: { absoluteBandBps: 500 },
    transactions: options.transactions ?? [
      { accountId: 'taxable', symbol: 'BND', side: 'sell', quantity: '1', price: '100', date: '2024-01-20' },
      { accountId: 'taxable', symbol: 'VTI', side: 'buy', quantity: '10', price: '255', date: '2024-03-05' },
    ],
    updatedAt: '2024-03-05T20:00:00.000Z',
  });
}

function aProposal(): RebalanceProposedPayload {
  const asOf = '2024-03-15T20:00:00.000Z';
  return rebalanceProposedPayloadSchema.parse({
    proposalId: '0b9d8c7e-6f5a-4b4c-8d3e-2f1a0b9c8d7e',
    portfolioId: JOINT,
    stateVersion: 3,
    asOf,
    baseCurrency: 'USD',
    cause: { topic: 'drift.detected', messageId: 'b7e2d4a1-6c3f-4e8b-8d2a-1f9e0c7b5a34' },
    targets: [
      { symbol: 'VTI', weight: 0.2 },
      { symbol: 'BND', weight: 0.8 },
    ],
    driftBefore: 0.1,
    scenarios: [
      { kind: 'full', driftAfter: 0.001, turnover: 0.1, cost: '0', estimatedTax: '0', trades: 2, score: 1 },
      { kind: 'defer', driftAfter: 0.1, turnover: 0, cost: '0', estimatedTax: '0', trades: 0, score: 100 },
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
    pricesUsed: [
      { symbol: 'VTI', price: '250', currency: 'USD', asOf, source: 'test' },
      { symbol: 'BND', price: '101', currency: 'USD', asOf, source: 'test' },
    ],
    totalValue: '16560',
  });
}

function anInput(
  household: HouseholdInput | undefined,
  overrides: Partial<TaxOrdersInput> = {},
): TaxOrdersInput {
  return {
    state: joint(),
    proposal: aProposal(),
    proposedAt: '2024-03-15T20:00:05.000Z',
    resolution: 'accept',
    approvalDefaults: { thresholdValue: '10000', fourEyesValue: '100000', expiresAfterMinutes: 60 },
    ...(household === undefined ? {} : { household }),
    ...overrides,
  };
}

function orders(input: TaxOrdersInput) {
  const result = taxOrders(input);
  if (result.kind !== 'orders') throw new Error(result.reason);
  return ordersProposedPayloadSchema.parse(result.payload);
}

describe('wash sales across the household: a loss sale in one portfolio, a buy in another', () => {
  it('the portfolio alone sees no wash: the whole 2 000 loss is realized', () => {
    const payload = orders(anInput(undefined));
    expect(payload.washSales).toEqual([]);
    expect(payload.taxImpact.realizedShortTerm).toBe('-2000');
  });

  it("the spouse's buy 10 days earlier washes 10 of the 40 shares: 500 deferred into its basis", () => {
    const payload = orders(anInput({ portfolios: [spouse()], pending: [] }));
    expect(payload.washSales).toEqual([
      {
        accountId: 'taxable',
        symbol: 'VTI',
        conflictingAccountId: 'taxable',
        conflictingPortfolioId: SPOUSE,
        conflictingSymbol: 'VTI',
        conflictingDate: '2024-03-05',
        disallowedLoss: '500',
        resolution: 'accepted',
        permanentlyLost: false,
        reason: payload.washSales[0]?.reason,
      },
    ]);
    expect(payload.washSales[0]?.reason).toContain(`in account taxable of portfolio "Spouse" (${SPOUSE})`);
    // 30 of the 40 shares' loss (30 x 50) stays realized.
    expect(payload.taxImpact.realizedShortTerm).toBe('-1500');
    // Both portfolios' histories start before 2024-02-14: 30 days are covered.
    expect(payload.washSaleCoverage).toEqual({ complete: true, reason: null });
  });

  it("a buy in the spouse's IRA makes the washed loss permanently lost (Rev. Rul. 2008-5)", () => {
    const payload = orders(anInput({ portfolios: [spouse({ accountType: 'traditional' })], pending: [] }));
    expect(payload.washSales).toEqual([
      expect.objectContaining({
        conflictingPortfolioId: SPOUSE,
        disallowedLoss: '500',
        permanentlyLost: true,
      }),
    ]);
  });

  it('a recent lot of the other portfolio counts as a purchase when its state carries no transaction for it', () => {
    const household = {
      portfolios: [
        spouse({
          transactions: [],
          vtiLots: [{ lotId: 'spouse-1', quantity: '10', costBasis: '2550', acquiredOn: '2024-03-05' }],
        }),
      ],
      pending: [],
    };
    const payload = orders(anInput(household));
    expect(payload.washSales).toEqual([
      expect.objectContaining({
        conflictingPortfolioId: SPOUSE,
        conflictingDate: '2024-03-05',
        disallowedLoss: '500',
      }),
    ]);
    expect(payload.washSales[0]?.reason).toContain(
      'a lot acquired on 2024-03-05 in account taxable of portfolio "Spouse"',
    );
    // The spouse's portfolio has no transactions: nothing is known of its trades before today.
    expect(payload.washSaleCoverage.complete).toBe(false);
  });

  it('a buy 40 days earlier is outside the 30-day window: no wash', () => {
    const household = {
      portfolios: [
        spouse({
          transactions: [
            {
              accountId: 'taxable',
              symbol: 'VTI',
              side: 'buy',
              quantity: '10',
              price: '255',
              date: '2024-02-04',
            },
          ],
        }),
      ],
      pending: [],
    };
    expect(orders(anInput(household)).washSales).toEqual([]);
  });

  it("the buy of the other portfolio's pending proposal washes the loss too (it is bought now)", () => {
    const household: HouseholdInput = {
      portfolios: [spouse({ transactions: [] })],
      pending: [
        {
          proposalId: OTHER_PROPOSAL,
          portfolioId: SPOUSE,
          orders: [
            { accountId: 'taxable', symbol: 'VTI', side: 'buy', quantity: '8', referencePrice: '250' },
            { accountId: 'taxable', symbol: 'BND', side: 'sell', quantity: '3', referencePrice: '101' },
          ],
        },
      ],
    };
    const payload = orders(anInput(household));
    expect(payload.washSales).toEqual([
      expect.objectContaining({
        conflictingPortfolioId: SPOUSE,
        conflictingAccountId: 'taxable',
        conflictingDate: '2024-03-15',
        disallowedLoss: '400',
      }),
    ]);
    expect(payload.washSales[0]?.reason).toContain(`the buy is an order of proposal ${OTHER_PROPOSAL}`);
  });

  it('remove: the loss sale washed by the other portfolio is dropped and its lot kept', () => {
    const payload = orders(anInput({ portfolios: [spouse()], pending: [] }, { resolution: 'remove' }));
    expect(payload.orders.map((order) => order.leg)).toEqual([2]);
    expect(payload.washSales).toEqual([
      expect.objectContaining({ resolution: 'removed', disallowedLoss: '500' }),
    ]);
    expect(payload.taxImpact.realizedShortTerm).toBe('0');
  });

  it("plans as of the household's latest booking: a buy booked after the prices' date is before the sale", () => {
    // Prices of 2024-03-15, but the spouse's purchase was booked on 2024-03-20: the sale trades now,
    // after it, and it is within 30 days.
    const later = spouse({
      transactions: [
        {
          accountId: 'taxable',
          symbol: 'VTI',
          side: 'buy',
          quantity: '10',
          price: '255',
          date: '2024-03-20',
        },
      ],
    });
    const payload = orders(anInput({ portfolios: [later], pending: [] }));
    expect(payload.washSales).toEqual([
      expect.objectContaining({ conflictingDate: '2024-03-20', disallowedLoss: '500' }),
    ]);
  });
});
