import { type EnvelopeMetadata } from './envelope';

/** The CloudEvents version whose Kafka protocol binding the headers follow. */
export const CLOUD_EVENTS_SPEC_VERSION = '1.0';

/**
 * Header names, after the CloudEvents Kafka protocol binding in binary content mode (attributes
 * prefixed `ce_`, data content type in `content-type`; cloudevents/sdk-javascript,
 * src/message/kafka/headers.ts). Ballast's own fields are extension attributes, whose names the
 * spec restricts to lower-case letters and digits, hence `ce_correlationid`.
 */
export const CLOUD_EVENT_HEADERS = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  specVersion: 'ce_specversion',
  time: 'ce_time',
  schemaVersion: 'ce_schemaversion',
  correlationId: 'ce_correlationid',
  causationId: 'ce_causationid',
  contentType: 'content-type',
} as const;

/** The content type of every Ballast message value. */
export const MESSAGE_CONTENT_TYPE = 'application/json';

/**
 * Mirrors the envelope in headers so that brokers' tools, tracing and routing can read a message's
 * identity and lineage without parsing its value. The value's envelope stays the source of truth.
 */
export function toCloudEventHeaders(metadata: EnvelopeMetadata): Record<string, string> {
  const headers: Record<string, string> = {
    [CLOUD_EVENT_HEADERS.id]: metadata.id,
    [CLOUD_EVENT_HEADERS.type]: metadata.type,
    [CLOUD_EVENT_HEADERS.source]: metadata.producedBy,
    [CLOUD_EVENT_HEADERS.specVersion]: CLOUD_EVENTS_SPEC_VERSION,
    [CLOUD_EVENT_HEADERS.time]: metadata.occurredAt,
    [CLOUD_EVENT_HEADERS.schemaVersion]: String(metadata.schemaVersion),
    [CLOUD_EVENT_HEADERS.correlationId]: metadata.correlationId,
    [CLOUD_EVENT_HEADERS.contentType]: MESSAGE_CONTENT_TYPE,
  };
  // CloudEvents has no null attribute value: an absent extension means "none".
  if (metadata.causationId !== null) {
    headers[CLOUD_EVENT_HEADERS.causationId] = metadata.causationId;
  }
  return headers;
}

/**
 * A header value as Kafka clients deliver it: a string or a `Buffer` (anything whose `toString()`
 * decodes it; `Buffer`'s default is UTF-8), or several values when the header is repeated.
 * Typed structurally so that this library needs no Node types.
 */
export type HeaderValue = string | { toString(): string };

export type KafkaHeaders = Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;

/**
 * Reads the envelope fields back from headers, e.g. to wrap a bare payload from an external feed.
 * Decoded but not validated: check the result with `envelopeMetadataSchema.partial()` before
 * trusting it. A missing header leaves its field out, except that a message with `ce_id` and no
 * `ce_causationid` has `causationId: null`, the inverse of {@link toCloudEventHeaders}.
 * A non-numeric `ce_schemaversion` decodes to `NaN` so that validation reports it.
 */
export function fromCloudEventHeaders(headers: KafkaHeaders): Partial<EnvelopeMetadata> {
  const read = (name: string): string | undefined => headerText(headers[name]);
  const metadata: Partial<EnvelopeMetadata> = {};
  const id = read(CLOUD_EVENT_HEADERS.id);
  const type = read(CLOUD_EVENT_HEADERS.type);
  const source = read(CLOUD_EVENT_HEADERS.source);
  const time = read(CLOUD_EVENT_HEADERS.time);
  const schemaVersion = read(CLOUD_EVENT_HEADERS.schemaVersion);
  const correlationId = read(CLOUD_EVENT_HEADERS.correlationId);
  const causationId = read(CLOUD_EVENT_HEADERS.causationId);
  if (id !== undefined) metadata.id = id;
  if (type !== undefined) metadata.type = type;
  if (source !== undefined) metadata.producedBy = source;
  if (time !== undefined) metadata.occurredAt = time;
  if (schemaVersion !== undefined) {
    metadata.schemaVersion = /^\d+$/.test(schemaVersion) ? Number(schemaVersion) : Number.NaN;
  }
  if (correlationId !== undefined) metadata.correlationId = correlationId;
  if (causationId !== undefined) {
    metadata.causationId = causationId;
  } else if (id !== undefined) {
    metadata.causationId = null;
  }
  return metadata;
}

/**
 * The text of a header. A repeated header yields its last value, as the Java client's
 * `Headers.lastHeader` reads it, so that every Ballast reader resolves duplicates the same way.
 */
function headerText(value: HeaderValue | readonly HeaderValue[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (isHeaderList(value)) {
    const last = value[value.length - 1];
    return last === undefined ? undefined : last.toString();
  }
  return value.toString();
}

function isHeaderList(value: HeaderValue | readonly HeaderValue[]): value is readonly HeaderValue[] {
  return Array.isArray(value);
}
