import { type PortfolioStatePayload } from '@ballast/contracts';
import { evaluateDrift, type MonitorQuote } from './drift-evaluation';

const SIX_HOURS_MS = 6 * 3_600_000;

/** A 60/40 portfolio: 60 × A and 40 × B, no cash, ±5 percentage point band. */
const state: PortfolioStatePayload = {
  portfolioId: '8d7c6f7e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
  householdId: 'household',
  name: '60/40',
  baseCurrency: 'USD',
  version: 3,
  accounts: [
    {
      accountId: 'taxable',
      name: 'Taxable',
      type: 'taxable',
      cash: '0',
      positions: [
        { symbol: 'A', quantity: '60', lots: [] },
        { symbol: 'B', quantity: '40', lots: [] },
      ],
    },
  ],
  targets: [
    { symbol: 'A', weight: 0.6 },
    { symbol: 'B', weight: 0.4 },
  ],
  policy: { absoluteBandBps: 500 },
  updatedAt: '2024-01-01T00:00:00.000Z',
};

const quote = (symbol: string, price: string, asOf = '2024-01-02T21:00:00.000Z'): MonitorQuote => ({
  symbol,
  price,
  currency: 'USD',
  asOf,
  source: 'replay',
});
const prices = (...quotes: MonitorQuote[]) => new Map(quotes.map((q) => [q.symbol, q]));

describe('evaluateDrift', () => {
  it('stays quiet in band: 60 × 1 and 40 × 1.2 is 55.6% / 44.4%, inside ±5 points', () => {
    // A = 60 / 108 = 0.5556 (drift −0.0444), B = 48 / 108 = 0.4444 (drift +0.0444).
    const result = evaluateDrift(state, prices(quote('A', '1'), quote('B', '1.2')), new Set(), SIX_HOURS_MS);
    expect(result).toEqual({ kind: 'evaluated', outOfBand: [], driftDetected: null });
  });

  it('fires once when the portfolio leaves its band, listing every symbol out of band', () => {
    // A = 60 / 112 = 0.5357 (drift −0.0643), B = 52 / 112 = 0.4643 (drift +0.0643).
    const result = evaluateDrift(state, prices(quote('A', '1'), quote('B', '1.3')), new Set(), SIX_HOURS_MS);
    if (result.kind !== 'evaluated' || result.driftDetected === null)
      throw new Error('expected a drift event');
    expect(result.outOfBand).toEqual(['A', 'B']);
    const event = result.driftDetected;
    expect(event.triggers.map((t) => [t.symbol, t.direction])).toEqual([
      ['A', 'under'],
      ['B', 'over'],
    ]);
    expect(event.drift.find((row) => row.symbol === 'A')?.currentWeight).toBeCloseTo(60 / 112, 15);
    expect(event.totalValue).toBe('112');
    expect(event.stateVersion).toBe(3);
    expect(event.asOf).toBe('2024-01-02T21:00:00.000Z');
    expect(event.pricesUsed.map((p) => p.currency)).toEqual(['USD', 'USD']);
  });

  it('does not fire again while the portfolio stays out, even when another symbol crosses', () => {
    const result = evaluateDrift(
      state,
      prices(quote('A', '1'), quote('B', '1.3')),
      new Set(['A']),
      SIX_HOURS_MS,
    );
    expect(result).toMatchObject({ kind: 'evaluated', outOfBand: ['A', 'B'], driftDetected: null });
  });

  it('re-arms once every symbol is back in band', () => {
    const back = evaluateDrift(
      state,
      prices(quote('A', '1'), quote('B', '1')),
      new Set(['A', 'B']),
      SIX_HOURS_MS,
    );
    expect(back).toMatchObject({ outOfBand: [], driftDetected: null });
    const again = evaluateDrift(state, prices(quote('A', '1'), quote('B', '1.3')), new Set(), SIX_HOURS_MS);
    expect(again.kind === 'evaluated' && again.driftDetected !== null).toBe(true);
  });

  it('decides nothing without a price for every held symbol', () => {
    expect(evaluateDrift(state, prices(quote('A', '1')), new Set(), SIX_HOURS_MS)).toEqual({
      kind: 'missing-prices',
      symbols: ['B'],
    });
  });

  it('decides nothing on prices from different days', () => {
    const result = evaluateDrift(
      state,
      prices(quote('A', '1', '2024-01-02T21:00:00.000Z'), quote('B', '1.3', '2024-01-03T21:00:00.000Z')),
      new Set(),
      SIX_HOURS_MS,
    );
    expect(result).toMatchObject({
      kind: 'prices-not-aligned',
      oldest: { symbol: 'A' },
      newest: { symbol: 'B' },
    });
  });
});
