import { type PortfolioStatePayload } from '@ballast/contracts';
import {
  availableFunds,
  estimatedBuyCost,
  type PreTradeInput,
  preTradeCheck,
  type UnappliedOrder,
} from './pre-trade';

const NOW = new Date('2024-03-15T15:10:05Z');

function aLedger(): PortfolioStatePayload {
  return {
    portfolioId: '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f',
    householdId: 'household-1',
    name: 'Family',
    baseCurrency: 'USD',
    version: 7,
    accounts: [
      {
        accountId: 'acct-taxable',
        name: 'Taxable',
        type: 'taxable',
        cash: '1000.00',
        positions: [{ symbol: 'VTI', quantity: '20', lots: [] }],
      },
    ],
    targets: [{ symbol: 'VTI', weight: 1 }],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2024-03-15T15:00:00Z',
  };
}

function anInput(overrides: Partial<PreTradeInput> = {}): PreTradeInput {
  return {
    order: {
      accountId: 'acct-taxable',
      symbol: 'VTI',
      side: 'sell',
      quantity: '16',
      referencePrice: '250.00',
    },
    now: NOW,
    expiresAt: new Date('2024-03-15T20:00:00Z'),
    lastPrice: {
      price: '251.00',
      asOf: new Date('2024-03-15T15:10:00Z'),
      receivedAt: new Date('2024-03-15T15:10:01Z'),
    },
    priceUsedAsOf: new Date('2024-03-15T15:00:00Z'),
    funds: availableFunds(aLedger(), [], 'acct-taxable', 'VTI'),
    limits: {
      killSwitch: { engaged: false, why: '' },
      haltedSymbols: [],
      restrictedSymbols: [],
      maxPriceAgeMs: 300_000,
      collarBps: 200,
      maxOrderNotional: '10000',
      commissionPerOrder: '1.00',
      spreadBps: 2,
    },
    ...overrides,
  };
}

const buy = (quantity: string) => ({
  accountId: 'acct-taxable',
  symbol: 'VTI',
  side: 'buy' as const,
  quantity,
  referencePrice: '250.00',
});

describe('preTradeCheck', () => {
  it('passes a sell within holdings, collar and notional, reserving no cash', () => {
    expect(preTradeCheck(anInput())).toEqual({
      ok: true,
      lastPrice: '251',
      notional: '4016',
      reservedCash: null,
    });
  });

  it('reserves a buy at the last price with half the spread and the commission', () => {
    // 3 × 251 × (1 + 2/20 000) + 1.00 = 753.0753 + 1 = 754.0753
    expect(preTradeCheck(anInput({ order: buy('3') }))).toEqual({
      ok: true,
      lastPrice: '251',
      notional: '753',
      reservedCash: '754.0753',
    });
  });

  it('kill switch first, naming which switch', () => {
    const limits = {
      ...anInput().limits,
      killSwitch: { engaged: true, why: 'EXECUTION_KILL_SWITCH is true' },
    };
    expect(preTradeCheck(anInput({ limits }))).toEqual({
      ok: false,
      code: 'kill-switch',
      reason: 'kill switch on: EXECUTION_KILL_SWITCH is true',
    });
  });

  it('refuses an expired approval', () => {
    expect(preTradeCheck(anInput({ expiresAt: new Date('2024-03-15T15:10:00Z') }))).toEqual({
      ok: false,
      code: 'expired',
      reason: 'approval expired at 2024-03-15T15:10:00.000Z; it is 2024-03-15T15:10:05.000Z',
    });
  });

  it('refuses halted and restricted symbols', () => {
    const halted = { ...anInput().limits, haltedSymbols: ['VTI'] };
    const restricted = { ...anInput().limits, restrictedSymbols: ['VTI'] };
    expect(preTradeCheck(anInput({ limits: halted }))).toMatchObject({ ok: false, code: 'halted' });
    expect(preTradeCheck(anInput({ limits: restricted }))).toEqual({
      ok: false,
      code: 'restricted',
      reason: 'VTI is restricted (EXECUTION_RESTRICTED_SYMBOLS)',
    });
  });

  it('refuses a missing last price, one received too long ago, and one older than the proposal used', () => {
    expect(preTradeCheck(anInput({ lastPrice: null }))).toEqual({
      ok: false,
      code: 'stale-price',
      reason: 'no price.tick received for VTI',
    });
    const old = {
      price: '251',
      asOf: new Date('2024-03-15T15:00:00Z'),
      receivedAt: new Date('2024-03-15T15:04:00Z'),
    };
    expect(preTradeCheck(anInput({ lastPrice: old }))).toEqual({
      ok: false,
      code: 'stale-price',
      reason: 'last price of VTI (251 as of 2024-03-15T15:00:00.000Z) arrived 365 s ago; the limit is 300 s',
    });
    const behind = { ...old, receivedAt: new Date('2024-03-15T15:10:00Z') };
    expect(
      preTradeCheck(anInput({ lastPrice: behind, priceUsedAsOf: new Date('2024-03-15T15:05:00Z') })),
    ).toEqual({
      ok: false,
      code: 'stale-price',
      reason:
        "last price of VTI is as of 2024-03-15T15:00:00.000Z, older than the proposal's price as of 2024-03-15T15:05:00.000Z",
    });
  });

  it('refuses a last price beyond the collar in either direction, and accepts one exactly on it', () => {
    const at = (price: string) => ({ ...anInput().lastPrice!, price });
    expect(preTradeCheck(anInput({ lastPrice: at('255.01') }))).toEqual({
      ok: false,
      code: 'price-collar',
      reason: 'last price 255.01 is 2.00% from the reference 250; the collar is 2.00%',
    });
    expect(preTradeCheck(anInput({ lastPrice: at('244') }))).toMatchObject({
      ok: false,
      code: 'price-collar',
    });
    expect(preTradeCheck(anInput({ lastPrice: at('255') }))).toMatchObject({ ok: true });
  });

  it('refuses an order above the max notional at the last price', () => {
    expect(preTradeCheck(anInput({ order: buy('40') }))).toEqual({
      ok: false,
      code: 'max-order-notional',
      reason: 'buy 40 VTI: order 10040.00 > max notional 10000.00',
    });
  });

  it('refuses a sell beyond holdings: no shorts', () => {
    const order = { ...anInput().order, quantity: '21' };
    expect(preTradeCheck(anInput({ order }))).toEqual({
      ok: false,
      code: 'insufficient-holdings',
      reason: 'sell 21 VTI in acct-taxable: 20 available (20 in the ledger, 0 in flight); no short sales',
    });
  });

  it('refuses a buy beyond cash', () => {
    expect(preTradeCheck(anInput({ order: buy('4') }))).toEqual({
      ok: false,
      code: 'insufficient-cash',
      reason:
        'buy 4 VTI in acct-taxable needs 1005.10; 1000.00 available (1000.00 in the ledger, 0.00 from orders not yet in it)',
    });
  });

  it('refuses an account the ledger does not have', () => {
    const input = anInput({ funds: availableFunds(aLedger(), [], 'acct-other', 'VTI') });
    expect(preTradeCheck(input)).toMatchObject({ ok: false, code: 'insufficient-holdings' });
  });
});

