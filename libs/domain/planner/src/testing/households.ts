// Builders for the planner's specs: households as a person writes them, parsed by the real model.
import { type PortfolioFile, type PriceQuote, parsePortfolioFile } from '@ballast/domain-portfolio';

export type RawHousehold = Record<string, unknown>;

/** Closes of 2016-06-30 from mlfinlab's ETF prices (services/cli/fixtures/etf-prices-2016-06.csv). */
export const JUNE_30_2016 = {
  SPY: '209.47999572753906',
  TLT: '138.89999389648438',
  EFA: '55.81999969482422',
} as const;

/** The example household of issue 3. */
export function exampleHousehold(): RawHousehold {
  return {
    id: 'smith',
    asOf: '2016-06-30',
    accounts: [
      {
        id: 'taxable',
        type: 'taxable',
        cash: '2500.00',
        lots: [{ symbol: 'SPY', quantity: '120', costBasis: '16200.00', acquired: '2014-03-03' }],
      },
      { id: 'ira', type: 'traditional', cash: '100.00', lots: [] },
    ],
    transactions: [
      { account: 'ira', symbol: 'EFA', side: 'buy', quantity: '10', price: '55.00', date: '2016-06-20' },
    ],
    targets: { SPY: 0.6, TLT: 0.3, EFA: 0.1 },
    policy: {
      bands: { absolute: 0.05, relative: 0.25 },
      mode: 'full',
      wholeShares: true,
      minTradeValue: '100',
      cashBuffer: 0.005,
      maxTurnover: 1.0,
      costs: { commission: '0', spreadBps: 2 },
      restrictions: { doNotSell: [], doNotBuy: [], halted: [] },
      cashFlow: '0',
    },
  };
}

/** A household with one change to the example's policy. */
export function withPolicy(raw: RawHousehold, policy: Record<string, unknown>): PortfolioFile {
  return parsePortfolioFile({ ...raw, policy: { ...(raw['policy'] as Record<string, unknown>), ...policy } });
}

export function quotes(
  prices: Readonly<Record<string, string>>,
  asOf = '2016-06-30',
): Map<string, PriceQuote> {
  return new Map(
    Object.entries(prices).map(([symbol, price]) => [symbol, { symbol, price, asOf, source: 'test' }]),
  );
}
