/** What one delivery carries, whatever the channel. */
export interface OutgoingNotification {
  deliveryId: string;
  notificationId: string;
  attempt: number;
  recipient: string;
  kind: string;
  householdId: string;
  portfolioId: string | null;
  title: string;
  text: string;
  facts: unknown;
  sourceTopic: string;
  sourceMessageId: string;
  correlationId: string;
  occurredAt: string;
}

/** The outcome of one attempt: sent, or failed and whether trying again could help. */
export type SendResult = { ok: true } | { ok: false; retryable: boolean; error: string };

/** A channel adapter (one folder per vendor would sit behind this, as market-data's providers do). */
export interface NotificationChannel {
  send(notification: OutgoingNotification, secret: string | null): Promise<SendResult>;
}
