import { type PortfolioStatePayload } from '@ballast/contracts';
import { planningDate } from './portfolio-document';

const state = (acquiredOn: string, transactionDate?: string): PortfolioStatePayload => ({
  portfolioId: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
  householdId: 'h1',
  name: 'Replay',
  baseCurrency: 'USD',
  version: 3,
  accounts: [
    {
      accountId: 'taxable',
      name: 'Taxable',
      type: 'taxable',
      cash: '10',
      positions: [
        {
          symbol: 'SPY',
          quantity: '5',
          lots: [{ lotId: 'l1', quantity: '5', costBasis: '500', acquiredOn }],
        },
      ],
    },
  ],
  targets: [{ symbol: 'SPY', weight: 1 }],
  policy: { absoluteBandBps: 500 },
  ...(transactionDate === undefined
    ? {}
    : {
        transactions: [
          {
            accountId: 'taxable',
            symbol: 'SPY',
            side: 'buy' as const,
            quantity: '1',
            price: '100',
            date: transactionDate,
          },
        ],
      }),
  updatedAt: '2026-12-02T10:00:00.000Z',
});

describe('planningDate', () => {
  it("is the prices' date when the ledger has nothing later", () => {
    expect(planningDate(state('2015-03-02'), '2016-06-30T20:00:00Z')).toBe('2016-06-30');
  });

  it("is the ledger's latest lot or transaction date when a replay's prices are older (fills booked today)", () => {
    expect(planningDate(state('2026-12-02'), '2008-10-10T20:00:00Z')).toBe('2026-12-02');
    expect(planningDate(state('2015-03-02', '2026-12-01'), '2008-10-10')).toBe('2026-12-01');
  });
});