describe('availableFunds: what two approvals in a row may use', () => {
  const inFlightBuy: UnappliedOrder = {
    accountId: 'acct-taxable',
    symbol: 'BND',
    side: 'buy',
    quantity: '10',
    inFlight: true,
    reservedCash: '730.50',
    cashEffect: null,
    filledQuantity: '0',
  };

  it('holds back an in-flight buy, so the next buy cannot spend the same cash', () => {
    const funds = availableFunds(aLedger(), [inFlightBuy], 'acct-taxable', 'VTI');
    expect(funds?.cash.toFixed(2)).toBe('269.50');
    const second = anInput({ order: buy('2'), funds });
    expect(preTradeCheck(second)).toMatchObject({ ok: false, code: 'insufficient-cash' });
  });

  it('holds back an in-flight sell, so the same shares cannot be sold twice', () => {
    const sell: UnappliedOrder = {
      ...inFlightBuy,
      symbol: 'VTI',
      side: 'sell',
      quantity: '16',
      reservedCash: null,
    };
    const funds = availableFunds(aLedger(), [sell], 'acct-taxable', 'VTI');
    expect(funds?.held.toFixed()).toBe('4');
    expect(preTradeCheck(anInput({ funds }))).toMatchObject({ ok: false, code: 'insufficient-holdings' });
  });

  it("counts a filled sell's proceeds and a filled buy's cost and units until the ledger includes them", () => {
    const soldVti: UnappliedOrder = {
      ...inFlightBuy,
      symbol: 'VTI',
      side: 'sell',
      quantity: '16',
      inFlight: false,
      reservedCash: null,
      cashEffect: '4014.00',
      filledQuantity: '16',
    };
    const boughtBnd: UnappliedOrder = {
      ...inFlightBuy,
      inFlight: false,
      cashEffect: '-731.00',
      filledQuantity: '10',
    };
    const vti = availableFunds(aLedger(), [soldVti, boughtBnd], 'acct-taxable', 'VTI');
    const bnd = availableFunds(aLedger(), [soldVti, boughtBnd], 'acct-taxable', 'BND');
    expect([vti?.cash.toFixed(2), vti?.held.toFixed(), bnd?.held.toFixed()]).toEqual(['4283.00', '4', '10']);
  });

  it('ignores other accounts', () => {
    const elsewhere = { ...inFlightBuy, accountId: 'acct-roth' };
    expect(availableFunds(aLedger(), [elsewhere], 'acct-taxable', 'VTI')?.cash.toFixed(2)).toBe('1000.00');
  });

  it('estimatedBuyCost: 10 × 100 × 1.0001 + 1 = 1001.1', () => {
    expect(estimatedBuyCost('10', '100', { spreadBps: 2, commissionPerOrder: '1' }).toFixed()).toBe('1001.1');
  });
});
