import { driftDetectedPayloadSchema, type PortfolioStatePayload } from '@ballast/contracts';
import { type DriftEvaluation, type DriftInput, evaluateDrift, type MonitorQuote } from './drift-evaluation';
import { monitorPolicyOf } from './monitor-policy';

const SIX_HOURS_MS = 6 * 3_600_000;

/** A 60/40 portfolio: 60 × A and 40 × B, no cash, ±5 percentage point band. */
function aState(overrides: Partial<PortfolioStatePayload> = {}): PortfolioStatePayload {
  return {
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
    ...overrides,
  };
}

const quote = (symbol: string, price: string, asOf = '2024-01-02T21:00:00.000Z'): MonitorQuote => ({
  symbol,
  price,
  currency: 'USD',
  asOf,
  source: 'replay',
});
const prices = (...quotes: MonitorQuote[]) => new Map(quotes.map((q) => [q.symbol, q]));

/** The evaluation as the service runs it: the policy parsed through the planner's file parser. */
function evaluate(
  state: PortfolioStatePayload,
  at: ReadonlyMap<string, MonitorQuote>,
  options: Partial<Pick<DriftInput, 'previouslyActive' | 'stale'>> = {},
): DriftEvaluation {
  const policy = monitorPolicyOf(state, state.updatedAt);
  return evaluateDrift({
    state,
    policy: policy.file.policy,
    sleeves: policy.file.sleeves,
    prices: at,
    stale: options.stale ?? new Set(),
    previouslyActive: options.previouslyActive ?? new Set(),
    maxPriceSkewMs: SIX_HOURS_MS,
  });
}

function driftOf(result: DriftEvaluation) {
  if (result.kind !== 'evaluated' || result.driftDetected === null) {
    throw new Error(`expected a drift event, got ${JSON.stringify(result)}`);
  }
  // Every event the monitor writes must satisfy the contract's invariants.
  return driftDetectedPayloadSchema.parse(result.driftDetected);
}

