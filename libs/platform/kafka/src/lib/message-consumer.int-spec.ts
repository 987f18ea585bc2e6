/**
 * The platform's delivery guarantees against a real broker and database: bounded retries with
 * backoff, dead letters with reasons, idempotence on the message id, a partition that keeps
 * flowing behind a bad message, and the transactional outbox (nothing leaves on rollback).
 */
import { Controller, Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, KafkaContext, type MicroserviceOptions, Transport } from '@nestjs/microservices';
import {
  createEnvelope,
  deadLetterTopicFor,
  PRICE_TICK_TOPIC,
  type PriceTickPayload,
} from '@ballast/contracts';
import { BallastConfigModule, commonEnv, databaseEnv, kafkaEnv } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { KafkaTestClient, uniqueRunId, waitFor } from '@ballast/testing';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { z } from 'zod';
import { EventPublisher } from './event-publisher';
import { consumerGroupId, type KafkaEnvConfig } from './kafka-config';
import { BallastKafkaModule, kafkaServer } from './kafka.module';
import { MessageConsumer, UnprocessableMessageError } from './message-consumer';
import { consumedMessages, handlerRetries } from './messaging.metrics';
import { MESSAGING_ENTITIES } from './messaging.entities';
import { CreateMessagingTables1763800000000 } from './messaging-tables.migration';
import { Outbox, OutboxRelay } from './outbox';

const runId = uniqueRunId('k');
const tag = runId.slice(-8).toUpperCase();
const GROUP = 'platform-kafka-test';
const env = {
  KAFKA_BROKERS: process.env['KAFKA_BROKERS'],
  DATABASE_URL: process.env['DATABASE_URL'],
  DATABASE_SCHEMA: `platform_kafka_${runId}`,
  KAFKA_GROUP_PREFIX: `${runId}-`,
  KAFKA_TOPIC_PREFIX: `${runId}.`,
  KAFKA_MAX_ATTEMPTS: '3',
  SERVICE_INSTANCE_ID: runId,
};
const schema = z.object({ ...commonEnv, ...kafkaEnv, ...databaseEnv });

class CreateEffectTable1763800009999 implements MigrationInterface {
  name = 'CreateEffectTable1763800009999';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE effect (message_id uuid NOT NULL, symbol text NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE effect`);
  }
}

/** Handler behaviour is chosen by the symbol's prefix. */
@Injectable()
class Attempts {
  readonly bySymbol = new Map<string, number>();
}

@Controller()
class TestConsumer {
  constructor(
    private readonly consumer: MessageConsumer,
    private readonly attempts: Attempts,
  ) {}

  @EventPattern(PRICE_TICK_TOPIC, Transport.KAFKA)
  async onTick(@Ctx() context: KafkaContext): Promise<void> {
    await this.consumer.consume<PriceTickPayload>(
      context,
      { consumerGroup: `${runId}-${GROUP}` },
      async ({ id, payload }, manager) => {
        if (!payload.symbol.endsWith(tag)) return; // someone else's tick on the shared topic
        const attempt = (this.attempts.bySymbol.get(payload.symbol) ?? 0) + 1;
        this.attempts.bySymbol.set(payload.symbol, attempt);
        await manager.query(`INSERT INTO effect (message_id, symbol) VALUES ($1, $2)`, [id, payload.symbol]);
        if (payload.symbol.startsWith('FLAKY') && attempt < 3)
          throw new Error(`transient failure ${attempt}`);
        if (payload.symbol.startsWith('BROKEN')) throw new Error('database says no');
        if (payload.symbol.startsWith('BAD'))
          throw new UnprocessableMessageError(`${payload.symbol} cannot be used`);
      },
    );
  }
}

@Module({
  imports: [
    BallastConfigModule.forRoot(schema, env),
    BallastDatabaseModule.forRoot({
      serviceName: 'platform-kafka-test',
      entities: MESSAGING_ENTITIES,
      migrations: [CreateMessagingTables1763800000000, CreateEffectTable1763800009999],
    }),
    BallastKafkaModule.forRoot({
      serviceName: 'platform-kafka-test',
      topics: [PRICE_TICK_TOPIC],
      consumerGroups: [GROUP],
    }),
  ],
  controllers: [TestConsumer],
  providers: [Attempts],
})
class TestModule {}

let app: INestApplication;
let kafka: KafkaTestClient;
let dataSource: DataSource;
let publisher: EventPublisher;
const dlqTopic = `${runId}.${deadLetterTopicFor(`${runId}-${GROUP}`)}`;

const tick = (name: string, price = '100'): PriceTickPayload => {
  const asOf = new Date().toISOString();
  return {
    symbol: `${name}.${tag}`,
    price,
    currency: 'USD',
    asOf,
    asOfMillis: Date.parse(asOf),
    source: 'test',
  };
};
const effects = async (symbol: string): Promise<number> =>
  Number(
    (
      await dataSource.query<
        {
          n: string;
        }[]
      >(`SELECT count(*) AS n FROM effect WHERE symbol = $1`, [symbol])
    )[0]?.n,
  );

beforeAll(async () => {
  app = await NestFactory.create(TestModule, { logger: ['error'] });
  const config: KafkaEnvConfig = schema.parse(cleanEnv(env));
  // Only what this test sends: the shared topic may hold other runs' history.
  const server = kafkaServer(config, 'platform-kafka-test', GROUP, { fromBeginning: false });
  app.connectMicroservice<MicroserviceOptions>({ strategy: server });
  await app.init();
  await app.startAllMicroservices();
  await server.joined;
  dataSource = app.get(DataSource);
  publisher = app.get(EventPublisher);
  kafka = new KafkaTestClient((env.KAFKA_BROKERS ?? '').split(','));
  await kafka.watch([dlqTopic]);
  // Barrier: the consumer has joined its group once a probe sent now is handled.
  await waitFor(
    'the test consumer to join',
    async () => {
      const probe = tick('PROBE');
      await publisher.publish(PRICE_TICK_TOPIC, probe.symbol, probe);
      await new Promise((resolve) => setTimeout(resolve, 300));
      return (await effects(probe.symbol)) > 0 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 0 },
  );
}, 120_000);

afterAll(async () => {
  await kafka?.deleteTopicsWithPrefix(`${runId}.`);
  await kafka?.close();
  await app?.close();
  // After the app (and its outbox relay) stopped: a separate connection drops the run's schema.
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${env.DATABASE_SCHEMA}" CASCADE`);
  } finally {
    await client.end();
  }
}, 60_000);

