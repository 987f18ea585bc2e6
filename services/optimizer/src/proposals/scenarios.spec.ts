import { type PortfolioStatePayload, portfolioStatePayloadSchema } from '@ballast/contracts';
import { createHighsSolver, type LinearSolver, planRebalance } from '@ballast/domain-planner';
import { parsePortfolioFile, type PriceQuote } from '@ballast/domain-portfolio';
import { parseTaxPolicy } from '@ballast/domain-tax';
import { portfolioDocumentFromState } from '@ballast/platform-ledger-snapshot';
import highsLoader from 'highs';
import { InvalidPlanningPolicyError, planScenarios, type ScenarioRequest, scoreOf } from './scenarios';

let solver: LinearSolver;
beforeAll(async () => {
  solver = createHighsSolver(await highsLoader());
});

/** 60/40 VTI/BND; VTI has run up to about 71% (200 x 250 against 200 x 101 of BND). */
function aState(overrides: Partial<PortfolioStatePayload> = {}): PortfolioStatePayload {
  return portfolioStatePayloadSchema.parse({
    portfolioId: '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f',
    householdId: 'household-42',
    name: 'Retirement',
    baseCurrency: 'USD',
    version: 3,
    accounts: [
      {
        accountId: 'taxable',
        name: 'Brokerage',
        type: 'taxable',
        cash: '0',
        positions: [
          {
            symbol: 'VTI',
            quantity: '200',
            lots: [{ lotId: 'lot-a', quantity: '200', costBasis: '30000', acquiredOn: '2020-01-02' }],
          },
        ],
      },
      {
        accountId: 'ira',
        name: 'IRA',
        type: 'traditional',
        cash: '0',
        positions: [{ symbol: 'BND', quantity: '200', lots: [] }],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2024-03-15T14:00:00.000Z',
    ...overrides,
  });
}

const prices = new Map<string, PriceQuote>([
  ['VTI', { symbol: 'VTI', price: '250', asOf: '2024-03-15T20:00:00Z', source: 'test' }],
  ['BND', { symbol: 'BND', price: '101', asOf: '2024-03-15T20:00:00Z', source: 'test' }],
]);

function aRequest(state: PortfolioStatePayload, overrides: Partial<ScenarioRequest> = {}): ScenarioRequest {
  return {
    document: portfolioDocumentFromState(state, '2024-03-15'),
    prices,
    asOf: '2024-03-15',
    modes: ['full', 'band', 'partial'],
    cashFlow: null,
    requested: false,
    weights: { driftBps: 1_000, turnoverBps: 10 },
    ...overrides,
  };
}

describe('planScenarios', () => {
  it('scores full, band, partial and defer, and the chosen trades are those of planRebalance for the same file', () => {
    const result = planScenarios(aRequest(aState()), solver);
    expect(result.scenarios.map((p) => p.scenario.kind)).toEqual(['full', 'band', 'partial', 'defer']);
    expect(result.chosen.scenario.kind).not.toBe('defer');
    const chosenDocument = result.chosen.document;
    if (chosenDocument === undefined || result.chosen.plan === undefined)
      throw new Error('a planned scenario');
    // What `ballast plan` does with the same file: tax-aware, with the household's (here default) tax policy.
    const portfolio = parsePortfolioFile(chosenDocument);
    const taxPolicy = parseTaxPolicy(portfolio.policy.tax, {
      accountIds: ['taxable', 'ira'],
      symbols: ['VTI', 'BND'],
    });
    const expected = planRebalance({ portfolio, prices, asOf: '2024-03-15', taxPolicy }, solver);
    expect(result.chosen.plan.orders.map((o) => [o.account, o.side, o.symbol, o.quantity])).toEqual(
      expected.orders.map((o) => [o.account, o.side, o.symbol, o.quantity]),
    );
    // The chosen scenario has the lowest score of those that trade, and beats deferring.
    const defer = result.scenarios.find((p) => p.scenario.kind === 'defer');
    expect(result.chosen.scenario.score).toBeLessThan(defer?.scenario.score ?? 0);
    expect(result.driftBefore).toBeGreaterThan(0.1);
    expect(result.chosen.scenario.driftAfter).toBeLessThan(result.driftBefore);
    expect(result.explanation[0]).toMatch(/^Chosen: (full|band|partial), the lowest score/);
  });

  it('defers when drift is not worth its cost: with no weight on drift, any trade only costs', () => {
    const state = aState({ planningPolicy: { costs: { commission: '5', spreadBps: 10 } } });
    const result = planScenarios(aRequest(state, { weights: { driftBps: 0, turnoverBps: 10 } }), solver);
    expect(result.chosen.scenario.kind).toBe('defer');
    expect(result.chosen.scenario.trades).toBe(0);
    expect(result.explanation[0]).toMatch(/^Chosen: defer/);
  });

  it('never chooses a scenario without orders over defer: inside the bands, band mode does nothing', () => {
    const balanced = new Map(prices);
    balanced.set('VTI', { symbol: 'VTI', price: '151.5', asOf: '2024-03-15T20:00:00Z', source: 'test' });
    const result = planScenarios(aRequest(aState(), { prices: balanced, modes: ['band'] }), solver);
    const band = result.scenarios.find((p) => p.scenario.kind === 'band');
    expect(band?.scenario.trades).toBe(0);
    expect(band?.scenario.note).toMatch(/no orders/);
    expect(result.chosen.scenario.kind).toBe('defer');
  });

  it('plans a requested run without bands, and a cash flow as its own scenario', () => {
    const result = planScenarios(
      aRequest(aState(), {
        requested: true,
        modes: ['full', 'cash-flow'],
        cashFlow: { accountId: 'ira', amount: '5000' },
      }),
      solver,
    );
    const cashFlow = result.scenarios.find((p) => p.scenario.kind === 'cash-flow');
    expect(cashFlow?.plan?.orders.every((order) => order.side === 'buy')).toBe(true);
    expect(cashFlow?.document?.policy['cashFlow']).toBe('5000');
    expect(result.scenarios.find((p) => p.scenario.kind === 'full')?.document?.policy['bands']).toEqual({});
  });

  it('names the bad field of a planning policy that does not parse', () => {
    expect(() => planScenarios(aRequest(aState({ planningPolicy: { mode: 'sideways' } })), solver)).toThrow(
      InvalidPlanningPolicyError,
    );
    expect(() =>
      planScenarios(aRequest(aState({ planningPolicy: { lotMethod: 'random' } })), solver),
    ).toThrow(/lotMethod/);
  });
});

describe('scoreOf', () => {
  it('adds drift, turnover and money in basis points of value', () => {
    // 2% drift x 1000 = 20 bp; 10% turnover x 10 = 1 bp; 150 on 100 000 = 15 bp.
    expect(scoreOf(0.02, 0.1, 150, 100_000, { driftBps: 1_000, turnoverBps: 10 })).toBeCloseTo(36, 10);
  });
});
