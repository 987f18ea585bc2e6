import { z } from 'zod';
import { causedBy, createEnvelope, envelopeMetadataSchema, envelopeSchema } from './envelope';
import { MESSAGE_ID, RUN_ID } from './testing/examples';
import { issuesOf } from './testing/issues';

const payloadSchema = z.object({ symbol: z.string() });
const schema = envelopeSchema(payloadSchema);

function anEnvelope() {
  return {
    id: MESSAGE_ID,
    type: 'price.tick',
    schemaVersion: 1,
    occurredAt: '2024-03-15T14:30:00.100Z',
    producedBy: 'market-data',
    correlationId: RUN_ID,
    causationId: null,
    payload: { symbol: 'VTI' },
  };
}

describe('envelopeSchema', () => {
  it('accepts a complete envelope and types its payload', () => {
    const parsed = schema.parse(anEnvelope());
    expect(parsed.payload.symbol).toBe('VTI');
  });

  it('rejects a bad id, correlation id or causation id', () => {
    const envelope = { ...anEnvelope(), id: 'abc', correlationId: '', causationId: 'zzz' };
    const uuidMessage = 'must be a UUID such as "0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b"';
    expect(issuesOf(schema, envelope)).toEqual([
      `id: ${uuidMessage}`,
      `correlationId: ${uuidMessage}`,
      `causationId: ${uuidMessage}`,
    ]);
  });

  it('rejects a zone-less occurredAt, a zero schemaVersion and a bad payload', () => {
    const envelope = { ...anEnvelope(), occurredAt: '2024-03-15T14:30:00', schemaVersion: 0, payload: {} };
    expect(issuesOf(schema, envelope)).toEqual([
      'schemaVersion: must be a positive integer',
      'occurredAt: must be an ISO-8601 date-time with a time zone, such as "2024-03-15T14:30:00Z"',
      'payload.symbol: Invalid input: expected string, received undefined',
    ]);
  });

  it('strips unknown envelope fields so that adding one is not a breaking change', () => {
    const parsed = schema.parse({ ...anEnvelope(), traceparent: '00-abc' });
    expect(parsed).not.toHaveProperty('traceparent');
  });

  it('envelopeMetadataSchema is the envelope without its payload', () => {
    const { payload: _payload, ...metadata } = anEnvelope();
    expect(envelopeMetadataSchema.parse(anEnvelope())).toEqual(metadata);
  });
});

describe('createEnvelope', () => {
  it('fills id, time and lineage so that the message starts a new run', () => {
    const before = Date.now();
    const envelope = createEnvelope({
      type: 'price.tick',
      schemaVersion: 1,
      producedBy: 'market-data',
      payload: { symbol: 'VTI' },
    });
    expect(issuesOf(schema, envelope)).toEqual([]);
    expect(envelope.correlationId).toBe(envelope.id);
    expect(envelope.causationId).toBeNull();
    expect(Date.parse(envelope.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(envelope.payload).toEqual({ symbol: 'VTI' });
  });

  it('gives every message its own id', () => {
    const make = () => createEnvelope({ type: 't', schemaVersion: 1, producedBy: 's', payload: null });
    expect(make().id).not.toBe(make().id);
  });

  it('keeps explicit values, including a causation from causedBy', () => {
    const cause = { ...anEnvelope() };
    const envelope = createEnvelope({
      ...causedBy(cause),
      type: 'drift.detected',
      schemaVersion: 1,
      producedBy: 'monitor',
      payload: { symbol: 'VTI' },
      id: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
      occurredAt: '2024-03-15T14:30:01Z',
    });
    expect(envelope).toEqual({
      id: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
      type: 'drift.detected',
      schemaVersion: 1,
      occurredAt: '2024-03-15T14:30:01Z',
      producedBy: 'monitor',
      correlationId: RUN_ID,
      causationId: MESSAGE_ID,
      payload: { symbol: 'VTI' },
    });
  });
});
