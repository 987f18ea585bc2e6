import { type INestApplication, Logger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { type MicroserviceOptions } from '@nestjs/microservices';
import { APP_CONFIG, redactConfig } from '@ballast/platform-config';
import { migrate } from '@ballast/platform-database';
import { type BallastKafkaServer } from '@ballast/platform-kafka';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';

export interface ServiceDefinition<Config> {
  name: string;
  module: Type<unknown>;
  /** Kafka servers (consumer groups) to connect, given the parsed config; none for produce-only services. */
  kafkaServers?: (config: Config) => BallastKafkaServer[];
  /**
   * Runs on the application before it initialises: routes registered here (an OpenAPI document)
   * come before Nest's not-found handler, which `init()` installs.
   */
  configureApp?: (app: INestApplication, config: Config) => void;
}

interface RuntimeConfig {
  HTTP_PORT: number;
  HTTP_BODY_LIMIT_BYTES: number;
  DATABASE_SCHEMA?: string;
}

const CONSUMER_JOIN_TIMEOUT_MS = 60_000;

/** A consumer group that could not be joined at boot; the service exits and is restarted. */
export class ConsumerGroupJoinTimeoutError extends Error {
  override readonly name = 'ConsumerGroupJoinTimeoutError';
}

async function withDeadline(joined: Promise<void>, timeoutMs: number, groupId: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      joined,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new ConsumerGroupJoinTimeoutError(
                `consumer group ${groupId} not joined within ${timeoutMs} ms`,
              ),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Boots a service: structured logs from the first line, graceful shutdown on SIGTERM (consumers
 * leave their groups cleanly, so a restart does not wait for a session timeout), Kafka servers
 * connected after the modules initialised (topics exist by then), HTTP last, once every consumer
 * group has been joined.
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
    // Start-up errors (a bad variable, an unreachable database) reach the caller's handler, which
    // says which service failed and exits 1, instead of Nest exiting on its own.
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  const config = app.get<Config>(APP_CONFIG);
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT_BYTES });
  const logger = new Logger(definition.name);

  if (argv[0] === 'migrate') {
    // No app.init() in this mode (it would connect consumers): flush the buffered boot logs by hand.
    app.flushLogs();
    const dataSource = app.get(DataSource);
    const applied = await migrate(dataSource, config.DATABASE_SCHEMA ?? 'public');
    logger.log(`${applied.length} migration(s) applied to schema ${config.DATABASE_SCHEMA ?? 'public'}`);
    await app.close();
    return app;
  }

  definition.configureApp?.(app, config);
  const servers = definition.kafkaServers?.(config) ?? [];
  for (const strategy of servers) {
    app.connectMicroservice<MicroserviceOptions>({ strategy }, { inheritAppConfig: true });
  }
  await app.init();
  await app.startAllMicroservices();
  // Ready means consuming: wait until every consumer group has been joined and assigned.
  await Promise.all(
    servers.map((server) => withDeadline(server.joined, CONSUMER_JOIN_TIMEOUT_MS, server.consumerGroupId)),
  );
  await app.listen(config.HTTP_PORT, '0.0.0.0');
  logger.log(
    `${definition.name} listening on :${config.HTTP_PORT} with ${JSON.stringify(redactConfig(config as unknown as Record<string, unknown>))}`,
  );
  return app;
}
