import { createHmac } from 'node:crypto';
import { verifyWebhookSignature, webhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec-test-0123456789';
  const body = '{"kind":"drift","title":"Drift in Retirement"}';

  it('is the hex HMAC-SHA256 of "<timestamp>.<body>", as the README tells receivers to compute it', () => {
    const expected = createHmac('sha256', secret).update(`1710513000.${body}`).digest('hex');
    expect(webhookSignature(secret, 1_710_513_000, body)).toBe(expected);
    // RFC 4231 test case 2 pins the primitive itself: HMAC-SHA256("Jefe", "what do ya want for nothing?").
    expect(createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('verifies the exact bytes, timestamp and secret, and nothing else', () => {
    const signature = webhookSignature(secret, 1_710_513_000, body);
    expect(verifyWebhookSignature(secret, 1_710_513_000, body, signature)).toBe(true);
    expect(verifyWebhookSignature(secret, 1_710_513_001, body, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, 1_710_513_000, `${body} `, signature)).toBe(false);
    expect(verifyWebhookSignature('another-secret-0123', 1_710_513_000, body, signature)).toBe(false);
    expect(verifyWebhookSignature(secret, 1_710_513_000, body, 'abcd')).toBe(false);
  });
});
