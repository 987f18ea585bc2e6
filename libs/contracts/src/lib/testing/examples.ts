// Realistic, valid example payloads for this library's specs. Each builder returns a fresh
// object, so a spec can break one field without affecting another spec.
import { type DeadLetter } from '../dead-letter.schema';
import { type DriftDetectedPayload } from '../topics/drift-detected.schema';
import { type PortfolioStatePayload } from '../topics/portfolio-state.schema';
import { type PriceTickPayload } from '../topics/price-tick.schema';
import { type PricesRawPayload } from '../topics/prices-raw.schema';

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
