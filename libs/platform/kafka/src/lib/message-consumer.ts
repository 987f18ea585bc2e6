import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type KafkaContext } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type DeadLetter,
  deadLetterTopicFor,
  fromCloudEventHeaders,
  type MessageEnvelope,
  parseMessage,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource, type EntityManager } from 'typeorm';
import { EventPublisher } from './event-publisher';
import { consumedMessages, handlerRetries, handlerSeconds } from './messaging.metrics';
import { type KafkaEnvConfig, physicalTopic } from './kafka-config';
import { OutboxRelay } from './outbox';

/**
 * Thrown by a handler for a message that is well-formed but can never be processed (a price for
 * an unknown currency, a portfolio version older than the one stored): it goes to the dead-letter
 * topic with this message as the reason, without retries.
 */
export class UnprocessableMessageError extends Error {
  override readonly name = 'UnprocessableMessageError';
}

export interface ConsumeOptions {
  /** The consumer group (already prefixed) whose inbox and dead-letter topic are used. */
  consumerGroup: string;
  /**
   * External feeds (prices.raw) may send the bare payload without Ballast's envelope; then the
   * message id comes from the `ce_id` header, or from topic/partition/offset, which is stable
   * across redeliveries of the same record.
   */
  acceptBarePayload?: boolean;
  /**
   * The group whose `<group>.dlq` receives failures, when it differs from `consumerGroup`: a
   * broadcast consumer has one group per instance but all instances share one dead-letter topic.
   */
  deadLetterGroup?: string;
}

export type MessageHandler<T> = (envelope: MessageEnvelope<T>, manager: EntityManager) => Promise<void>;

export type ConsumeOutcome = 'handled' | 'duplicate' | 'dead-lettered';

interface RawKafkaMessage {
  key: Buffer | string | null;
  value: Buffer | string | null;
  offset: string;
  headers?: Record<string, unknown>;
}

/**
 * The consumer side of the platform's guarantees, for one message at a time:
 *  1. decode and validate against the topic's schema; a failure goes to `<group>.dlq` with the reason;
 *  2. run the handler in a database transaction together with an inbox row (consumer group, message
 *     id): a message already in the inbox has no second effect;
 *  3. retry transient failures with exponential backoff a bounded number of times, then dead-letter;
 *  4. commit `offset + 1` only after the effects (or the dead letter) are durable.
 * It never throws into NestJS, whose Kafka server would otherwise skip or endlessly redeliver.
 */
@Injectable()
export class MessageConsumer {
  private readonly logger = new Logger(MessageConsumer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    private readonly relay: OutboxRelay,
    @Inject(APP_CONFIG) private readonly config: KafkaEnvConfig,
  ) {}

  async consume<T>(
    context: KafkaContext,
    options: ConsumeOptions,
    handler: MessageHandler<T>,
  ): Promise<ConsumeOutcome> {
    const topic = context.getTopic();
    const partition = context.getPartition();
    const message = context.getMessage() as unknown as RawKafkaMessage;
    const stopTimer = handlerSeconds.startTimer({ topic, group: options.consumerGroup });
    const outcome = await this.process(topic, partition, message, options, handler, context);
    await this.commit(context, topic, partition, message.offset);
    stopTimer();
    consumedMessages.inc({ topic, group: options.consumerGroup, outcome });
    return outcome;
  }

