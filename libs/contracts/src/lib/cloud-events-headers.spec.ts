import { CLOUD_EVENT_HEADERS, fromCloudEventHeaders, toCloudEventHeaders } from './cloud-events-headers';
import { type EnvelopeMetadata, envelopeMetadataSchema } from './envelope';
import { MESSAGE_ID, RUN_ID } from './testing/examples';

const metadata: EnvelopeMetadata = {
  id: MESSAGE_ID,
  type: 'drift.detected',
  schemaVersion: 1,
  occurredAt: '2024-03-15T14:30:00.100Z',
  producedBy: 'monitor',
  correlationId: RUN_ID,
  causationId: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
};

/** Stands in for Node's Buffer without depending on Node types in this library. */
function bytes(text: string): { toString(): string } {
  return Buffer.from(text, 'utf8');
}

describe('toCloudEventHeaders', () => {
  it('maps the envelope to CloudEvents Kafka binary-mode headers', () => {
    expect(toCloudEventHeaders(metadata)).toEqual({
      ce_id: MESSAGE_ID,
      ce_type: 'drift.detected',
      ce_source: 'monitor',
      ce_specversion: '1.0',
      ce_time: '2024-03-15T14:30:00.100Z',
      ce_schemaversion: '1',
      ce_correlationid: RUN_ID,
      ce_causationid: '0b6f1a9e-5c1d-4f3e-9a2b-7c8d9e0f1a2b',
      'content-type': 'application/json',
    });
  });

  it('omits ce_causationid when nothing caused the message', () => {
    expect(toCloudEventHeaders({ ...metadata, causationId: null })).not.toHaveProperty(
      CLOUD_EVENT_HEADERS.causationId,
    );
  });
});

describe('fromCloudEventHeaders', () => {
  it.each([
    ['with a causation', metadata],
    ['without a causation', { ...metadata, causationId: null }],
  ])('round-trips the metadata %s', (_label, original) => {
    expect(fromCloudEventHeaders(toCloudEventHeaders(original))).toEqual(original);
  });

  it('decodes Buffer values as UTF-8, as Kafka clients deliver them', () => {
    const asBuffers = Object.fromEntries(
      Object.entries(toCloudEventHeaders(metadata)).map(([name, value]) => [name, bytes(value)]),
    );
    expect(fromCloudEventHeaders(asBuffers)).toEqual(metadata);
  });

  it('reads the last value of a repeated header', () => {
    const headers = { ...toCloudEventHeaders(metadata), ce_source: [bytes('old'), 'market-data'] };
    expect(fromCloudEventHeaders(headers).producedBy).toBe('market-data');
  });

  it('returns nothing for a message without CloudEvents headers, inventing no causation', () => {
    expect(fromCloudEventHeaders({ 'content-type': 'application/json', other: undefined })).toEqual({});
  });

  it('decodes a non-numeric schema version to NaN, which validation then rejects', () => {
    const decoded = fromCloudEventHeaders({ ce_schemaversion: 'v1' });
    expect(decoded.schemaVersion).toBeNaN();
    expect(envelopeMetadataSchema.partial().safeParse(decoded).success).toBe(false);
  });
});
