// Realistic, valid example payloads for this library's specs. Each builder returns a fresh
// object, so a spec can break one field without affecting another spec.
import { type DeadLetter } from '../dead-letter.schema';
import { type DriftDetectedPayload } from '../topics/drift-detected.schema';
import { type PortfolioStatePayload } from '../topics/portfolio-state.schema';
import { type PriceTickPayload } from '../topics/price-tick.schema';
import { type PricesRawPayload } from '../topics/prices-raw.schema';
import { type OrdersApprovedPayload } from '../topics/orders-approved.schema';
import { type OrdersExecutedPayload } from '../topics/orders-executed.schema';
import { type OrdersProposedPayload } from '../topics/orders-proposed.schema';
import { type OrdersRejectedPayload } from '../topics/orders-rejected.schema';
import { type PriceStalePayload } from '../topics/price-stale.schema';
import { type RebalanceProposedPayload } from '../topics/rebalance-proposed.schema';
import { type RebalanceRequestedPayload } from '../topics/rebalance-requested.schema';
import { type RiskAlertPayload } from '../topics/risk-alert.schema';

export const PORTFOLIO_ID = '3f1c9a52-8e4b-4c7d-9a1e-2b5f6c7d8e9f';
export const MESSAGE_ID = 'b7e2d4a1-6c3f-4e8b-8d2a-1f9e0c7b5a34';
export const RUN_ID = '5a8c1e7f-2b4d-4f6a-b3c9-0e1d2f3a4b5c';

export function aPricesRaw(): PricesRawPayload {
  return {
    symbol: 'vti',
    price: 251.37,
    currency: 'usd',
    asOf: '2024-03-15T14:30:00Z',
    source: 'yahoo',
    volume: 1200,
  };
}

export function aPriceTick(): PriceTickPayload {
  return {
    symbol: 'VTI',
    price: '251.37',
    currency: 'USD',
    asOf: '2024-03-15T14:30:00Z',
    asOfMillis: 1_710_513_000_000,
    source: 'yahoo',
  };
}

export function aPortfolioState(): PortfolioStatePayload {
  return {
    portfolioId: PORTFOLIO_ID,
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
        accountId: 'acct-roth',
        name: 'Roth IRA',
        type: 'roth',
        cash: '0',
        positions: [{ symbol: 'BND', quantity: '310', lots: [] }],
      },
    ],
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'VXUS', weight: 0.1 },
      { symbol: 'BND', weight: 0.3 },
    ],
    policy: { absoluteBandBps: 500, relativeBandBps: 2500, minTradeValue: '100.00' },
    appliedOrderIds: [`${PROPOSAL_ID}-1`],
    updatedAt: '2024-03-15T14:00:00.000Z',
  };
}

/** VTI 70% against 60%, BND 25% against 30%, VXUS not yet bought, 5% cash. */
export function aDriftDetected(): DriftDetectedPayload {
  return {
    portfolioId: PORTFOLIO_ID,
    stateVersion: 7,
    asOf: '2024-03-15T14:30:00Z',
    baseCurrency: 'USD',
    triggers: [
      { kind: 'absolute-band', symbol: 'VTI', drift: 0.1, bandBps: 500, direction: 'over' },
      { kind: 'relative-band', symbol: 'VXUS', relativeDrift: -1, bandBps: 2500, direction: 'under' },
    ],
    drift: [
      row('VTI', 0.6, 0.7, '28000.00', '111.39'),
      row('VXUS', 0.1, 0, '0', '0'),
      row('BND', 0.3, 0.25, '10000.00', '138.5'),
    ],
    cash: { value: '2000.00', weight: 0.05 },
    totalValue: '40000.00',
    portfolioDrift: 0.15,
    pricesUsed: [
      { symbol: 'VTI', price: '251.37', currency: 'USD', asOf: '2024-03-15T14:30:00Z', source: 'yahoo' },
      { symbol: 'VXUS', price: '58.12', currency: 'USD', asOf: '2024-03-15T14:29:00Z', source: 'yahoo' },
      { symbol: 'BND', price: '72.20', currency: 'USD', asOf: '2024-03-15T14:28:00Z', source: 'yahoo' },
    ],
  };
}

function row(
  symbol: string,
  targetWeight: number,
  currentWeight: number,
  marketValue: string,
  quantity: string,
) {
  const drift = currentWeight - targetWeight;
  return {
    symbol,
    targetWeight,
    currentWeight,
    drift,
    relativeDrift: targetWeight === 0 ? null : drift / targetWeight,
    marketValue,
    quantity,
  };
}

