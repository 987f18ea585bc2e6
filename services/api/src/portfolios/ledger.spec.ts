import { type PortfolioStatePayload } from '@ballast/contracts';
import { Decimal } from '@ballast/domain-portfolio';
import { addLot, applyTrade, LedgerError, moveCash, recentTransactions, relieveLots } from './ledger';

function household(): PortfolioStatePayload {
  return {
    portfolioId: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
    householdId: 'h1',
    name: 'Test',
    baseCurrency: 'USD',
    version: 3,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Taxable',
        type: 'taxable',
        cash: '1000.00',
        positions: [
          {
            symbol: 'SPY',
            quantity: '30',
            lots: [
              { lotId: 'new', quantity: '10', costBasis: '4000.00', acquiredOn: '2025-06-01' },
              { lotId: 'old', quantity: '20', costBasis: '3000.00', acquiredOn: '2019-01-02' },
            ],
          },
        ],
      },
      { accountId: 'ira', name: 'IRA', type: 'traditional', cash: '500', positions: [] },
    ],
    targets: [{ symbol: 'SPY', weight: 1 }],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2026-03-01T00:00:00.000Z',
  };
}

const sale = {
  accountId: 'taxable',
  symbol: 'SPY',
  side: 'sell' as const,
  price: '500',
  fee: '1.50',
  date: '2026-03-02',
  newLotId: 'unused',
};

describe('applyTrade: sells', () => {
  it('relieves the selected lots first, FIFO after, and credits proceeds less fees', () => {
    const { state, relieved } = applyTrade(household(), {
      ...sale,
      quantity: '15',
      lotSelection: [{ lotId: 'new', quantity: '10' }],
    });
    expect(relieved).toEqual([
      { lotId: 'new', quantity: '10', costBasis: '4000' },
      { lotId: 'old', quantity: '5', costBasis: '750' },
    ]);
    const account = state.accounts[0];
    expect(account?.cash).toBe('8498.5'); // 1000 + 15 x 500 - 1.50
    expect(account?.positions).toEqual([
      {
        symbol: 'SPY',
        quantity: '15',
        lots: [{ lotId: 'old', quantity: '15', costBasis: '2250', acquiredOn: '2019-01-02' }],
      },
    ]);
    expect(state.transactions).toEqual([
      { accountId: 'taxable', symbol: 'SPY', side: 'sell', quantity: '15', price: '500', date: '2026-03-02' },
    ]);
  });

  it('relieves FIFO (oldest lot first) without a selection', () => {
    const { relieved } = applyTrade(household(), { ...sale, quantity: '5' });
    expect(relieved).toEqual([{ lotId: 'old', quantity: '5', costBasis: '750' }]);
  });

  it('preserves the total cost basis exactly when a lot is split at a non-terminating ratio', () => {
    const lots = [{ lotId: 'a', quantity: '3', costBasis: '100.00', acquiredOn: '2020-01-01' }];
    const { lots: kept, relieved } = relieveLots(lots, new Decimal(1), []);
    expect(kept[0]?.costBasis).toBe('66.67');
    expect(relieved[0]?.costBasis).toBe('33.33');
    expect(new Decimal(kept[0]?.costBasis ?? '0').plus(relieved[0]?.costBasis ?? '0').toFixed(2)).toBe(
      '100.00',
    );
  });

  it('removes a position sold out entirely', () => {
    const { state } = applyTrade(household(), { ...sale, quantity: '30' });
    expect(state.accounts[0]?.positions).toEqual([]);
  });

  it('refuses to sell more than is held, or what is not held', () => {
    expect(() => applyTrade(household(), { ...sale, quantity: '30.0001' })).toThrow(LedgerError);
    expect(() => applyTrade(household(), { ...sale, symbol: 'TLT', quantity: '1' })).toThrow(/only 0 held/);
    expect(() => applyTrade(household(), { ...sale, accountId: 'nope', quantity: '1' })).toThrow(
      /does not exist/,
    );
  });
});

describe('applyTrade: buys', () => {
  const purchase = {
    ...sale,
    side: 'buy' as const,
    symbol: 'TLT',
    price: '90',
    fee: '1',
    newLotId: 'fill-1',
  };

  it('creates a lot in a taxable account with the fee in its cost basis, and debits cash', () => {
    const { state } = applyTrade(household(), { ...purchase, quantity: '10' });
    expect(state.accounts[0]?.cash).toBe('99'); // 1000 - 900 - 1
    expect(state.accounts[0]?.positions[1]).toEqual({
      symbol: 'TLT',
      quantity: '10',
      lots: [{ lotId: 'fill-1', quantity: '10', costBasis: '901', acquiredOn: '2026-03-02' }],
    });
  });

  it('tracks no lots in a tax-advantaged account', () => {
    const { state } = applyTrade(household(), { ...purchase, accountId: 'ira', quantity: '5' });
    expect(state.accounts[1]?.positions).toEqual([{ symbol: 'TLT', quantity: '5', lots: [] }]);
    expect(state.accounts[1]?.cash).toBe('49');
  });

  it('refuses a buy that needs more cash than the account holds', () => {
    expect(() => applyTrade(household(), { ...purchase, quantity: '11.12' })).toThrow(
      /needs 1001.8, cash is 1000.00/,
    );
  });
});

describe('cash, lots and the transaction window', () => {
  it('moves cash and refuses an overdraft', () => {
    expect(moveCash(household(), 'ira', '-500').accounts[1]?.cash).toBe('0');
    expect(() => moveCash(household(), 'ira', '-500.01')).toThrow(LedgerError);
  });

  it('adds a lot and its quantity, refusing a duplicate lot id', () => {
    const lot = { lotId: 'gift', quantity: '2.5', costBasis: '800', acquiredOn: '2024-05-05' };
    const state = addLot(household(), 'taxable', 'SPY', lot);
    expect(state.accounts[0]?.positions[0]?.quantity).toBe('32.5');
    expect(() => addLot(state, 'taxable', 'SPY', lot)).toThrow(/already exists/);
  });

  it('keeps 90 days of transactions before the newest', () => {
    const entry = (date: string) => ({
      accountId: 'a',
      symbol: 'X',
      side: 'buy' as const,
      quantity: '1',
      price: '1',
      date,
    });
    expect(
      recentTransactions([entry('2025-12-01'), entry('2025-12-02'), entry('2026-03-02')]).map((t) => t.date),
    ).toEqual(['2025-12-02', '2026-03-02']);
  });
});
