import { Inject, Injectable, Logger } from '@nestjs/common';
import { type PriceTickPayload } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { REDIS_CLIENT, redisKey } from '@ballast/platform-redis';
import type Redis from 'ioredis';
import { type MarketDataConfig } from '../config/market-data.config';

/** Key of the last price of a symbol: `<prefix>price:last:<SYMBOL>`. */
export const lastPriceKey = (prefix: string, symbol: string): string =>
  redisKey(prefix, 'price', 'last', symbol);

/**
 * Writes only when the tick is newer than the cached one, atomically, so that two writers
 * (a replay and a live feed) can never leave an older price in the cache.
 */
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and tonumber(decoded['asOfMillis']) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

/**
 * The last price of each symbol in Redis, for readers that want it without a database query
 * (the API's live view, the monitor at start-up). A cache: PostgreSQL's last_price is the truth,
 * and a Redis failure is logged, never fatal to ingestion.
 */
@Injectable()
export class LastPriceCache {
  private readonly logger = new Logger(LastPriceCache.name);

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {}

  async remember(ticks: readonly PriceTickPayload[]): Promise<void> {
    for (const tick of ticks) {
      try {
        await this.redis.eval(
          SET_IF_NEWER,
          1,
          lastPriceKey(this.config.REDIS_KEY_PREFIX, tick.symbol),
          JSON.stringify(tick),
          String(tick.asOfMillis),
          String(this.config.LAST_PRICE_TTL_SECONDS),
        );
      } catch (error) {
        this.logger.warn(`caching the last price of ${tick.symbol} failed: ${(error as Error).message}`);
      }
    }
  }
}
