import { Counter, register } from 'prom-client';

/** Service metrics, served at /metrics; labels are bounded (provider, kind, outcome), never a symbol. */
function counter<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
): Counter<Label> {
  return (
    (register.getSingleMetric(name) as Counter<Label> | undefined) ?? new Counter({ name, help, labelNames })
  );
}

export const providerErrors = counter(
  'ballast_market_data_provider_errors_total',
  'Provider calls that failed: bad-response (malformed or unusable answer), retries-exhausted, failed',
  ['provider', 'kind'],
);
export const providerRequests = counter(
  'ballast_market_data_provider_requests_total',
  'Provider calls by outcome: fetched from the vendor, or served from the Redis cache',
  ['provider', 'call', 'outcome'],
);
export const historyCache = counter(
  'ballast_market_data_history_cache_total',
  'GET /history answers by cache outcome',
  ['outcome'],
);
export const staleChecks = counter('ballast_market_data_stale_checks_total', 'Stale-price checks run', []);
export const staleEpisodes = counter(
  'ballast_market_data_stale_episodes_total',
  'price.stale events written',
  [],
);
