import { type OrdersProposedPayload, type PortfolioStatePayload } from '@ballast/contracts';
import { allocationOf, expectedAfterState, proposalAllocations } from './allocations';

const AS_OF = '2026-03-02T15:00:00.000Z';

function state(overrides: Partial<PortfolioStatePayload> = {}): PortfolioStatePayload {
  return {
    portfolioId: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
    householdId: 'h1',
    name: 'Test',
    baseCurrency: 'USD',
    version: 2,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Taxable',
        type: 'taxable',
        cash: '100',
        positions: [
          {
            symbol: 'SPY',
            quantity: '10',
            lots: [{ lotId: 'a', quantity: '10', costBasis: '4000', acquiredOn: '2020-01-02' }],
          },
        ],
      },
      {
        accountId: 'ira',
        name: 'IRA',
        type: 'traditional',
        cash: '0',
        positions: [{ symbol: 'TLT', quantity: '10', lots: [] }],
      },
    ],
    targets: [
      { symbol: 'SPY', weight: 0.5 },
      { symbol: 'TLT', weight: 0.5 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: AS_OF,
    ...overrides,
  };
}

const price = (symbol: string, value: string) => ({
  symbol,
  price: value,
  currency: 'USD',
  asOf: AS_OF,
  source: 'replay',
});

function proposal(): OrdersProposedPayload {
  const trade = { accountId: 'taxable', estimatedValue: '0', lots: [] };
  return {
    proposalId: '9d7e5c3a-1b2f-4a6d-8e0c-3f5a7b9d1e2c',
    portfolioId: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
    stateVersion: 2,
    asOf: AS_OF,
    baseCurrency: 'USD',
    // The buy is listed first: it can be paid for only after the sell, as execution orders them.
    orders: [
      { ...trade, leg: 2, symbol: 'TLT', side: 'buy', quantity: '5', referencePrice: '100' },
      {
        ...trade,
        leg: 1,
        symbol: 'SPY',
        side: 'sell',
        quantity: '2',
        referencePrice: '300',
        lots: [
          {
            lotId: 'a',
            acquiredOn: '2020-01-02',
            quantity: '2',
            costBasis: '800',
            gain: '-200',
            term: 'long',
          },
        ],
      },
    ],
    taxImpact: { realizedShortTerm: '0', realizedLongTerm: '-200', estimatedTax: '0' },
    washSales: [],
    washSaleCoverage: { complete: true, reason: null },
    approval: { required: false, approversRequired: 0, reason: 'small', expiresAt: AS_OF },
    totalValue: '1100',
    pricesUsed: [price('SPY', '300'), price('TLT', '100')],
    explanation: [],
  };
}

describe('allocations', () => {
  it('values the household across accounts at the given prices (weights and cash sum to 1)', () => {
    const allocation = allocationOf(state(), [price('SPY', '300'), price('TLT', '100')]);
    // 3000 SPY + 1000 TLT + 100 cash = 4100
    expect(allocation).toEqual({
      version: 2,
      totalValue: '4100',
      cash: 100 / 4100,
      weights: { SPY: 3000 / 4100, TLT: 1000 / 4100 },
    });
    const sum = Object.values(allocation?.weights ?? {}).reduce(
      (total, weight) => total + weight,
      allocation?.cash ?? 0,
    );
    expect(sum).toBeCloseTo(1, 12);
  });

  it('books sells before buys for the expected state, so the buy is funded', () => {
    const after = expectedAfterState(state(), proposal());
    expect(after?.accounts[0]?.cash).toBe('200'); // 100 + 600 - 500
    expect(after?.accounts[0]?.positions.map((position) => [position.symbol, position.quantity])).toEqual([
      ['SPY', '8'],
      ['TLT', '5'],
    ]);
  });

  it('reports before, expected after and actual after at the proposal prices', () => {
    const allocations = proposalAllocations(proposal(), state(), state({ version: 3 }));
    expect(allocations.before?.weights).toEqual({ SPY: 3000 / 4100, TLT: 1000 / 4100 });
    expect(allocations.expectedAfter?.weights).toEqual({ SPY: 2400 / 4100, TLT: 1500 / 4100 });
    expect(allocations.actualAfter?.version).toBe(3);
  });

  it('has no allocation where a price is missing, and no expected state the ledger could not book', () => {
    expect(allocationOf(state(), [price('SPY', '300')])).toBeNull();
    const tooMuch = proposal();
    tooMuch.orders = tooMuch.orders.map((order) =>
      order.side === 'sell' ? { ...order, quantity: '11', lots: [] } : order,
    );
    expect(expectedAfterState(state(), tooMuch)).toBeNull();
    expect(proposalAllocations(proposal(), null, null)).toEqual({
      before: null,
      expectedAfter: null,
      actualAfter: null,
    });
  });
});
