import { type DynamicModule, Module } from '@nestjs/common';
import { ClientKafka, type KafkaOptions, ServerKafka, Transport } from '@nestjs/microservices';
import { APP_CONFIG } from '@ballast/platform-config';
import { Partitioners } from 'kafkajs';
import { EventPublisher } from './event-publisher';
import { KafkaAdmin } from './kafka-admin';
import { consumerGroupId, kafkaClientConfig, type KafkaEnvConfig } from './kafka-config';
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

/**
 * Options of the Kafka server that consumes a service's partitioned topics as one consumer group
 * shared by all replicas. Manual commits (see MessageConsumer), binary values (so the consumer
 * sees and dead-letters the exact bytes), no `-server` suffix on the group id.
 */
export function kafkaServerOptions(
  config: KafkaEnvConfig,
  serviceName: string,
  groupName: string,
): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig(config, `${serviceName}-${groupName}`),
      consumer: {
        groupId: consumerGroupId(config, groupName),
        allowAutoTopicCreation: false,
        sessionTimeout: 15_000,
        heartbeatInterval: 1_000,
        retry: { retries: 8 },
      },
      subscribe: { fromBeginning: true },
      run: { autoCommit: false },
      parser: { keepBinary: true },
      postfixId: '',
    },
  };
}

/**
 * A Kafka server whose group is unique to this instance, so that every replica reads every record
 * of its topics (price.tick is broadcast to all monitors: any instance may hold any symbol).
 * Handlers bind to it with `@EventPattern(topic, BROADCAST_KAFKA)`.
 */
export function broadcastKafkaServer(
  config: KafkaEnvConfig,
  serviceName: string,
  groupName: string,
): ServerKafka {
  const instanceGroup = `${groupName}-${config.SERVICE_INSTANCE_ID}`;
  const server = new ServerKafka(kafkaServerOptions(config, serviceName, instanceGroup).options ?? {});
  server.setTransportId(BROADCAST_KAFKA);
  return server;
}
