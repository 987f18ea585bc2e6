import { type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type MicroserviceOptions } from '@nestjs/microservices';
import { APP_CONFIG, redactConfig } from '@ballast/platform-config';
import { migrate } from '@ballast/platform-database';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

export interface ServiceDefinition<Config> {
  name: string;
  module: Type<unknown>;
  /** Kafka servers (consumer groups) to connect, given the parsed config; none for produce-only services. */
  microservices?: (config: Config) => MicroserviceOptions[];
}

interface RuntimeConfig {
  HTTP_PORT: number;
  HTTP_BODY_LIMIT_BYTES: number;
  DATABASE_SCHEMA?: string;
}

/**
 * Boots a service: structured logs from the first line, graceful shutdown on SIGTERM (consumers
 * leave their groups cleanly, so a restart does not wait for a session timeout), Kafka servers
 * connected after the modules initialised (topics exist by then), HTTP last.
 *
 * `node main.js migrate` only runs the database migrations and exits: the Kubernetes Job that
 * runs before a rollout.
 */
export async function runService<Config extends RuntimeConfig>(
  definition: ServiceDefinition<Config>,
  argv: readonly string[] = process.argv.slice(2),
): Promise<INestApplication> {
  if (argv[0] === 'migrate') {
    process.env['DATABASE_MIGRATE_ON_START'] = 'false';
  }
  const app = await NestFactory.create<NestExpressApplication>(definition.module, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  const config = app.get<Config>(APP_CONFIG);
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT_BYTES });
  const logger = new Logger(definition.name);

  if (argv[0] === 'migrate') {
    const dataSource = app.get(DataSource);
    const applied = await migrate(dataSource, config.DATABASE_SCHEMA ?? 'public');
    logger.log(`${applied.length} migration(s) applied`);
    await app.close();
    return app;
  }

  for (const options of definition.microservices?.(config) ?? []) {
    app.connectMicroservice<MicroserviceOptions>(options, { inheritAppConfig: true });
  }
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, '0.0.0.0');
  logger.log(
    `${definition.name} listening on :${config.HTTP_PORT} with ${JSON.stringify(redactConfig(config as unknown as Record<string, unknown>))}`,
  );
  return app;
}
