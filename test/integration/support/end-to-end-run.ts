/**
 * The plumbing every end-to-end spec of test/integration shares: one run's isolation (a topic
 * prefix, a consumer-group prefix, PostgreSQL schemas and a Redis prefix of this run only), the
 * environment of each service process, the authenticated call to the api, and a teardown that
 * deletes everything the run created. Each spec keeps its own scenario; only this part is common.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectRedis, createRedisClient } from '@ballast/platform-redis';
import {
  buildService,
  type KafkaTestClient,
  randomPort,
  ServiceProcess,
  uniqueRunId,
} from '@ballast/testing';
import { Client } from 'pg';

/** An environment variable the integration global setup exports (infrastructure addresses). */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
}

/** One query on its own connection: specs query rarely, and a held connection would need closing. */
export async function query<T extends Record<string, unknown>>(
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: requiredEnv('DATABASE_URL') });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** An api answer: the body as JSON (an empty body as `{}`). */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown> & unknown[];
}

/** A JSON request to the api, with a bearer credential when one is given (none: the 401 cases). */
export async function apiCall(
  baseUrl: string,
  method: string,
  route: string,
  credential: string | undefined,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (credential !== undefined) headers['authorization'] = `Bearer ${credential}`;
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  try {
    return {
      status: response.status,
      body: (text === '' ? {} : JSON.parse(text)) as ApiAnswer['body'],
    };
  } catch {
    // An HTML error page or a proxy's text would otherwise fail as an unreadable SyntaxError.
    throw new Error(`${method} ${route}: expected JSON, got ${response.status}: ${text.slice(0, 300)}`);
  }
}

/** Mints one api key per [userId, role] with the bootstrap admin key; the keys by user id. */
export async function mintApiKeys(
  baseUrl: string,
  bootstrapKey: string,
  users: readonly (readonly [userId: string, role: string])[],
): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const [userId, role] of users) {
    const minted = await apiCall(baseUrl, 'POST', '/admin/api-keys', bootstrapKey, { userId, role });
    if (minted.status !== 201) throw new Error(`minting a key for ${userId}: ${minted.status}`);
    keys[userId] = String(minted.body['key']);
  }
  return keys;
}

export interface EndToEndRunOptions {
  /** Whether the services get REDIS_URL and a key prefix (and teardown deletes the prefix's keys). */
  redis?: boolean;
  /** Prefix of the log files written under E2E_LOG_DIR, so that specs do not overwrite each other's. */
  logFilePrefix?: string;
}

export interface TeardownOptions {
  /** The spec's Kafka client, closed before the run's topics are deleted (undefined if setup failed). */
  kafka?: KafkaTestClient | undefined;
  /** The spec's own clean-up, run after the shared steps, each even if an earlier one failed. */
  extraSteps?: (() => Promise<unknown>)[];
}

/** One end-to-end run: its ids, its service processes and everything teardown must delete. */
export class EndToEndRun {
  readonly runId: string;
  readonly topicPrefix: string;
  readonly groupPrefix: string;
  readonly redisPrefix: string;
  readonly services = new Map<string, ServiceProcess>();
  private readonly tempDirs: string[] = [];

  constructor(
    label: string,
    readonly serviceNames: readonly string[],
    private readonly options: EndToEndRunOptions = {},
  ) {
    this.runId = uniqueRunId(label);
    this.topicPrefix = `${this.runId}.`;
    this.groupPrefix = `${this.runId}-`;
    this.redisPrefix = `ballast:${this.runId}:`;
  }

  /** A topic of this run (services read KAFKA_TOPIC_PREFIX and prefix every topic they use). */
  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  /** A service's PostgreSQL schema in this run: identifiers without quotes take no hyphens. */
  schemaOf(service: string): string {
    return `${service}_${this.runId}`.replace(/-/g, '_');
  }

  svc(name: string): ServiceProcess {
    const found = this.services.get(name);
    if (found === undefined) throw new Error(`no service ${name}`);
    return found;
  }

