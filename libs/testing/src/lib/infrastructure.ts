import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Which real server a test run uses, and where it came from. */
export interface ResolvedService {
  url: string;
  source: 'environment' | 'testcontainers' | 'local';
}

export interface TestInfrastructure {
  kafka: ResolvedService;
  redis: ResolvedService;
  database: ResolvedService;
  /** Stops what this run started (containers); local servers and given URLs are left alone. */
  stop(): Promise<void>;
}

/** A service the integration tests need could not be had; the message says which and why. */
export class InfrastructureUnavailableError extends Error {
  override readonly name = 'InfrastructureUnavailableError';
}

const workspaceRoot = path.resolve(__dirname, '../../../..');

interface Stoppable {
  stop(): Promise<unknown>;
}

/**
 * Finds Kafka, Redis and PostgreSQL for integration tests, each in this order:
 *  1. a URL from the environment (`KAFKA_BROKERS`, `REDIS_URL`, `DATABASE_URL`);
 *  2. testcontainers, when a Docker engine answers;
 *  3. the local servers of `deploy/local` (Kafka from the official jars, started on demand;
 *     PostgreSQL and Redis installed on the machine).
 * There is no "skip": a service that cannot be had fails the run, naming it and saying why.
 */
export async function resolveInfrastructure(
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestInfrastructure> {
  const started: Stoppable[] = [];
  const docker = await dockerAvailable();
  const problems: string[] = [];

  const attempt = async (
    name: string,
    fromEnv: string | undefined,
    container: () => Promise<{ url: string; handle: Stoppable }>,
    local: () => Promise<string>,
  ): Promise<ResolvedService | undefined> => {
    if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, source: 'environment' };
    const tried: string[] = [];
    if (docker.ok) {
      try {
        const { url, handle } = await container();
        started.push(handle);
        return { url, source: 'testcontainers' };
      } catch (error) {
        tried.push(`testcontainers: ${(error as Error).message}`);
      }
    } else {
      tried.push(`testcontainers: ${docker.reason}`);
    }
    try {
      return { url: await local(), source: 'local' };
    } catch (error) {
      tried.push(`local: ${(error as Error).message}`);
    }
    problems.push(`${name} is unavailable (${tried.join('; ')})`);
    return undefined;
  };

  const kafka = await attempt('Kafka', env['KAFKA_BROKERS'], startKafkaContainer, startLocalKafka);
  const redis = await attempt('Redis', env['REDIS_URL'], startRedisContainer, localRedis);
  const database = await attempt('PostgreSQL', env['DATABASE_URL'], startPostgresContainer, localPostgres);
  const stop = async () => {
    await Promise.all(started.map((handle) => handle.stop()));
  };
  if (kafka === undefined || redis === undefined || database === undefined) {
    await stop();
    throw new InfrastructureUnavailableError(
      `integration tests need real Kafka, Redis and PostgreSQL: ${problems.join('; ')}. ` +
        'Set KAFKA_BROKERS / REDIS_URL / DATABASE_URL, or run `npm run infra:up` (see deploy/local/README.md).',
    );
  }
  return { kafka, redis, database, stop };
}

async function dockerAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no Docker engine (${firstLine((error as Error).message)})` };
  }
}

async function startKafkaContainer(): Promise<{ url: string; handle: Stoppable }> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
  return { url: `${container.getHost()}:${container.getMappedPort(9093)}`, handle: container };
}

async function startRedisContainer(): Promise<{ url: string; handle: Stoppable }> {
  const { RedisContainer } = await import('@testcontainers/redis');
  const container = await new RedisContainer('redis:7-alpine').start();
  return { url: container.getConnectionUrl(), handle: container };
}

async function startPostgresContainer(): Promise<{ url: string; handle: Stoppable }> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer('postgres:16-alpine').start();
  return { url: container.getConnectionUri(), handle: container };
}

async function startLocalKafka(): Promise<string> {
  const port = Number(process.env['KAFKA_PORT'] ?? 9092);
  if (!(await portAnswers('127.0.0.1', port))) {
    try {
      await run('bash', [path.join(workspaceRoot, 'deploy/local/kafka.sh'), 'start'], { timeout: 300_000 });
    } catch (error) {
      const output = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(
        `deploy/local/kafka.sh start failed: ${lastLines(output.stderr || output.stdout || output.message)}`,
      );
    }
  }
  return `127.0.0.1:${port}`;
}

async function localRedis(): Promise<string> {
  if (!(await portAnswers('127.0.0.1', 6379))) await startLocal('redis');
  return 'redis://127.0.0.1:6379';
}

async function localPostgres(): Promise<string> {
  if (!(await portAnswers('127.0.0.1', 5432))) await startLocal('postgres');
  return 'postgres://postgres@127.0.0.1:5432/test';
}

async function startLocal(which: 'redis' | 'postgres'): Promise<void> {
  try {
    await run('bash', [path.join(workspaceRoot, 'deploy/local/infra.sh'), 'up'], { timeout: 300_000 });
  } catch (error) {
    throw new Error(
      `nothing answers on the ${which} port and deploy/local/infra.sh up failed: ${lastLines((error as Error).message)}`,
    );
  }
}

export function portAnswers(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

function lastLines(text: string, count = 8): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}
