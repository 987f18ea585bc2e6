import { aPortfolioState } from '../testing/examples';
import { issuesOf } from '../testing/issues';
import { portfolioStatePayloadSchema } from './portfolio-state.schema';

describe('portfolio.state payload', () => {
  it('accepts a full snapshot', () => {
    expect(issuesOf(portfolioStatePayloadSchema, aPortfolioState())).toEqual([]);
  });

  it('lists the client order ids the ledger has applied, each once; the list is optional', () => {
    const { appliedOrderIds: _applied, ...older } = aPortfolioState();
    expect(issuesOf(portfolioStatePayloadSchema, older)).toEqual([]);
    const state = { ...aPortfolioState(), appliedOrderIds: ['p-1', 'p-2', 'p-1'] };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'appliedOrderIds.2: duplicate client order id "p-1"',
    ]);
  });

  it('defaults a position without lots to no lots', () => {
    const state = aPortfolioState();
    const roth = state.accounts[1];
    if (roth === undefined) throw new Error('example has a second account');
    roth.positions = [{ symbol: 'BND', quantity: '310' } as (typeof roth.positions)[number]];
    expect(portfolioStatePayloadSchema.parse(state).accounts[1]?.positions[0]?.lots).toEqual([]);
  });

  it('accepts weights that sum to 1 only after binary rounding (0.1 + 0.2 + 0.7)', () => {
    const state = {
      ...aPortfolioState(),
      targets: [
        { symbol: 'VTI', weight: 0.1 },
        { symbol: 'VXUS', weight: 0.2 },
        { symbol: 'BND', weight: 0.7 },
      ],
    };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([]);
  });

  it('rejects target weights summing to 0.98', () => {
    const state = {
      ...aPortfolioState(),
      targets: [
        { symbol: 'VTI', weight: 0.6 },
        { symbol: 'BND', weight: 0.38 },
      ],
    };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'targets: target weights must sum to 1, got 0.98',
    ]);
  });

  it('rejects a duplicate target symbol', () => {
    const state = {
      ...aPortfolioState(),
      targets: [
        { symbol: 'VTI', weight: 0.5 },
        { symbol: 'BND', weight: 0.3 },
        { symbol: 'VTI', weight: 0.2 },
      ],
    };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'targets.2.symbol: duplicate target symbol "VTI": give each symbol one target',
    ]);
  });

  it('rejects a weight outside [0, 1]', () => {
    const state = {
      ...aPortfolioState(),
      targets: [
        { symbol: 'VTI', weight: 1.2 },
        { symbol: 'BND', weight: -0.2 },
      ],
    };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'targets.0.weight: must be between 0 and 1',
      'targets.1.weight: must be between 0 and 1',
    ]);
  });

  it('rejects a bad portfolio id, no accounts and no targets', () => {
    const state = { ...aPortfolioState(), portfolioId: 'portfolio-1', accounts: [], targets: [] };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'portfolioId: must be a UUID such as "0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b"',
      'accounts: a portfolio has at least one account',
      'targets: a portfolio has at least one target',
      'targets: target weights must sum to 1, got 0',
    ]);
  });

  it('rejects negative cash, an unknown account type, a zero-quantity lot and a bad acquisition date', () => {
    const state = aPortfolioState();
    const [taxable] = state.accounts;
    const [vti] = taxable?.positions ?? [];
    const [lot] = vti?.lots ?? [];
    if (taxable === undefined || lot === undefined)
      throw new Error('example has a taxable account with a lot');
    taxable.cash = '-0.01';
    (taxable as { type: string }).type = 'hsa';
    lot.quantity = '0';
    lot.acquiredOn = '06/01/2021';
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'accounts.0.type: must be one of taxable, traditional, roth',
      'accounts.0.cash: must not be negative',
      'accounts.0.positions.0.lots.0.quantity: must be greater than zero',
      'accounts.0.positions.0.lots.0.acquiredOn: must be a date such as "2024-03-15"',
    ]);
  });

  it('rejects duplicate account ids, positions and lot ids', () => {
    const state = aPortfolioState();
    const [taxable, roth] = state.accounts;
    const [vti] = taxable?.positions ?? [];
    const [firstLot] = vti?.lots ?? [];
    if (taxable === undefined || roth === undefined || vti === undefined || firstLot === undefined) {
      throw new Error('example has two accounts and a VTI lot');
    }
    roth.accountId = taxable.accountId;
    taxable.positions.push({ ...vti, lots: [] });
    vti.lots.push({ ...firstLot, quantity: '1' });
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'accounts.0.positions.0.lots.2.lotId: duplicate lot id "lot-1"',
      'accounts.0.positions.1.symbol: duplicate position "VTI" in account "acct-taxable": merge it into one position',
      'accounts.1.accountId: duplicate account id "acct-taxable"',
    ]);
  });

  it('rejects a policy band outside 1..10 000 bps and a non-positive version', () => {
    const state = {
      ...aPortfolioState(),
      version: 0,
      policy: { absoluteBandBps: 0, relativeBandBps: 10_001 },
    };
    expect(issuesOf(portfolioStatePayloadSchema, state)).toEqual([
      'version: Too small: expected number to be >0',
      'policy.absoluteBandBps: Too small: expected number to be >=1',
      'policy.relativeBandBps: Too big: expected number to be <=10000',
    ]);
  });
});

describe('portfolio.state planning fields (optional, additive)', () => {
  it('accepts the planning policy, sleeves, transactions and last rebalance date', () => {
    const payload = {
      ...aPortfolioState(),
      planningPolicy: { mode: 'band', bands: { absolute: 0.05 }, lotMethod: 'hifo' },
      sleeves: { equity: ['VTI', 'VXUS'], bonds: ['BND'] },
      transactions: [
        {
          accountId: 'acct-roth',
          symbol: 'BND',
          side: 'buy',
          quantity: '10',
          price: '72.10',
          date: '2024-03-01',
        },
      ],
      lastRebalance: '2024-01-02',
    };
    expect(issuesOf(portfolioStatePayloadSchema, payload)).toEqual([]);
  });

  it('names a bad transaction field', () => {
    const payload = {
      ...aPortfolioState(),
      transactions: [
        {
          accountId: 'acct-roth',
          symbol: 'BND',
          side: 'short',
          quantity: '-1',
          price: '72.10',
          date: '2024-03-01',
        },
      ],
    };
    expect(issuesOf(portfolioStatePayloadSchema, payload)).toEqual([
      'transactions.0.side: must be "buy" or "sell"',
      'transactions.0.quantity: must be greater than zero',
    ]);
  });
});