  private async process<T>(
    topic: string,
    partition: number,
    message: RawKafkaMessage,
    options: ConsumeOptions,
    handler: MessageHandler<T>,
    context: KafkaContext,
  ): Promise<ConsumeOutcome> {
    const deadLetter = (reason: DeadLetter['reason'], attempts: number) =>
      this.deadLetter(
        topic,
        partition,
        message,
        options.deadLetterGroup ?? options.consumerGroup,
        reason,
        attempts,
      );

    const decoded = decodeJson(message.value);
    if (!decoded.ok) {
      await deadLetter({ kind: 'schema', message: decoded.reason }, 0);
      return 'dead-lettered';
    }
    let envelope: ReturnType<typeof this.toEnvelope<T>>;
    try {
      envelope = this.toEnvelope<T>(topic, partition, message, decoded.value, options);
    } catch (error) {
      // No contract for this topic (a subscription without a registry entry): say so, don't drop it.
      await deadLetter({ kind: 'schema', message: (error as Error).message }, 0);
      return 'dead-lettered';
    }
    if (!envelope.ok) {
      await deadLetter({ kind: 'schema', message: envelope.message, issues: envelope.issues }, 0);
      return 'dead-lettered';
    }

    const maxAttempts = this.config.KAFKA_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const handled = await this.dataSource.transaction(async (manager) => {
          const inserted: unknown[] = await manager.query(
            `INSERT INTO inbox_message (consumer_group, message_id, topic, partition, message_offset)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING message_id`,
            [options.consumerGroup, envelope.value.id, topic, partition, message.offset],
          );
          if (inserted.length === 0) return false;
          await handler(envelope.value, manager);
          return true;
        });
        if (!handled) {
          this.logger.log(
            `duplicate ${topic} message ${envelope.value.id} ignored (group ${options.consumerGroup})`,
          );
          return 'duplicate';
        }
        this.relay.wake();
        return 'handled';
      } catch (error) {
        if (error instanceof UnprocessableMessageError) {
          await deadLetter({ kind: 'validation', message: error.message }, attempt);
          return 'dead-lettered';
        }
        const reason = (error as Error).message;
        if (attempt >= maxAttempts) {
          await deadLetter(
            { kind: 'retries-exhausted', message: `${attempt} attempts failed; last: ${reason}` },
            attempt,
          );
          return 'dead-lettered';
        }
        handlerRetries.inc({ topic, group: options.consumerGroup });
        const delayMs = Math.min(100 * 2 ** (attempt - 1), 5_000);
        this.logger.warn(
          `${topic}[${partition}]@${message.offset} attempt ${attempt} failed, retrying in ${delayMs} ms: ${reason}`,
        );
        await sleep(delayMs);
        await context.getHeartbeat()();
      }
    }
  }

  private toEnvelope<T>(
    topic: string,
    partition: number,
    message: RawKafkaMessage,
    json: unknown,
    options: ConsumeOptions,
  ):
    | { ok: true; value: MessageEnvelope<T> }
    | { ok: false; message: string; issues: { path: string; message: string }[] } {
    const looksEnveloped = typeof json === 'object' && json !== null && 'payload' in json && 'type' in json;
    let candidate = json;
    if (!looksEnveloped && options.acceptBarePayload) {
      const metadata = fromCloudEventHeaders(normaliseHeaders(message.headers));
      const id = metadata.id ?? stableUuid(`${topic}:${partition}:${message.offset}`);
      candidate = {
        id,
        type: topic,
        schemaVersion: 1,
        occurredAt: metadata.occurredAt ?? new Date().toISOString(),
        producedBy: metadata.producedBy ?? 'external',
        correlationId: metadata.correlationId ?? id,
        causationId: null,
        payload: json,
      };
    }
    const result = parseMessage(topic, candidate);
    if (result.ok) return { ok: true, value: result.envelope as MessageEnvelope<T> };
    return {
      ok: false,
      message: `message does not match the ${topic} schema`,
      issues: result.issues.map((issue) => ({ path: issue.path, message: issue.message })),
    };
  }

  /**
   * Publishes a dead letter and waits for the broker's acknowledgement. If even that fails (the
   * broker is gone), it keeps trying: committing the offset without a durable dead letter would lose
   * the message, and nothing behind it could be processed anyway.
   */
  private async deadLetter(
    topic: string,
    partition: number,
    message: RawKafkaMessage,
    consumerGroup: string,
    reason: DeadLetter['reason'],
    attempts: number,
  ): Promise<void> {
    const { value, encoding } = encodeValue(message.value);
    const deadLetter: DeadLetter = {
      sourceTopic: physicalTopic(this.config, topic),
      sourcePartition: partition,
      sourceOffset: message.offset,
      key: message.key === null ? null : message.key.toString(),
      value,
      encoding,
      headers: normaliseHeaders(message.headers),
      reason,
      consumerGroup,
      failedAt: new Date().toISOString(),
      attempts,
    };
    const dlqTopic = deadLetterTopicFor(consumerGroup);
    this.logger.warn(
      `dead-lettering ${topic}[${partition}]@${message.offset} to ${dlqTopic}: ${reason.message}`,
    );
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.publisher.send([
          {
            topic: dlqTopic,
            key: deadLetter.key ?? `${topic}:${partition}:${message.offset}`,
            value: JSON.stringify(deadLetter),
            headers: { 'content-type': 'application/json', 'x-dlq-reason': reason.kind },
          },
        ]);
        return;
      } catch (error) {
        this.logger.error(
          `dead letter to ${dlqTopic} failed (attempt ${attempt}): ${(error as Error).message}`,
        );
        await sleep(Math.min(200 * 2 ** attempt, 10_000));
      }
    }
  }

  private async commit(
    context: KafkaContext,
    topic: string,
    partition: number,
    offset: string,
  ): Promise<void> {
    // Kafka's committed offset is the next one to read, hence + 1.
    await context
      .getConsumer()
      .commitOffsets([
        { topic: physicalTopic(this.config, topic), partition, offset: (BigInt(offset) + 1n).toString() },
      ]);
  }
}

function decodeJson(
  value: Buffer | string | null,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (value === null) return { ok: false, reason: 'message has no value (tombstone)' };
  const text = value.toString();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, reason: `value is not valid JSON: ${(error as Error).message}` };
  }
}

function encodeValue(value: Buffer | string | null): { value: string | null; encoding: 'utf8' | 'base64' } {
  if (value === null) return { value: null, encoding: 'utf8' };
  const buffer = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  const text = buffer.toString('utf8');
  return Buffer.from(text, 'utf8').equals(buffer)
    ? { value: text, encoding: 'utf8' }
    : { value: buffer.toString('base64'), encoding: 'base64' };
}

function normaliseHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first === null) continue;
    result[name] = Buffer.isBuffer(first)
      ? first.toString('utf8')
      : typeof first === 'string'
        ? first
        : JSON.stringify(first);
  }
  return result;
}

/** A UUID derived from a name (v5-like, SHA-1), so that a redelivered record maps to the same id. */
function stableUuid(name: string): string {
  const hex = createHash('sha1').update(`ballast:${name}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const __test = { decodeJson, encodeValue, normaliseHeaders, stableUuid };
