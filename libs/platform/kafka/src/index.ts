export {
  BallastKafkaModule,
  BallastKafkaServer,
  BROADCAST_KAFKA,
  broadcastKafkaServer,
  kafkaServer,
  type KafkaServerOptions,
} from './lib/kafka.module';
export {
  consumerGroupId,
  kafkaClientConfig,
  kafkajsLineLevel,
  type KafkaEnvConfig,
  logicalTopic,
  physicalTopic,
} from './lib/kafka-config';
export {
  EventPublisher,
  InvalidOutgoingMessageError,
  type PublishContext,
  type OutgoingRecord,
} from './lib/event-publisher';
export { Outbox, OutboxRelay } from './lib/outbox';
export {
  MessageConsumer,
  UnprocessableMessageError,
  type ConsumeOptions,
  type ConsumeOutcome,
  type MessageHandler,
} from './lib/message-consumer';
export { KafkaAdmin } from './lib/kafka-admin';
export { ensureTopics, TopicsNotReadyError, type TopicSpec } from './lib/topic-admin';
export { InboxMessage, OutboxMessage, MESSAGING_ENTITIES } from './lib/messaging.entities';
export { CreateMessagingTables1763800000000 } from './lib/messaging-tables.migration';
export { KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './lib/kafka.tokens';
