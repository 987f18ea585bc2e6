import { type DynamicModule, Module } from '@nestjs/common';
import { ClientKafka, ServerKafka } from '@nestjs/microservices';
import { APP_CONFIG } from '@ballast/platform-config';
import { type Consumer, Partitioners } from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { KafkaAdmin } from './kafka-admin';
import {
  consumerGroupId,
  kafkaClientConfig,
  type KafkaEnvConfig,
  logicalTopic,
  physicalTopic,
} from './kafka-config';
import { KAFKA_MODULE_OPTIONS, KAFKA_PRODUCER_CLIENT, type KafkaModuleOptions } from './kafka.tokens';
import { MessageConsumer } from './message-consumer';
import { Outbox, OutboxRelay } from './outbox';

/**
 * Kafka for one service: topic creation, the validating publisher, the transactional outbox and
 * its relay, and the idempotent consumer runner. Needs BallastConfigModule and BallastDatabaseModule
 * (with MESSAGING_ENTITIES and the messaging migration) in the application.
 */
@Module({})
export class BallastKafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return {
      module: BallastKafkaModule,
      global: true,
      providers: [
        { provide: KAFKA_MODULE_OPTIONS, useValue: options },
        {
          provide: KAFKA_PRODUCER_CLIENT,
          inject: [APP_CONFIG],
          useFactory: (config: KafkaEnvConfig) =>
            new ClientKafka({
              client: kafkaClientConfig(config, `${options.serviceName}-producer`),
              // The murmur2 partitioner (Java client compatible), chosen explicitly rather than by kafkajs's default.
              producer: { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
              producerOnlyMode: true,
              postfixId: '',
            }),
        },
        KafkaAdmin,
        EventPublisher,
        Outbox,
        OutboxRelay,
        MessageConsumer,
      ],
      exports: [KafkaAdmin, EventPublisher, Outbox, OutboxRelay, MessageConsumer],
    };
  }
}

/** Transport id of the per-instance ("broadcast") Kafka server; see {@link broadcastKafkaServer}. */
export const BROADCAST_KAFKA = Symbol('kafka-broadcast');

export interface KafkaServerOptions {
  /**
   * Where a consumer group without committed offsets starts. `true` (the default) for state
   * (portfolio.state is a compacted snapshot log that must be read whole) and for work that must
   * not be skipped; `false` for ephemeral streams such as price.tick, where a new instance wants
   * prices from now on. Either way a restarted group resumes from its committed offsets.
   */
  fromBeginning?: boolean;
}

/**
 * NestJS's Kafka server plus `joined`: resolves when the consumer has joined its group and been
 * assigned partitions. `runService` waits for it before reporting ready, so that "ready" means
 * "consuming", and nothing sent after readiness can land before the consumer's starting offset.
 */
export class BallastKafkaServer extends ServerKafka {
  constructor(
    options: ConstructorParameters<typeof ServerKafka>[0],
    /** Maps the logical topic names of `@EventPattern` to the broker's (KAFKA_TOPIC_PREFIX) and back. */
    private readonly topicNaming: Pick<KafkaEnvConfig, 'KAFKA_TOPIC_PREFIX'>,
  ) {
    super(options);
  }

  private markJoined: (() => void) | undefined;
  readonly joined: Promise<void> = new Promise((resolve) => {
    this.markJoined = resolve;
  });

  /** The consumer group id (ServerKafka keeps it protected), for log lines and errors. */
  get consumerGroupId(): string {
    return this.groupId;
  }

  /**
   * Subscribes to the prefixed topics and hands messages to NestJS under their logical names, so
   * handlers are declared with `@EventPattern('price.tick')` whatever the environment's prefix.
   */
  override async bindEvents(consumer: Consumer): Promise<void> {
    const patterns = [...this.messageHandlers.keys()];
    if (patterns.length > 0) {
      await consumer.subscribe({
        ...(this.options.subscribe ?? {}),
        topics: patterns.map((pattern) => physicalTopic(this.topicNaming, pattern)),
      });
    }
    await consumer.run({
      ...(this.options.run ?? {}),
      eachMessage: (payload) =>
        this.handleMessage({ ...payload, topic: logicalTopic(this.topicNaming, payload.topic) }),
    });
  }

  protected override registerConsumerEventListeners(): void {
    super.registerConsumerEventListeners();
    const consumer = this.consumer;
    consumer?.on(consumer.events.GROUP_JOIN, () => this.markJoined?.());
  }
}

/**
 * The Kafka server that consumes a service's partitioned topics as one consumer group shared by
 * all replicas. Manual commits (see MessageConsumer), binary values (so the consumer sees and
 * dead-letters the exact bytes), no `-server` suffix on the group id.
 */
export function kafkaServer(
  config: KafkaEnvConfig,
  serviceName: string,
  groupName: string,
  options: KafkaServerOptions = {},
): BallastKafkaServer {
  const groupId = consumerGroupId(config, groupName);
  return new BallastKafkaServer(
    {
      client: kafkaClientConfig(config, `${serviceName}-${groupName}`),
      consumer: {
        groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_000,
        retry: { retries: 8 },
      },
      subscribe: { fromBeginning: options.fromBeginning ?? true },
      run: { autoCommit: false },
      // ServerKafka also opens a producer (for request-reply, unused here): same partitioner as ours.
      producer: { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner },
      parser: { keepBinary: true },
      postfixId: '',
    },
    config,
  );
}

/**
 * A Kafka server whose group is unique to this instance, so that every replica reads every record
 * of its topics (price.tick is broadcast to all monitors: any instance may hold any symbol).
 * Handlers bind to it with `@EventPattern(topic, BROADCAST_KAFKA)`. Starts at the latest record
 * unless told otherwise: a new instance needs prices from now on, not the topic's history.
 */
export function broadcastKafkaServer(
  config: KafkaEnvConfig,
  serviceName: string,
  groupName: string,
  options: KafkaServerOptions = { fromBeginning: false },
): BallastKafkaServer {
  const server = kafkaServer(config, serviceName, `${groupName}-${config.SERVICE_INSTANCE_ID}`, options);
  server.setTransportId(BROADCAST_KAFKA);
  return server;
}
