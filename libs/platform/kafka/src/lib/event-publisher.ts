import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ClientKafka } from '@nestjs/microservices';
import {
  createEnvelope,
  getTopicContract,
  type MessageEnvelope,
  parseMessage,
  toCloudEventHeaders,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { type KafkaEnvConfig, physicalTopic } from './kafka-config';
import { publishedRecords } from './messaging.metrics';
import { KAFKA_MODULE_OPTIONS, KAFKA_PRODUCER_CLIENT, type KafkaModuleOptions } from './kafka.tokens';

/** Thrown when a service tries to publish a message its topic's schema rejects: a bug, never sent. */
export class InvalidOutgoingMessageError extends Error {
  override readonly name = 'InvalidOutgoingMessageError';
}

export interface PublishContext {
  /** One per rebalancing run; a fresh one starts a new run. */
  correlationId?: string;
  /** The id of the message that caused this one. */
  causationId?: string | null;
}

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * The one way a service puts messages on Kafka: validates against the topic's schema, wraps the
 * payload in the envelope, mirrors the envelope in `ce_*` headers, and resolves only once the
 * broker has acknowledged the write on all in-sync replicas (acks = -1).
 */
@Injectable()
export class EventPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EventPublisher.name);

  constructor(
    @Inject(KAFKA_PRODUCER_CLIENT) private readonly client: ClientKafka,
    @Inject(KAFKA_MODULE_OPTIONS) private readonly options: KafkaModuleOptions,
    @Inject(APP_CONFIG) private readonly config: KafkaEnvConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /** Builds and validates an envelope for `payload` without sending it (the outbox stores it). */
  envelope<T>(topic: string, payload: T, context: PublishContext = {}): MessageEnvelope<T> {
    const contract = getTopicContract(topic);
    const envelope = createEnvelope({
      type: topic,
      schemaVersion: contract.schemaVersion,
      producedBy: this.options.serviceName,
      payload,
      ...(context.correlationId === undefined ? {} : { correlationId: context.correlationId }),
      ...(context.causationId === undefined ? {} : { causationId: context.causationId }),
    });
    this.assertValid(topic, envelope);
    return envelope;
  }

  /** Validates and sends one message, awaiting the broker's acknowledgement. */
  async publish<T>(
    topic: string,
    key: string,
    payload: T,
    context: PublishContext = {},
  ): Promise<MessageEnvelope<T>> {
    const envelope = this.envelope(topic, payload, context);
    await this.send([toRecord(topic, key, envelope)]);
    return envelope;
  }

  /**
   * Sends already-built records in order (outbox relay, dead letters); awaits acknowledgement.
   * Topics are logical names; KAFKA_TOPIC_PREFIX is applied here, in one place.
   */
  async send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const record of records) {
      byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
    }
    await this.client.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic.entries()].map(([topic, list]) => ({
        topic: physicalTopic(this.config, topic),
        messages: list.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
      })),
    });
    for (const [topic, list] of byTopic) publishedRecords.inc({ topic }, list.length);
    this.logger.debug(`sent ${records.length} record(s)`);
  }

  private assertValid(topic: string, envelope: unknown): void {
    const result = parseMessage(topic, envelope);
    if (!result.ok) {
      throw new InvalidOutgoingMessageError(
        `refusing to publish an invalid ${topic} message: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      );
    }
  }
}

export function toRecord(topic: string, key: string, envelope: MessageEnvelope<unknown>): OutgoingRecord {
  return { topic, key, value: JSON.stringify(envelope), headers: toCloudEventHeaders(envelope) };
}
