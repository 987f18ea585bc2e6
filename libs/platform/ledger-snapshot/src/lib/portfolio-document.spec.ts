import { type PortfolioStatePayload, portfolioStatePayloadSchema } from '@ballast/contracts';
// The round trip checks the document against the parser that reads it in the services and the CLI;
// only this spec reaches into the domain, the library itself does not.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { InvalidPortfolioFileError, parsePortfolioFile } from '@ballast/domain-portfolio';
import { portfolioDocumentFromState, servicePolicyOf, stateLotIds } from './portfolio-document';

function aState(overrides: Partial<PortfolioStatePayload> = {}): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId: '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f',
    householdId: 'household-42',
    name: 'Retirement',
    baseCurrency: 'USD',
    version: 7,
    accounts: [
      {
        accountId: 'acct-taxable',
        name: 'Joint brokerage',
        type: 'taxable',
        cash: '1520.10',
        positions: [
          {
            symbol: 'VTI',
            quantity: '120.5',
            lots: [
              { lotId: 'lot-1', quantity: '100', costBasis: '19850.00', acquiredOn: '2021-06-01' },
              { lotId: 'lot-2', quantity: '20.5', costBasis: '4920.75', acquiredOn: '2023-11-20' },
            ],
          },
        ],
      },
      {
        accountId: 'acct-ira',
        name: 'Traditional IRA',
        type: 'traditional',
        cash: '0',
        positions: [{ symbol: 'BND', quantity: '310.25', lots: [] }],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'VXUS', weight: 0.1 },
      { symbol: 'BND', weight: 0.3 },
    ],
    policy: { absoluteBandBps: 500, relativeBandBps: 2500, minTradeValue: '100.00' },
    transactions: [
      {
        accountId: 'acct-ira',
        symbol: 'VTI',
        side: 'buy',
        quantity: '3',
        price: '250.10',
        date: '2024-03-01',
      },
    ],
    updatedAt: '2024-03-15T14:00:00.000Z',
    ...overrides,
  });
}

