import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook (see README, Verifying a webhook). */
export const SIGNATURE_HEADER = 'x-ballast-signature';
export const TIMESTAMP_HEADER = 'x-ballast-timestamp';
export const DELIVERY_HEADER = 'x-ballast-delivery';

/**
 * HMAC-SHA256, hex, of `<timestamp>.<body>` under the subscription's secret. The timestamp (Unix
 * seconds) is inside the signed content, so a captured request cannot be replayed later with a new
 * timestamp; receivers reject timestamps too far from their clock. The same scheme as Stripe's
 * `t=...,v1=...` signatures (stripe-node, src/Webhooks.ts), with the parts in two headers.
 */
export function webhookSignature(secret: string, timestampSeconds: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
}

/** The receiver's check, in constant time; used by the tests and shown in the README. */
export function verifyWebhookSignature(
  secret: string,
  timestampSeconds: number,
  body: string | Buffer,
  signatureHex: string,
): boolean {
  const expected = Buffer.from(webhookSignature(secret, timestampSeconds, body), 'hex');
  const given = Buffer.from(signatureHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
