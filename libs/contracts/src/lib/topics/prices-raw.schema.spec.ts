import { aPricesRaw } from '../testing/examples';
import { issuesOf } from '../testing/issues';
import { pricesRawPayloadSchema } from './prices-raw.schema';

describe('prices.raw payload', () => {
  it('accepts a feed price with a numeric price and volume', () => {
    expect(issuesOf(pricesRawPayloadSchema, aPricesRaw())).toEqual([]);
  });

  it('accepts string prices and a missing volume', () => {
    const { volume: _volume, ...withoutVolume } = aPricesRaw();
    expect(issuesOf(pricesRawPayloadSchema, { ...withoutVolume, price: '251.37' })).toEqual([]);
  });

  it('lets semantically bad values through for market-data to reject with a specific reason', () => {
    const bad = { ...aPricesRaw(), price: -5, currency: 'usd', asOf: 'yesterday', symbol: 'v t i' };
    expect(issuesOf(pricesRawPayloadSchema, bad)).toEqual([]);
  });

  it('rejects a wrong shape', () => {
    expect(issuesOf(pricesRawPayloadSchema, { ...aPricesRaw(), price: null, source: undefined })).toEqual([
      'price: must be a string or a number',
      'source: Invalid input: expected string, received undefined',
    ]);
  });

  it('strips vendor fields it does not know', () => {
    expect(pricesRawPayloadSchema.parse({ ...aPricesRaw(), bid: 251.3 })).not.toHaveProperty('bid');
  });
});
