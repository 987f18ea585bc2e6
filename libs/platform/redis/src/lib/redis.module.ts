import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import Redis from 'ioredis';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

interface RedisConfig {
  REDIS_URL: string;
  REDIS_COMMAND_TIMEOUT_MS: number;
  REDIS_CONNECT_TIMEOUT_MS: number;
}

/** Thrown at boot when Redis does not answer within the connect timeout. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * An ioredis client tuned to fail fast: a command that gets no answer within
 * REDIS_COMMAND_TIMEOUT_MS rejects instead of waiting forever, commands issued while
 * disconnected reject at once (no offline queue), and each command is retried once at most.
 * Callers treat Redis as a cache: on failure they fall back to the source of truth.
 */
export function createRedisClient(config: RedisConfig): Redis {
  const client = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    connectTimeout: config.REDIS_CONNECT_TIMEOUT_MS,
    commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  // Without a listener ioredis reports connection errors as "Unhandled error event" on stderr;
  // they are logged here once per error and surface to callers as rejected commands.
  const logger = new Logger('Redis');
  client.on('error', (error: Error) => logger.warn(`Redis connection error: ${error.message}`));
  return client;
}

export async function connectRedis(client: Redis, url: string): Promise<Redis> {
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    const where = new URL(url).host;
    throw new RedisUnavailableError(`Redis at ${where} did not answer: ${(error as Error).message}`);
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@Inject(REDIS_CLIENT) private readonly client: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.client.quit();
    } catch (error) {
      this.logger.warn(`closing Redis failed: ${(error as Error).message}`);
      this.client.disconnect();
    }
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: RedisConfig) => connectRedis(createRedisClient(config), config.REDIS_URL),
    },
    RedisLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class BallastRedisModule {}
