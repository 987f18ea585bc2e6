// Valid example payloads of the consumed topics for this service's specs (the contracts' own
// examples are internal to that library). Each builder returns a fresh object with overrides.
import {
  type DriftDetectedPayload,
  type OrdersExecutedPayload,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  type PortfolioStatePayload,
  type PriceStalePayload,
  type RiskAlertPayload,
} from '@ballast/contracts';

export const PORTFOLIO_ID = '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f';
export const PROPOSAL_ID = '9d7e5c3a-1b2f-4a6d-8e0c-3f5a7b9d1e2c';

const PRICES_USED = [
  { symbol: 'VTI', price: '251.37', currency: 'USD', asOf: '2024-03-15T14:30:00Z', source: 'replay' },
  { symbol: 'BND', price: '72.10', currency: 'USD', asOf: '2024-03-15T14:30:00Z', source: 'replay' },
];

export function aPortfolioState(overrides: Partial<PortfolioStatePayload> = {}): PortfolioStatePayload {
  return {
    portfolioId: PORTFOLIO_ID,
    householdId: 'household-42',
    name: 'Retirement',
    baseCurrency: 'USD',
    version: 1,
    accounts: [
      {
        accountId: 'acct-taxable',
        name: 'Joint brokerage',
        type: 'taxable',
        cash: '1000.00',
        positions: [
          { symbol: 'VTI', quantity: '100', lots: [] },
          { symbol: 'BND', quantity: '150', lots: [] },
        ],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'BND', weight: 0.4 },
    ],
    policy: { absoluteBandBps: 500 },
    updatedAt: '2024-03-15T14:00:00Z',
    ...overrides,
  };
}

export function aDriftDetected(overrides: Partial<DriftDetectedPayload> = {}): DriftDetectedPayload {
  // 100 VTI at 251.37 = 25137, 150 BND at 72.10 = 10815, cash 1000: total 36952.
  const total = 36_952;
  const vti = 25_137 / total;
  const bnd = 10_815 / total;
  const cash = 1_000 / total;
  return {
    portfolioId: PORTFOLIO_ID,
    stateVersion: 1,
    asOf: '2024-03-15T14:30:00Z',
    baseCurrency: 'USD',
    triggers: [{ kind: 'absolute-band', symbol: 'VTI', drift: vti - 0.6, bandBps: 500, direction: 'over' }],
    drift: [
      {
        symbol: 'VTI',
        targetWeight: 0.6,
        currentWeight: vti,
        drift: vti - 0.6,
        relativeDrift: (vti - 0.6) / 0.6,
        marketValue: '25137.00',
        quantity: '100',
      },
      {
        symbol: 'BND',
        targetWeight: 0.4,
        currentWeight: bnd,
        drift: bnd - 0.4,
        relativeDrift: (bnd - 0.4) / 0.4,
        marketValue: '10815.00',
        quantity: '150',
      },
    ],
    cash: { value: '1000.00', weight: cash },
    totalValue: '36952.00',
    portfolioDrift: (Math.abs(vti - 0.6) + Math.abs(bnd - 0.4) + cash) / 2,
    pricesUsed: PRICES_USED,
    ...overrides,
  };
}

export function anOrdersProposed(overrides: Partial<OrdersProposedPayload> = {}): OrdersProposedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    stateVersion: 1,
    asOf: '2024-03-15T14:30:00Z',
    baseCurrency: 'USD',
    orders: [
      {
        leg: 1,
        accountId: 'acct-taxable',
        symbol: 'VTI',
        side: 'sell',
        quantity: '14',
        referencePrice: '251.37',
        estimatedValue: '3519.18',
        lots: [],
      },
      {
        leg: 2,
        accountId: 'acct-taxable',
        symbol: 'BND',
        side: 'buy',
        quantity: '48',
        referencePrice: '72.10',
        estimatedValue: '3460.80',
        lots: [],
      },
    ],
    taxImpact: { realizedShortTerm: '0.00', realizedLongTerm: '412.50', estimatedTax: '61.88' },
    washSales: [],
    washSaleCoverage: { complete: true, reason: null },
    approval: {
      required: true,
      approversRequired: 2,
      reason: 'trades 6,979.98 above the 5,000.00 four-eyes threshold',
      expiresAt: '2024-03-16T14:30:00Z',
    },
    totalValue: '36952.00',
    pricesUsed: PRICES_USED,
    explanation: ['VTI is over its band'],
    ...overrides,
  };
}

export function anOrdersExecuted(overrides: Partial<OrdersExecutedPayload> = {}): OrdersExecutedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    leg: 1,
    clientOrderId: `${PROPOSAL_ID}-1`,
    accountId: 'acct-taxable',
    symbol: 'VTI',
    side: 'sell',
    baseCurrency: 'USD',
    requestedQuantity: '14',
    filledQuantity: '14',
    status: 'filled',
    fills: [
      { fillId: 'paper-1-a', quantity: '10', price: '251.30', fee: '0.50', at: '2024-03-15T15:10:02Z' },
      { fillId: 'paper-1-b', quantity: '4', price: '251.28', fee: '0.25', at: '2024-03-15T15:10:03Z' },
    ],
    broker: 'paper',
    brokerOrderId: 'paper-1',
    executedAt: '2024-03-15T15:10:03Z',
    ...overrides,
  };
}

export function anOrdersRejected(overrides: Partial<OrdersRejectedPayload> = {}): OrdersRejectedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    leg: 2,
    clientOrderId: `${PROPOSAL_ID}-2`,
    accountId: 'acct-taxable',
    symbol: 'BND',
    side: 'buy',
    quantity: '48',
    stage: 'pre-trade',
    code: 'price-collar',
    reason: 'last price 75.90 is 5.3% from the reference 72.10; the collar is 2.0%',
    rejectedAt: '2024-03-15T15:10:04Z',
    ...overrides,
  };
}

export function aRiskAlert(overrides: Partial<RiskAlertPayload> = {}): RiskAlertPayload {
  return {
    portfolioId: PORTFOLIO_ID,
    stateVersion: 1,
    asOf: '2024-03-15T14:30:00Z',
    limit: 'max-drawdown',
    value: 0.23,
    threshold: 0.2,
    message: 'drawdown 23.0% is over the 20.0% limit',
    ...overrides,
  };
}

export function aPriceStale(overrides: Partial<PriceStalePayload> = {}): PriceStalePayload {
  return {
    symbol: 'BND',
    lastPriceAt: '2024-03-15T14:30:00Z',
    lastPrice: '72.10',
    source: 'yahoo',
    maxAgeSeconds: 900,
    detectedAt: '2024-03-15T14:50:00Z',
    ...overrides,
  };
}
