import { resolveInfrastructure, type TestInfrastructure } from './lib/infrastructure';

declare global {
  var __BALLAST_INFRASTRUCTURE__: TestInfrastructure | undefined;
}

/**
 * Jest globalSetup of every integration suite: resolves real Kafka, Redis and PostgreSQL once and
 * exports their URLs to the test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__BALLAST_INFRASTRUCTURE__ !== undefined) return;
  const infrastructure = await resolveInfrastructure();
  process.env['KAFKA_BROKERS'] = infrastructure.kafka.url;
  process.env['REDIS_URL'] = infrastructure.redis.url;
  process.env['DATABASE_URL'] = infrastructure.database.url;
  globalThis.__BALLAST_INFRASTRUCTURE__ = infrastructure;
  process.stdout.write(
    `\nintegration infrastructure: Kafka ${infrastructure.kafka.url} (${infrastructure.kafka.source}), ` +
      `Redis ${infrastructure.redis.url} (${infrastructure.redis.source}), ` +
      `PostgreSQL ${infrastructure.database.url.replace(/:[^:@/]*@/, ':***@')} (${infrastructure.database.source})\n`,
  );
}
