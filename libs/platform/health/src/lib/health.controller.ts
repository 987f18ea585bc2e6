import { Controller, Get, Inject, Optional } from '@nestjs/common';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { KafkaAdmin } from '@ballast/platform-kafka';
import { REDIS_CLIENT } from '@ballast/platform-redis';
import type Redis from 'ioredis';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * `/health/live` answers without touching any dependency (a restart would not fix a database
 * outage); `/health/ready` checks every dependency the service was built with (database, Redis,
 * Kafka), each within a short timeout, and answers 503 when one is down.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Optional() private readonly database?: TypeOrmHealthIndicator,
    @Optional() private readonly kafka?: KafkaAdmin,
    @Optional() @Inject(REDIS_CLIENT) private readonly redis?: Redis,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    const checks = [];
    const database = this.database;
    if (database) checks.push(() => database.pingCheck('database', { timeout: PROBE_TIMEOUT_MS }));
    const redis = this.redis;
    if (redis) checks.push(() => this.probe('redis', () => withTimeout(redis.ping(), PROBE_TIMEOUT_MS)));
    const kafka = this.kafka;
    if (kafka) checks.push(() => this.probe('kafka', () => kafka.ping(PROBE_TIMEOUT_MS)));
    return this.health.check(checks);
  }

  private async probe(key: string, check: () => Promise<unknown>) {
    const indicator = this.indicators.check(key);
    try {
      await check();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
