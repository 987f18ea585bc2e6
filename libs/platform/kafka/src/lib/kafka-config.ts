import { Logger } from '@nestjs/common';
import { type KafkaConfig, logLevel, type logCreator } from 'kafkajs';

/** The parsed environment a Kafka connection needs (see `kafkaEnv` in @ballast/platform-config). */
export interface KafkaEnvConfig {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID?: string | undefined;
  KAFKA_GROUP_PREFIX: string;
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_TOPIC_PARTITIONS: number;
  KAFKA_REPLICATION_FACTOR: number;
  KAFKA_MAX_ATTEMPTS: number;
  OUTBOX_RETENTION_HOURS: number;
  INBOX_RETENTION_HOURS: number;
  KAFKA_SSL?: boolean | undefined;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
  SERVICE_INSTANCE_ID: string;
}

/**
 * The level a kafkajs log line is written at. kafkajs logs every error response of the protocol
 * (`Response Metadata(...)`, `Response CreateTopics(...)`) at ERROR, including the ones it retries
 * itself: "This server does not host this topic-partition" while a new topic's leader is elected,
 * "Topic creation errors" when another service created the topic first. A service starting beside
 * six others printed about thirty such ERROR lines for nothing wrong. Those become warnings; when
 * kafkajs gives up, the operation throws and our own code logs the failure as an error.
 */
export function kafkajsLineLevel(level: logLevel, message: string): 'error' | 'warn' | 'debug' {
  if (level === logLevel.ERROR) return message.startsWith('Response ') ? 'warn' : 'error';
  return level === logLevel.WARN ? 'warn' : 'debug';
}

/** Routes kafkajs's own logging into the Nest logger instead of stdout JSON of its own. */
const nestLogCreator: logCreator = () => {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...extra } = log;
    const line = `${message} ${JSON.stringify(extra)}`;
    const at = kafkajsLineLevel(level, message);
    if (at === 'error') logger.error(line);
    else if (at === 'warn') logger.warn(line);
    else logger.debug(line);
  };
};

/**
 * Connection settings shared by producers, consumers and the admin client. Timeouts are short so
 * that a broker outage shows up quickly in logs and readiness, and kafkajs's own retries are bounded.
 */
export function kafkaClientConfig(config: KafkaEnvConfig, serviceName: string): KafkaConfig {
  return {
    clientId: config.KAFKA_CLIENT_ID ?? `${serviceName}-${config.SERVICE_INSTANCE_ID}`,
    brokers: config.KAFKA_BROKERS,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5_000 },
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator,
    ...(config.KAFKA_SSL ? { ssl: true } : {}),
    ...saslConfig(config),
  };
}

function saslConfig(config: KafkaEnvConfig): Pick<KafkaConfig, 'sasl'> {
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = config;
  if (mechanism === undefined) return {};
  if (username === undefined || password === undefined) {
    // The config schema refuses this combination; reaching it means a hand-built config.
    throw new Error('KAFKA_SASL_MECHANISM is set without KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
  }
  return { sasl: { mechanism, username, password } as KafkaConfig['sasl'] };
}

/**
 * Consumer group ids are explicit and distinct per service (and per test run through
 * KAFKA_GROUP_PREFIX): two unrelated consumers sharing a group would silently split partitions.
 */
export function consumerGroupId(config: Pick<KafkaEnvConfig, 'KAFKA_GROUP_PREFIX'>, name: string): string {
  return `${config.KAFKA_GROUP_PREFIX}${name}`;
}

/** The topic name on the broker for a logical topic name (`price.tick`), with KAFKA_TOPIC_PREFIX. */
export function physicalTopic(config: Pick<KafkaEnvConfig, 'KAFKA_TOPIC_PREFIX'>, logical: string): string {
  return `${config.KAFKA_TOPIC_PREFIX}${logical}`;
}

/** The logical topic name of a topic on the broker; the inverse of {@link physicalTopic}. */
export function logicalTopic(config: Pick<KafkaEnvConfig, 'KAFKA_TOPIC_PREFIX'>, physical: string): string {
  const prefix = config.KAFKA_TOPIC_PREFIX;
  return prefix !== '' && physical.startsWith(prefix) ? physical.slice(prefix.length) : physical;
}