describe('evaluateDrift (triggers through the planner library)', () => {
  it('stays quiet in band: 60 × 1 and 40 × 1.2 is 55.6% / 44.4%, inside ±5 points', () => {
    const result = evaluate(aState(), prices(quote('A', '1'), quote('B', '1.2')));
    expect(result).toMatchObject({ kind: 'evaluated', outOfBand: [], active: [], driftDetected: null });
  });

  it('fires once when the portfolio leaves its band, with the prices and the state version used', () => {
    // A = 60 / 112 = 0.5357 (drift −0.0643), B = 52 / 112 = 0.4643 (drift +0.0643).
    const result = evaluate(aState(), prices(quote('A', '1'), quote('B', '1.3')));
    const event = driftOf(result);
    expect(result).toMatchObject({ outOfBand: ['A', 'B'], active: ['absolute-band:A', 'absolute-band:B'] });
    expect(event.triggers).toEqual([
      {
        kind: 'absolute-band',
        symbol: 'A',
        drift: expect.closeTo(60 / 112 - 0.6, 12) as number,
        bandBps: 500,
        direction: 'under',
      },
      {
        kind: 'absolute-band',
        symbol: 'B',
        drift: expect.closeTo(52 / 112 - 0.4, 12) as number,
        bandBps: 500,
        direction: 'over',
      },
    ]);
    expect(event.totalValue).toBe('112');
    expect(event.stateVersion).toBe(3);
    expect(event.asOf).toBe('2024-01-02T21:00:00.000Z');
    expect(event.pricesUsed.map((p) => [p.symbol, p.price, p.currency])).toEqual([
      ['A', '1', 'USD'],
      ['B', '1.3', 'USD'],
    ]);
  });

  it('does not fire again while a trigger stays active, and re-arms once none is', () => {
    const out = prices(quote('A', '1'), quote('B', '1.3'));
    expect(evaluate(aState(), out, { previouslyActive: new Set(['absolute-band:A']) })).toMatchObject({
      kind: 'evaluated',
      active: ['absolute-band:A', 'absolute-band:B'],
      driftDetected: null,
    });
    const back = evaluate(aState(), prices(quote('A', '1'), quote('B', '1')), {
      previouslyActive: new Set(['absolute-band:A', 'absolute-band:B']),
    });
    expect(back).toMatchObject({ active: [], driftDetected: null });
    driftOf(evaluate(aState(), out));
  });

  it('fires on a relative band (the 5/25 rule) inside the absolute band', () => {
    // Targets 96/4; B at 5.2% is 1.2 points off (inside ±5) but 30% off relative to 4% (outside 25%).
    const state = aState({
      accounts: [
        {
          accountId: 'taxable',
          name: 'Taxable',
          type: 'taxable',
          cash: '0',
          positions: [
            { symbol: 'A', quantity: '948', lots: [] },
            { symbol: 'B', quantity: '52', lots: [] },
          ],
        },
      ],
      targets: [
        { symbol: 'A', weight: 0.96 },
        { symbol: 'B', weight: 0.04 },
      ],
      policy: { absoluteBandBps: 500, relativeBandBps: 2500 },
    });
    const event = driftOf(evaluate(state, prices(quote('A', '1'), quote('B', '1'))));
    expect(event.triggers).toEqual([
      {
        kind: 'relative-band',
        symbol: 'B',
        relativeDrift: expect.closeTo(0.3, 12) as number,
        bandBps: 2500,
        direction: 'over',
      },
    ]);
  });

  it('fires on a sleeve band from planningPolicy and sleeves, naming the sleeve', () => {
    const state = aState({
      accounts: [
        {
          accountId: 'taxable',
          name: 'Taxable',
          type: 'taxable',
          cash: '0',
          positions: [
            { symbol: 'A', quantity: '33', lots: [] },
            { symbol: 'B', quantity: '33', lots: [] },
            { symbol: 'C', quantity: '34', lots: [] },
          ],
        },
      ],
      targets: [
        { symbol: 'A', weight: 0.3 },
        { symbol: 'B', weight: 0.3 },
        { symbol: 'C', weight: 0.4 },
      ],
      policy: { absoluteBandBps: 1000 },
      // Each of A and B is 3 points over (inside ±10), the equity sleeve 6 points over its ±5.
      sleeves: { equity: ['A', 'B'], bonds: ['C'] },
      planningPolicy: { bands: { sleeves: { equity: { absolute: 0.05 } } } },
    });
    const event = driftOf(evaluate(state, prices(quote('A', '1'), quote('B', '1'), quote('C', '1'))));
    expect(event.triggers).toEqual([
      {
        kind: 'sleeve-band',
        sleeve: 'equity',
        symbols: ['A', 'B'],
        currentWeight: expect.closeTo(0.66, 12) as number,
        targetWeight: expect.closeTo(0.6, 12) as number,
        drift: expect.closeTo(0.06, 12) as number,
        band: { kind: 'absolute', bandBps: 500 },
        direction: 'over',
      },
    ]);
  });

  it('fires on the calendar once the scheduled date has come since the last rebalance', () => {
    const state = aState({
      planningPolicy: { calendar: { frequency: 'quarterly', day: 1 } },
      lastRebalance: '2023-12-01',
    });
    const event = driftOf(evaluate(state, prices(quote('A', '1'), quote('B', '1'))));
    expect(event.triggers).toEqual([
      {
        kind: 'calendar',
        frequency: 'quarterly',
        day: 1,
        scheduled: '2024-01-01',
        lastRebalance: '2023-12-01',
      },
    ]);
    const rebalanced = aState({
      planningPolicy: { calendar: { frequency: 'quarterly', day: 1 } },
      lastRebalance: '2024-01-02',
    });
    expect(evaluate(rebalanced, prices(quote('A', '1'), quote('B', '1')))).toMatchObject({ active: [] });
  });

  it('fires on a pending cash flow, even during a cooldown that holds the bands back', () => {
    const state = aState({
      planningPolicy: { cooldownDays: 30, cashFlow: '-500' },
      lastRebalance: '2023-12-20',
    });
    const result = evaluate(state, prices(quote('A', '1'), quote('B', '1.3')));
    const event = driftOf(result);
    expect(event.triggers).toEqual([{ kind: 'cash-flow', accountId: 'taxable', amount: '-500' }]);
    expect(result).toMatchObject({ heldBack: ['absolute-band:A', 'absolute-band:B'] });
  });

  it('holds band triggers back during the cooldown and fires once it has passed', () => {
    const cooling = aState({ planningPolicy: { cooldownDays: 30 }, lastRebalance: '2023-12-20' });
    expect(evaluate(cooling, prices(quote('A', '1'), quote('B', '1.3')))).toMatchObject({
      active: [],
      driftDetected: null,
    });
    const after = aState({ planningPolicy: { cooldownDays: 30 }, lastRebalance: '2023-11-20' });
    driftOf(evaluate(after, prices(quote('A', '1'), quote('B', '1.3'))));
  });
});

describe('evaluateDrift (prices it needs)', () => {
  it('decides nothing without a price for every held or targeted symbol', () => {
    expect(evaluate(aState(), prices(quote('A', '1')))).toEqual({ kind: 'missing-prices', symbols: ['B'] });
    const targetsC = aState({
      targets: [
        { symbol: 'A', weight: 0.5 },
        { symbol: 'B', weight: 0.3 },
        { symbol: 'C', weight: 0.2 },
      ],
    });
    expect(evaluate(targetsC, prices(quote('A', '1'), quote('B', '1.3')))).toEqual({
      kind: 'missing-prices',
      symbols: ['C'],
    });
  });

  it('decides nothing while a needed price is stale, and evaluates once it is not', () => {
    const out = prices(quote('A', '1'), quote('B', '1.3'));
    expect(evaluate(aState(), out, { stale: new Set(['B', 'Z']) })).toEqual({
      kind: 'stale-prices',
      symbols: ['B'],
    });
    // A stale symbol the portfolio does not need blocks nothing.
    driftOf(evaluate(aState(), out, { stale: new Set(['Z']) }));
  });

  it('decides nothing on prices from different days', () => {
    const result = evaluate(
      aState(),
      prices(quote('A', '1', '2024-01-02T21:00:00.000Z'), quote('B', '1.3', '2024-01-03T21:00:00.000Z')),
    );
    expect(result).toMatchObject({
      kind: 'prices-not-aligned',
      oldest: { symbol: 'A' },
      newest: { symbol: 'B' },
    });
  });
});
