/** Options of BallastKafkaModule.forRoot. */
export interface KafkaModuleOptions {
  /** Name written as `producedBy` in every envelope this service emits. */
  serviceName: string;
  /** Topics this service produces to or consumes from; they are created (with leaders) at boot. */
  topics: readonly string[];
  /** Base names of the consumer groups this service runs; their `<group>.dlq` topics are created at boot. */
  consumerGroups: readonly string[];
}

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');
/** The Nest ClientKafka used in producer-only mode by the publisher. */
export const KAFKA_PRODUCER_CLIENT = Symbol('KAFKA_PRODUCER_CLIENT');
