import { hostname } from 'node:os';
import { z } from 'zod';

/** Comma-separated list, trimmed, empty entries dropped: `a:9092, b:9092` -> ['a:9092', 'b:9092']. */
export const csvList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0),
  )
  .pipe(z.array(z.string()).min(1, 'must list at least one entry'));

/** `true`/`false`/`1`/`0` as found in environments; anything else is an error, not `false`. */
export const booleanString = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
  .transform((value) => value === true || value === 'true' || value === '1');

/** A TCP port given as a string in the environment. */
export const port = z.coerce.number().int().min(0).max(65_535);

const postgresSchemaName = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'must be a lower-case PostgreSQL identifier (letters, digits, underscore)',
  );

/** Variables every service reads. */
export const commonEnv = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: port.default(3000),
  /** Largest JSON request body accepted, in bytes (a household with thousands of tax lots is a few MB). */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(5_000_000),
  /**
   * Distinguishes replicas; used for broadcast consumer groups, where two replicas sharing an id
   * would split the stream instead of each reading all of it. Defaults to the host name, which is
   * unique per container and equal to the pod name in Kubernetes.
   */
  SERVICE_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, underscore and dash only')
    .default(() => hostname().replace(/[^A-Za-z0-9._-]/g, '-')),
};

/** Kafka connection. `KAFKA_GROUP_PREFIX` isolates test runs and tenants sharing a cluster. */
export const kafkaEnv = {
  KAFKA_BROKERS: csvList,
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  KAFKA_GROUP_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  /**
   * Prepended to every topic name (`staging.price.tick`): several environments, tenants or test runs
   * share one cluster without reading each other's messages. Services use logical names in code.
   */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/)
    .default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
  KAFKA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Published outbox rows are kept this long (for inspection), then deleted. */
  OUTBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(24),
  /**
   * Inbox rows (ids of handled messages) are kept this long. It must exceed the longest time a
   * message can be redelivered after it was handled (consumer lag after an outage, a replay of the
   * topic): a redelivery older than this would be handled again.
   */
  INBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 365)
    .default(7 * 24),
  /** TLS to the brokers (managed clusters: MSK, Confluent Cloud, Strimzi with TLS listeners). */
  KAFKA_SSL: booleanString.default(false),
  /** SASL authentication; unset means none. The username and password are then required. */
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

/**
 * Cross-field rule of {@link kafkaEnv}: a SASL mechanism needs its credentials. Apply it to a
 * service schema with `.superRefine(requireSaslCredentials)`.
 */
export function requireSaslCredentials(
  config: {
    KAFKA_SASL_MECHANISM?: string | undefined;
    KAFKA_SASL_USERNAME?: string | undefined;
    KAFKA_SASL_PASSWORD?: string | undefined;
  },
  context: z.RefinementCtx,
): void {
  if (config.KAFKA_SASL_MECHANISM === undefined) return;
  for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
    if (config[variable] === undefined) {
      context.addIssue({
        code: 'custom',
        path: [variable],
        message: `is required when KAFKA_SASL_MECHANISM is set`,
      });
    }
  }
}

/** PostgreSQL connection; each service owns one schema inside the database. */
export const databaseEnv = {
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  DATABASE_SCHEMA: postgresSchemaName,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Run pending migrations at boot (local runs, tests). In Kubernetes a Job runs them before the
   * rollout (`node main.js migrate`) and the pods start with this off.
   */
  DATABASE_MIGRATE_ON_START: booleanString.default(true),
};

/** Redis connection. Timeouts are short so that an outage fails fast instead of hanging. */
export const redisEnv = {
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:._-]*$/)
    .default('ballast:'),
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
  REDIS_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
};