export function aDeadLetter(): DeadLetter {
  return {
    sourceTopic: 'price.tick',
    sourcePartition: 2,
    sourceOffset: '18446744073709551',
    key: 'VTI',
    value: '{"id":"not-a-uuid"}',
    encoding: 'utf8',
    headers: { ce_type: 'price.tick', 'content-type': 'application/json' },
    reason: {
      kind: 'schema',
      message: 'message does not match the price.tick schema',
      issues: [{ path: 'id', message: 'must be a UUID' }],
    },
    consumerGroup: 'monitor',
    failedAt: '2024-03-15T14:30:01.123Z',
    attempts: 0,
  };
}

export const PROPOSAL_ID = '9d7e5c3a-1b2f-4a6d-8e0c-3f5a7b9d1e2c';

export function aPriceStale(): PriceStalePayload {
  return {
    symbol: 'VTI',
    lastPriceAt: '2024-03-15T14:30:00Z',
    lastPrice: '251.37',
    source: 'yahoo',
    maxAgeSeconds: 300,
    detectedAt: '2024-03-15T14:36:00Z',
  };
}

export function aRiskAlert(): RiskAlertPayload {
  return {
    portfolioId: PORTFOLIO_ID,
    stateVersion: 7,
    asOf: '2024-03-15T14:30:00Z',
    limit: 'max-drawdown',
    value: 0.23,
    threshold: 0.2,
    message: 'drawdown 23.0% exceeds the policy limit of 20.0%',
  };
}

export function aRebalanceRequested(): RebalanceRequestedPayload {
  return {
    portfolioId: PORTFOLIO_ID,
    requestId: RUN_ID,
    requestedBy: { kind: 'person', userId: 'advisor-7' },
    requestedAt: '2024-03-15T15:00:00Z',
    reason: 'client deposit',
    mode: 'cash-flow',
    cashFlow: { accountId: 'acct-taxable', amount: '5000.00' },
  };
}

const PRICES_USED = [
  { symbol: 'VTI', price: '251.37', currency: 'USD', asOf: '2024-03-15T14:30:00Z', source: 'yahoo' },
  { symbol: 'VXUS', price: '58.12', currency: 'USD', asOf: '2024-03-15T14:29:00Z', source: 'yahoo' },
  { symbol: 'BND', price: '72.20', currency: 'USD', asOf: '2024-03-15T14:28:00Z', source: 'yahoo' },
];

/** Sell 16 VTI in the taxable account, buy 69 VXUS with the proceeds and cash. */
export function aRebalanceProposed(): RebalanceProposedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    stateVersion: 7,
    asOf: '2024-03-15T14:30:00Z',
    baseCurrency: 'USD',
    cause: { topic: 'drift.detected', messageId: MESSAGE_ID },
    targets: [
      { symbol: 'VTI', weight: 0.6 },
      { symbol: 'VXUS', weight: 0.1 },
      { symbol: 'BND', weight: 0.3 },
    ],
    driftBefore: 0.15,
    scenarios: [
      {
        kind: 'full',
        driftAfter: 0.05,
        turnover: 0.1,
        cost: '4.10',
        estimatedTax: '120.50',
        trades: 2,
        score: 0.061,
      },
      { kind: 'defer', driftAfter: 0.15, turnover: 0, cost: '0', estimatedTax: '0', trades: 0, score: 0.15 },
    ],
    chosen: 'full',
    trades: [
      {
        leg: 1,
        accountId: 'acct-taxable',
        symbol: 'VTI',
        side: 'sell',
        quantity: '16',
        referencePrice: '251.37',
        estimatedValue: '4021.92',
      },
      {
        leg: 2,
        accountId: 'acct-taxable',
        symbol: 'VXUS',
        side: 'buy',
        quantity: '69',
        referencePrice: '58.12',
        estimatedValue: '4010.28',
      },
    ],
    explanation: ['VTI is 10.0 points over its 60% target (band 5.0)'],
    pricesUsed: PRICES_USED,
    totalValue: '40000.00',
  };
}

export function anOrdersProposed(): OrdersProposedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    stateVersion: 7,
    asOf: '2024-03-15T14:30:00Z',
    baseCurrency: 'USD',
    orders: [
      {
        leg: 1,
        accountId: 'acct-taxable',
        symbol: 'VTI',
        side: 'sell',
        quantity: '16',
        referencePrice: '251.37',
        estimatedValue: '4021.92',
        lots: [
          {
            lotId: 'lot-2',
            acquiredOn: '2023-11-20',
            quantity: '10',
            costBasis: '2400.37',
            gain: '113.33',
            term: 'short',
          },
          {
            lotId: 'lot-1',
            acquiredOn: '2021-06-01',
            quantity: '6',
            costBasis: '1191.00',
            gain: '317.22',
            term: 'long',
          },
        ],
      },
      {
        leg: 2,
        accountId: 'acct-taxable',
        symbol: 'VXUS',
        side: 'buy',
        quantity: '69',
        referencePrice: '58.12',
        estimatedValue: '4010.28',
        lots: [],
      },
    ],
    taxImpact: { realizedShortTerm: '113.33', realizedLongTerm: '317.22', estimatedTax: '74.78' },
    washSales: [],
    washSaleCoverage: { complete: true, reason: null },
    approval: {
      required: true,
      approversRequired: 1,
      reason: 'trades 8,032.20 above the 5,000.00 approval threshold',
      expiresAt: '2024-03-16T14:30:00Z',
    },
    totalValue: '40000.00',
    pricesUsed: PRICES_USED,
    explanation: ['sold the short-term lot first: its gain per share is the smallest'],
  };
}