function cleanEnv(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

describe('MessageConsumer against real Kafka and PostgreSQL', () => {
  it('retries a transient failure with backoff and applies the effect exactly once', async () => {
    const flaky = tick('FLAKY');
    await publisher.publish(PRICE_TICK_TOPIC, flaky.symbol, flaky);
    await waitFor('the third attempt to succeed', async () =>
      (await effects(flaky.symbol)) === 1 ? true : undefined,
    );
    // Failed attempts rolled back their effect rows; only the successful one stayed.
    expect(app.get(Attempts).bySymbol.get(flaky.symbol)).toBe(3);
    expect(kafka.messages(dlqTopic, (m) => m.key === flaky.symbol)).toHaveLength(0);
  });

  it('dead-letters after the bounded retries, with the reason, and keeps the partition flowing', async () => {
    const broken = tick('BROKEN');
    const behind = tick('AFTERBROKEN');
    await publisher.publish(PRICE_TICK_TOPIC, broken.symbol, broken);
    await publisher.publish(PRICE_TICK_TOPIC, broken.symbol, behind); // same key: same partition, behind it
    await waitFor('the message behind to be handled', async () =>
      (await effects(behind.symbol)) === 1 ? true : undefined,
    );
    const [letter] = await waitFor('the dead letter', () => {
      const found = kafka.messages(dlqTopic, (m) => m.key === broken.symbol);
      return found.length > 0 ? found : undefined;
    });
    expect(letter?.json).toMatchObject({
      sourceTopic: `${runId}.${PRICE_TICK_TOPIC}`,
      consumerGroup: consumerGroupId({ KAFKA_GROUP_PREFIX: `${runId}-` }, GROUP),
      attempts: 3,
      reason: { kind: 'retries-exhausted' },
    });
    expect((letter?.json as { reason: { message: string } }).reason.message).toContain('database says no');
    expect(await effects(broken.symbol)).toBe(0);
    expect(app.get(Attempts).bySymbol.get(broken.symbol)).toBe(3);
  });

  it('dead-letters an unprocessable message at once, without retries', async () => {
    const bad = tick('BAD');
    await publisher.publish(PRICE_TICK_TOPIC, bad.symbol, bad);
    const [letter] = await waitFor('the dead letter', () => {
      const found = kafka.messages(dlqTopic, (m) => m.key === bad.symbol);
      return found.length > 0 ? found : undefined;
    });
    expect(letter?.json).toMatchObject({
      attempts: 1,
      reason: { kind: 'validation', message: `${bad.symbol} cannot be used` },
    });
    expect(app.get(Attempts).bySymbol.get(bad.symbol)).toBe(1);
  });

  it('dead-letters a message that breaks the topic schema, naming the field', async () => {
    const envelope = createEnvelope({
      type: PRICE_TICK_TOPIC,
      schemaVersion: 1,
      producedBy: 'test',
      payload: { ...tick('SCHEMA'), price: '-1' },
    });
    await kafka.send(`${runId}.${PRICE_TICK_TOPIC}`, [
      { key: `SCHEMA.${tag}`, value: JSON.stringify(envelope) },
    ]);
    const [letter] = await waitFor('the dead letter', () => {
      const found = kafka.messages(dlqTopic, (m) => m.key === `SCHEMA.${tag}`);
      return found.length > 0 ? found : undefined;
    });
    const reason = (letter?.json as { reason: { kind: string; issues: { path: string }[] } }).reason;
    expect(reason.kind).toBe('schema');
    expect(reason.issues.map((issue) => issue.path)).toContain('payload.price');
  });

  it('gives a redelivered message no second effect (inbox on the message id)', async () => {
    const payload = tick('ONCE');
    const envelope = publisher.envelope(PRICE_TICK_TOPIC, payload);
    const record = { key: payload.symbol, value: JSON.stringify(envelope) };
    const barrier = tick('ONCEBARRIER');
    await kafka.send(`${runId}.${PRICE_TICK_TOPIC}`, [record, record]);
    await publisher.publish(PRICE_TICK_TOPIC, payload.symbol, barrier);
    await waitFor('the barrier', async () => ((await effects(barrier.symbol)) === 1 ? true : undefined));
    expect(await effects(payload.symbol)).toBe(1);
    expect(app.get(Attempts).bySymbol.get(payload.symbol)).toBe(1);
  });
});

describe('offsets', () => {
  it('commits offset + 1 on the prefixed topic, past every message handled so far', async () => {
    const admin = new Kafka({
      brokers: (env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const physical = `${runId}.${PRICE_TICK_TOPIC}`;
      const [committed] = await admin.fetchOffsets({ groupId: `${runId}-${GROUP}`, topics: [physical] });
      const ends = await admin.fetchTopicOffsets(physical);
      // Kafka's committed offset is the next one to read: equal to the end of each partition that
      // received messages (a partition that never did has no commit, reported as -1).
      const written = ends.filter((p) => p.offset !== '0');
      expect(written.length).toBeGreaterThan(0);
      const committedByPartition = new Map(committed?.partitions.map((p) => [p.partition, p.offset]));
      for (const end of written)
        expect([end.partition, committedByPartition.get(end.partition)]).toEqual([end.partition, end.offset]);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('messaging metrics', () => {
  it('counts every outcome and retry of this group for /metrics', async () => {
    const group = `${runId}-${GROUP}`;
    const { values } = await consumedMessages.get();
    const count = (outcome: string) =>
      values.find((value) => value.labels['group'] === group && value.labels['outcome'] === outcome)?.value ??
      0;
    // By now: three dead letters (retries exhausted, unprocessable, schema) and one duplicate.
    expect(count('dead-lettered')).toBe(3);
    expect(count('duplicate')).toBe(1);
    expect(count('handled')).toBeGreaterThanOrEqual(5);
    const retries = (await handlerRetries.get()).values.find((value) => value.labels['group'] === group);
    // FLAKY failed twice, BROKEN failed twice before its third and last attempt.
    expect(retries?.value).toBe(4);
  });
});

describe('Outbox', () => {
  it('publishes what a committed transaction enqueued, and nothing of a rolled-back one', async () => {
    const outbox = app.get(Outbox);
    const committed = tick('OUTBOXOK');
    const rolledBack = tick('OUTBOXRB');
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.enqueue(manager, PRICE_TICK_TOPIC, rolledBack.symbol, rolledBack);
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    const envelope = await dataSource.transaction((manager) =>
      outbox.enqueue(manager, PRICE_TICK_TOPIC, committed.symbol, committed, { causationId: null }),
    );
    await waitFor('the committed event to be consumed', async () =>
      (await effects(committed.symbol)) === 1 ? true : undefined,
    );
    const rows = await dataSource.query<{ published_at: Date | null }[]>(
      `SELECT message_id, published_at FROM outbox_message WHERE message_id = $1`,
      [envelope.id],
    );
    expect(rows[0]?.published_at).not.toBeNull();
    expect(await effects(rolledBack.symbol)).toBe(0);
    const leftovers = await dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM outbox_message WHERE envelope->'payload'->>'symbol' = $1`,
      [rolledBack.symbol],
    );
    expect(Number(leftovers[0]?.n)).toBe(0);
  });
});

describe('retention', () => {
  it('deletes published outbox rows and inbox rows older than their retention, and nothing newer', async () => {
    const relay = app.get(OutboxRelay);
    const count = async (table: string, where: string) =>
      Number(
        (await dataSource.query<{ n: string }[]>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0]?.n,
      );
    const published = await count('outbox_message', 'published_at IS NOT NULL');
    const inbox = await count('inbox_message', 'true');
    expect(published).toBeGreaterThan(0);
    expect(inbox).toBeGreaterThan(0);

    // "Now" is today: everything is younger than the retention (24 h, 7 days): nothing goes.
    expect(await relay.deleteExpired(new Date())).toEqual({ outbox: 0, inbox: 0 });
    // A year from now everything is older: every published row and every inbox row goes.
    const later = new Date(Date.now() + 365 * 24 * 3_600_000);
    expect(await relay.deleteExpired(later)).toEqual({ outbox: published, inbox });
    expect(await count('outbox_message', 'published_at IS NOT NULL')).toBe(0);
    expect(await count('inbox_message', 'true')).toBe(0);
  });
});
