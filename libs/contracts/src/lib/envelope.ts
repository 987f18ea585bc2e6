import { z } from 'zod';
import { isoDateTimeString, uuidString } from './primitives';

/**
 * What every message carries besides its payload (DESIGN.md, Topics). Unknown fields are stripped,
 * not rejected, so that adding an optional field stays a non-breaking change for older readers.
 */
export const envelopeMetadataSchema = z.object({
  /** Unique per message; consumers deduplicate on it (Kafka delivers at least once). */
  id: uuidString,
  /** The event type, which is the topic name (`price.tick`); checked against the topic on parse. */
  type: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]{1,249}$/,
      'must be a topic name such as "price.tick" (Kafka topic characters only)',
    ),
  /** Version of the payload schema; a breaking change is a new topic, so this only grows additively. */
  schemaVersion: z.int('must be a positive integer').positive('must be a positive integer'),
  /** When the fact happened at the producer, not when Kafka stored it. */
  occurredAt: isoDateTimeString,
  /** The producing service's name (`market-data`); becomes CloudEvents `source`. */
  producedBy: z.string().min(1, 'must not be empty').max(200),
  /** One per rebalancing run, copied from cause to effect; a raw feed message may use its own id. */
  correlationId: uuidString,
  /** The id of the message this one was produced in response to; null for messages nothing caused. */
  causationId: uuidString.nullable(),
});

export type EnvelopeMetadata = z.infer<typeof envelopeMetadataSchema>;

/** A message as it travels in a Kafka record's value: metadata plus a typed payload. */
export type MessageEnvelope<T> = EnvelopeMetadata & { payload: T };

/** The envelope schema around a topic's payload schema. */
export function envelopeSchema<Payload extends z.ZodType>(payloadSchema: Payload) {
  return envelopeMetadataSchema.extend({ payload: payloadSchema });
}

export interface CreateEnvelopeInput<T> {
  type: string;
  schemaVersion: number;
  producedBy: string;
  payload: T;
  /** Defaults to the new message's own id: the message starts a new run. */
  correlationId?: string;
  /** Defaults to null: nothing caused this message. */
  causationId?: string | null;
  /** Defaults to a random UUID; pass one to make a retried publish idempotent. */
  id?: string;
  /** Defaults to now. */
  occurredAt?: string;
}

/**
 * Wraps a payload in an envelope, filling id, time and lineage defaults. It does not validate:
 * the publisher validates the finished envelope against the topic's schema in one place.
 */
export function createEnvelope<T>(input: CreateEnvelopeInput<T>): MessageEnvelope<T> {
  const id = input.id ?? globalThis.crypto.randomUUID();
  return {
    id,
    type: input.type,
    schemaVersion: input.schemaVersion,
    occurredAt: input.occurredAt ?? new Date().toISOString(),
    producedBy: input.producedBy,
    correlationId: input.correlationId ?? id,
    causationId: input.causationId ?? null,
    payload: input.payload,
  };
}

/**
 * The lineage of a message produced in response to `cause`: same run, caused by it. Spread into
 * {@link createEnvelope}'s input: `createEnvelope({ ...causedBy(tick), type, ... })`.
 */
export function causedBy(cause: Pick<EnvelopeMetadata, 'id' | 'correlationId'>): {
  correlationId: string;
  causationId: string;
} {
  return { correlationId: cause.correlationId, causationId: cause.id };
}