export function anOrdersApproved(): OrdersApprovedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    stateVersion: 7,
    baseCurrency: 'USD',
    approvals: [{ kind: 'person', userId: 'approver-3', at: '2024-03-15T15:10:00Z' }],
    approvedAt: '2024-03-15T15:10:00Z',
    expiresAt: '2024-03-15T20:00:00Z',
    orders: [
      {
        leg: 1,
        clientOrderId: `${PROPOSAL_ID}-1`,
        accountId: 'acct-taxable',
        symbol: 'VTI',
        side: 'sell',
        quantity: '16',
        referencePrice: '251.37',
      },
      {
        leg: 2,
        clientOrderId: `${PROPOSAL_ID}-2`,
        accountId: 'acct-taxable',
        symbol: 'VXUS',
        side: 'buy',
        quantity: '69',
        referencePrice: '58.12',
      },
    ],
    pricesUsed: PRICES_USED,
  };
}

export function anOrdersExecuted(): OrdersExecutedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    leg: 1,
    clientOrderId: `${PROPOSAL_ID}-1`,
    accountId: 'acct-taxable',
    symbol: 'VTI',
    side: 'sell',
    baseCurrency: 'USD',
    requestedQuantity: '16',
    filledQuantity: '16',
    status: 'filled',
    fills: [
      { fillId: 'paper-1-a', quantity: '10', price: '251.30', fee: '0.50', at: '2024-03-15T15:10:02Z' },
      { fillId: 'paper-1-b', quantity: '6.0', price: '251.28', fee: '0.30', at: '2024-03-15T15:10:03Z' },
    ],
    broker: 'paper',
    brokerOrderId: 'paper-1',
    executedAt: '2024-03-15T15:10:03Z',
  };
}

/**
 * A buy cut to the cash the sells produced: 69 VXUS approved at 58.12, the price rose to 58.90 and
 * the account has 4 010.40 to spend, so 68 were sent (68 × 58.90 × 1.0001 + 1.00 = 4 006.60).
 */
export function aReducedOrdersExecuted(): OrdersExecutedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    leg: 2,
    clientOrderId: `${PROPOSAL_ID}-2`,
    accountId: 'acct-taxable',
    symbol: 'VXUS',
    side: 'buy',
    baseCurrency: 'USD',
    requestedQuantity: '68',
    filledQuantity: '68',
    status: 'filled',
    fills: [{ fillId: 'paper-2-a', quantity: '68', price: '58.90', fee: '1.00', at: '2024-03-15T15:10:05Z' }],
    broker: 'paper',
    brokerOrderId: 'paper-2',
    executedAt: '2024-03-15T15:10:05Z',
    reduction: {
      approvedQuantity: '69',
      reason: 'reduced-to-available-cash',
      detail: 'buy 69 VXUS in acct-taxable needs 4065.51; 4010.40 available: 68 sent',
    },
  };
}

/** A leg the api never sent: the ledger changed between the proposal and its approval. */
export function aLedgerChangedRejection(): OrdersRejectedPayload {
  return {
    ...anOrdersRejected(),
    stage: 'approval',
    code: 'ledger-changed',
    reason:
      'the proposal was computed from ledger version 7; the portfolio is at version 9 (fill): superseded',
    stateVersion: 7,
    ledgerVersion: 9,
  };
}

export function anOrdersRejected(): OrdersRejectedPayload {
  return {
    proposalId: PROPOSAL_ID,
    portfolioId: PORTFOLIO_ID,
    leg: 2,
    clientOrderId: `${PROPOSAL_ID}-2`,
    accountId: 'acct-taxable',
    symbol: 'VXUS',
    side: 'buy',
    quantity: '69',
    stage: 'pre-trade',
    code: 'price-collar',
    reason: 'last price 61.20 is 5.3% from the reference 58.12; the collar is 2.0%',
    rejectedAt: '2024-03-15T15:10:04Z',
  };
}
