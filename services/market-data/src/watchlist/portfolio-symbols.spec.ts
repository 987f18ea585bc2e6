import { type PortfolioStatePayload } from '@ballast/contracts';
import { portfolioSymbols, watchChange } from './portfolio-symbols';

function state(overrides: Partial<PortfolioStatePayload>): PortfolioStatePayload {
  return {
    portfolioId: '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f',
    householdId: 'household-1',
    name: 'Retirement',
    baseCurrency: 'USD',
    version: 1,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Brokerage',
        type: 'taxable',
        cash: '100',
        positions: [
          { symbol: 'VTI', quantity: '10', lots: [] },
          { symbol: 'EFA', quantity: '0', lots: [] },
        ],
      },
      {
        accountId: 'ira',
        name: 'IRA',
        type: 'traditional',
        cash: '0',
        positions: [{ symbol: 'BND', quantity: '5.5', lots: [] }],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'VXUS', weight: 0.4 },
      { symbol: 'EEM', weight: 0 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2026-12-01T15:00:00.000Z',
    ...overrides,
  };
}

describe('portfolioSymbols', () => {
  it('is every symbol held in any account and every symbol targeted with a positive weight, sorted', () => {
    // EFA: a position of zero shares, not held; EEM: a target of weight 0 that is not held.
    expect(portfolioSymbols(state({}))).toEqual(['BND', 'VTI', 'VXUS']);
  });

  it('keeps a held symbol whose target is 0 (it still has to be valued and sold)', () => {
    const selling = state({
      targets: [
        { symbol: 'VTI', weight: 1 },
        { symbol: 'BND', weight: 0 },
      ],
    });
    expect(portfolioSymbols(selling)).toEqual(['BND', 'VTI']);
  });

  it('reads "0.000" as zero shares', () => {
    const sold = state({
      accounts: [
        {
          accountId: 'taxable',
          name: 'Brokerage',
          type: 'taxable',
          cash: '100',
          positions: [{ symbol: 'BND', quantity: '0.000', lots: [] }],
        },
      ],
      targets: [{ symbol: 'VTI', weight: 1 }],
    });
    expect(portfolioSymbols(sold)).toEqual(['VTI']);
  });
});

describe('watchChange', () => {
  it('names what a new version adds and drops', () => {
    expect(watchChange(['BND', 'VTI'], ['TLT', 'VTI'])).toEqual({ added: ['TLT'], removed: ['BND'] });
    expect(watchChange([], ['SPY'])).toEqual({ added: ['SPY'], removed: [] });
    expect(watchChange(['SPY'], ['SPY'])).toEqual({ added: [], removed: [] });
  });
});