  envFor(service: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HTTP_PORT: String(randomPort()),
      SERVICE_INSTANCE_ID: this.runId,
      KAFKA_BROKERS: requiredEnv('KAFKA_BROKERS'),
      KAFKA_GROUP_PREFIX: this.groupPrefix,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      KAFKA_MAX_ATTEMPTS: '3',
      DATABASE_URL: requiredEnv('DATABASE_URL'),
      DATABASE_SCHEMA: this.schemaOf(service),
      ...(this.options.redis === false
        ? {}
        : { REDIS_URL: requiredEnv('REDIS_URL'), REDIS_KEY_PREFIX: this.redisPrefix }),
      ...extra,
    };
  }

  /** Builds every service of the run, one after another (each build is a tsc of its own). */
  async build(): Promise<void> {
    for (const service of this.serviceNames) await buildService(service);
  }

  /** Declares a service process of the run with its environment; `start` starts it. */
  add(service: string, extra: Record<string, string> = {}): ServiceProcess {
    const serviceProcess = new ServiceProcess(service, this.envFor(service, extra));
    this.services.set(service, serviceProcess);
    return serviceProcess;
  }

  /** Starts the services in the order added, two at a time: the machine may have two cores, and each boot compiles and migrates. */
  async start(timeoutMs: number): Promise<void> {
    const all = [...this.services.values()];
    for (let index = 0; index < all.length; index += 2)
      await Promise.all(all.slice(index, index + 2).map((service) => service.start(timeoutMs)));
  }

  /** A temporary directory, removed at teardown. */
  async tempDir(prefix: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    this.tempDirs.push(dir);
    return dir;
  }

  /** For afterEach: a failed test prints the tail of every service's log (the cause is usually there). */
  logTailsOnFailure(lines = 25): void {
    const state = expect.getState();
    if (state.assertionCalls > state.numPassingAsserts || state.suppressedErrors.length > 0) {
      for (const service of this.services.values())
        process.stderr.write(`\n--- ${service.service} log tail ---\n${service.tail(lines)}\n`);
    }
  }

  /**
   * Deletes everything the run created. Every step runs even if an earlier one fails; the processes
   * go first, since a child process left running would keep Jest (and CI) waiting.
   */
  async teardown({ kafka, extraSteps = [] }: TeardownOptions = {}): Promise<void> {
    const steps: (() => Promise<unknown>)[] = [
      () => Promise.all([...this.services.values()].map((service) => service.stop())),
      // E2E_LOG_DIR=<dir> keeps every service's log of the run (the failure messages show only tails).
      async () => {
        const dir = process.env['E2E_LOG_DIR'];
        if (dir === undefined || dir === '') return;
        for (const service of this.services.values())
          await writeFile(
            path.join(dir, `${this.options.logFilePrefix ?? ''}${service.service}.log`),
            service.log.join('\n'),
          );
      },
      async () => kafka?.close(),
      async () => kafka?.deleteTopicsWithPrefix(this.topicPrefix),
      async () => {
        for (const dir of this.tempDirs) await rm(dir, { recursive: true, force: true });
      },
      // Each run's schemas are its own: drop them so that repeated runs leave nothing behind.
      async () => {
        for (const service of this.serviceNames)
          await query(`DROP SCHEMA IF EXISTS "${this.schemaOf(service)}" CASCADE`);
      },
      async () => (this.options.redis === false ? undefined : this.deleteRedisKeys()),
      ...extraSteps,
    ];
    const failures: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} teardown step(s) failed`);
  }

  private async deleteRedisKeys(): Promise<void> {
    const url = requiredEnv('REDIS_URL');
    const redis = await connectRedis(
      createRedisClient({ REDIS_URL: url, REDIS_COMMAND_TIMEOUT_MS: 2_000, REDIS_CONNECT_TIMEOUT_MS: 2_000 }),
      url,
    );
    try {
      const found = await redis.keys(`${this.redisPrefix}*`);
      if (found.length > 0) await redis.del(...found);
    } finally {
      redis.disconnect();
    }
  }
}
