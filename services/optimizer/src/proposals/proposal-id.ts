import { createHash } from 'node:crypto';

/** Namespace of Ballast's proposal ids (a random v4, fixed once): the v5 ids of other names never collide with them. */
export const PROPOSAL_ID_NAMESPACE = '9b0e6f3c-2d41-4a8e-b7c5-3e1f0a9d6c28';

/**
 * The proposal id of a run: a name-based UUID (version 5, RFC 9562 section 5.5: SHA-1 of the
 * namespace's 16 bytes followed by the name) of the message that started the run, so that a
 * redelivered or replayed cause produces the same proposal id, and the same client order ids downstream.
 */
export function proposalIdFor(causeMessageId: string): string {
  const namespace = Buffer.from(PROPOSAL_ID_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(causeMessageId, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
