import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { type NotificationConfig } from '../config/notification.config';
import { isRetryableStatus } from '../delivery/retry-policy';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  webhookSignature,
} from '../delivery/webhook-signature';
import { type NotificationChannel, type OutgoingNotification, type SendResult } from './channel';

/** The JSON a webhook receives; the same bytes are signed. */
export function webhookBody(notification: OutgoingNotification): string {
  return JSON.stringify({
    deliveryId: notification.deliveryId,
    notificationId: notification.notificationId,
    kind: notification.kind,
    householdId: notification.householdId,
    portfolioId: notification.portfolioId,
    title: notification.title,
    text: notification.text,
    facts: notification.facts,
    source: {
      topic: notification.sourceTopic,
      messageId: notification.sourceMessageId,
      correlationId: notification.correlationId,
    },
    occurredAt: notification.occurredAt,
  });
}

/**
 * Signed webhooks: POST of the JSON body with `X-Ballast-Timestamp` (Unix seconds) and
 * `X-Ballast-Signature` (hex HMAC-SHA256 of `<timestamp>.<body>`), plus `X-Ballast-Delivery`, the
 * same on every attempt, for receivers to drop a repeat. Redirects are not followed: a signed
 * request goes only where the subscription says.
 */
@Injectable()
export class WebhookChannel implements NotificationChannel {
  constructor(@Inject(APP_CONFIG) private readonly config: NotificationConfig) {}

  async send(notification: OutgoingNotification, secret: string | null): Promise<SendResult> {
    if (secret === null) {
      return { ok: false, retryable: false, error: 'the webhook was removed or changed in the preferences' };
    }
    const body = webhookBody(notification);
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(notification.recipient, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.DELIVERY_TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ballast-notification',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
          [DELIVERY_HEADER]: notification.deliveryId,
          'x-ballast-attempt': String(notification.attempt),
        },
      });
      // Drain the body so the connection can be reused; its content does not matter.
      await response.arrayBuffer();
      if (response.status >= 200 && response.status < 300) return { ok: true };
      return {
        ok: false,
        retryable: isRetryableStatus(response.status),
        error: `HTTP ${response.status} from ${notification.recipient}`,
      };
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      return {
        ok: false,
        retryable: true,
        error: `POST ${notification.recipient} failed: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`,
      };
    }
  }
}
