import { type MarketDataProviderName } from '../config/market-data.config';

/**
 * A source of prices that market-data pulls, picked by MARKET_DATA_PROVIDER. Every provider hands
 * its prices to the same ingest path (validation, ordering, duplicates, outbox), so a tick means the
 * same thing whatever produced it. `prices.raw` (pushed by feeds outside Ballast) is consumed in
 * every mode; the `raw` provider is the choice of pulling nothing else.
 */
export interface PriceProvider {
  readonly name: MarketDataProviderName;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const PRICE_PROVIDER = Symbol('PRICE_PROVIDER');

/** Only prices.raw: nothing to pull. */
export class RawFeedProvider implements PriceProvider {
  readonly name = 'raw' as const;
  async start(): Promise<void> {
    // prices.raw is consumed by PricesRawConsumer in every mode; nothing else to start.
  }
  async stop(): Promise<void> {
    // Nothing was started.
  }
}