describe('portfolioDocumentFromState', () => {
  it('is a portfolio file the parser accepts, with accounts, lots, transactions, targets and the v1 policy', () => {
    const file = parsePortfolioFile(portfolioDocumentFromState(aState(), '2024-03-15T14:30:00Z'));
    expect(file.id).toBe('3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f');
    expect(file.asOf).toBe('2024-03-15');
    expect(file.accounts.map((account) => [account.id, account.type, account.cash])).toEqual([
      ['acct-taxable', 'taxable', '1520.1'],
      ['acct-ira', 'traditional', '0'],
    ]);
    expect(file.accounts[0]?.lots).toEqual([
      { symbol: 'VTI', quantity: '100', costBasis: '19850', acquired: '2021-06-01' },
      { symbol: 'VTI', quantity: '20.5', costBasis: '4920.75', acquired: '2023-11-20' },
    ]);
    // Untracked shares: one lot, zero basis, acquired on the as-of date (conservative).
    expect(file.accounts[1]?.lots).toEqual([
      { symbol: 'BND', quantity: '310.25', costBasis: '0', acquired: '2024-03-15' },
    ]);
    expect(file.transactions).toEqual([
      { account: 'acct-ira', symbol: 'VTI', side: 'buy', quantity: '3', price: '250.1', date: '2024-03-01' },
    ]);
    expect(file.targets).toEqual([
      { symbol: 'BND', weight: 0.3 },
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'VXUS', weight: 0.1 },
    ]);
    expect(file.policy.bands.absolute).toBe(0.05);
    expect(file.policy.bands.relative).toBe(0.25);
    expect(file.policy.minTradeValue).toBe('100');
    expect(file.policy.lastRebalance).toBeNull();
  });

  it('lays the planning policy over the v1 fields, merging bands, and carries sleeves and the last rebalance', () => {
    const state = aState({
      planningPolicy: {
        mode: 'band',
        bandTarget: 'edge',
        bands: { relative: null, symbols: { VXUS: { absolute: 0.02 } } },
        costs: { commission: '1', spreadBps: 5 },
        lotMethod: 'hifo',
        taxRates: { shortTerm: 0.32, longTerm: 0.15, state: 0.05 },
        targets: { objective: 'min-volatility', lookbackDays: 252 },
        approval: { thresholdValue: '10000' },
        adaptiveBands: { benchmark: 'SPY' },
        riskLimits: { maxDrawdown: 0.2 },
      },
      sleeves: { equity: ['VTI', 'VXUS'], bonds: ['BND'] },
      lastRebalance: '2024-01-02',
    });
    const file = parsePortfolioFile(portfolioDocumentFromState(state, '2024-03-15'));
    expect(file.policy.mode).toBe('band');
    expect(file.policy.bandTarget).toBe('edge');
    expect(file.policy.bands.absolute).toBe(0.05); // from the v1 field
    expect(file.policy.bands.relative).toBeNull(); // switched off by the planning policy
    expect(file.policy.bands.symbols['VXUS']).toEqual({ absolute: 0.02, relative: null });
    expect(file.policy.costs).toEqual({ commission: '1', spreadBps: 5 });
    expect(file.policy.tax).toEqual({
      lotMethod: 'hifo',
      taxRates: { shortTerm: 0.32, longTerm: 0.15, state: 0.05 },
    });
    expect(file.policy.lastRebalance).toBe('2024-01-02');
    expect(file.sleeves).toEqual([
      { name: 'equity', symbols: ['VTI', 'VXUS'] },
      { name: 'bonds', symbols: ['BND'] },
    ]);
    // The service fields are not the file's: the parser would reject them as unknown.
    expect(servicePolicyOf(state)).toEqual({
      targets: { objective: 'min-volatility', lookbackDays: 252 },
      approval: { thresholdValue: '10000' },
      adaptiveBands: { benchmark: 'SPY' },
      riskLimits: { maxDrawdown: 0.2 },
    });
  });

  it('leaves a bad planning policy for the parser, which names the field', () => {
    const state = aState({ planningPolicy: { mode: 'sideways', bands: { absolute: 2 }, cooldownDays: -1 } });
    const parse = () => parsePortfolioFile(portfolioDocumentFromState(state, '2024-03-15'));
    expect(parse).toThrow(InvalidPortfolioFileError);
    expect(parse).toThrow(/policy\.mode: /);
    expect(parse).toThrow(/policy\.bands\.absolute: /);
    expect(parse).toThrow(/policy\.cooldownDays: /);
  });

  it('names an unknown planning policy field (a typo) instead of ignoring it', () => {
    const state = aState({ planningPolicy: { cooldownDay: 5 } });
    expect(() => parsePortfolioFile(portfolioDocumentFromState(state, '2024-03-15'))).toThrow(
      /policy\.cooldownDay: /,
    );
  });
});

describe('stateLotIds', () => {
  it("maps the tax engine's lot ids (account#index, in document order) back to the ledger's", () => {
    expect([...stateLotIds(aState())]).toEqual([
      ['acct-taxable#0', 'lot-1'],
      ['acct-taxable#1', 'lot-2'],
      ['acct-ira#0', 'untracked:acct-ira:BND'],
    ]);
  });

  it('adds an untracked lot only for the shares the lots do not cover, computed exactly', () => {
    const state = aState();
    const position = state.accounts[0]?.positions[0];
    if (position === undefined) throw new Error('fixture has a position');
    const partly = aState({
      accounts: [{ ...state.accounts[0]!, positions: [{ ...position, quantity: '120.6' }] }],
    });
    const document = portfolioDocumentFromState(partly, '2024-03-15');
    expect(document.accounts[0]?.lots.at(-1)).toEqual({
      symbol: 'VTI',
      quantity: '0.1',
      costBasis: '0',
      acquired: '2024-03-15',
    });
    expect(stateLotIds(partly).get('acct-taxable#2')).toBe('untracked:acct-taxable:VTI');
  });
});
