import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DeadLetter, deadLetterTopicFor } from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { consumerGroupId, EventPublisher, physicalTopic } from '@ballast/platform-kafka';
import { type Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { type OutgoingNotification, type SendResult } from '../channels/channel';
import { SmtpEmailChannel } from '../channels/smtp-email.channel';
import { WebhookChannel } from '../channels/webhook.channel';
import { NOTIFICATION_GROUP, type NotificationConfig } from '../config/notification.config';
import { NotificationSignals } from '../notifications/notification-signals';
import { deliveryAttempts } from './delivery.metrics';
import { backoffDelayMs } from './retry-policy';

const BATCH_SIZE = 20;

interface ClaimedRow {
  id: string;
  notification_id: string;
  channel: 'email' | 'webhook';
  recipient: string;
  attempts: number;
  kind: string;
  household_id: string;
  portfolio_id: string | null;
  title: string;
  body: string;
  facts: unknown;
  source_topic: string;
  source_message_id: string;
  correlation_id: string;
  occurred_at: Date;
  webhook_url: string | null;
  webhook_secret: string | null;
}

interface DeadRow {
  id: string;
  channel: 'email' | 'webhook';
  recipient: string;
  attempts: number;
  last_error: string | null;
  dead_at: Date;
  source_topic: string;
  source_message_id: string;
  partition: number | null;
  message_offset: string | null;
  /** The notification's content (json_build_object): what could not be delivered. */
  notification: Record<string, unknown>;
}

/**
 * Works the notification_delivery table like an outbox. A due row is claimed (attempts + 1, and
 * next_attempt_at pushed past a lease, in its own short transaction, `FOR UPDATE SKIP LOCKED` so
 * replicas never take the same row), then sent, then stamped `sent`, rescheduled with backoff, or
 * `dead`. A crash after the send and before the stamp leaves the row claimed: it is sent once more
 * when the lease runs out, so a delivery goes out at most twice, and only after such a crash.
 * Dead rows are then published to the consumer group's dead-letter topic (`notification.dlq`).
 */
@Injectable()
export class DeliverySender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliverySender.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private subscription: Subscription | undefined;
  private readonly leaseMs: number;
  private readonly deadLetterTopic: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: NotificationConfig,
    private readonly email: SmtpEmailChannel,
    private readonly webhook: WebhookChannel,
    private readonly publisher: EventPublisher,
    private readonly signals: NotificationSignals,
  ) {
    // Long enough for the slowest attempt (connect, greeting and reply, each bounded by the timeout)
    // to finish before anyone else may take the row again.
    this.leaseMs = 3 * config.DELIVERY_TIMEOUT_MS + 1_000;
    this.deadLetterTopic = deadLetterTopicFor(consumerGroupId(config, NOTIFICATION_GROUP));
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.subscription = this.signals.signals$.subscribe((signal) => {
      if (signal.deliveries > 0) this.wake();
    });
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.subscription?.unsubscribe();
    this.wake();
    await this.loop;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Claims and sends one batch of due deliveries; returns how many it attempted. */
  async sendDue(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((row) => this.attempt(row)));
    return claimed.length;
  }

  /** Publishes dead deliveries to the dead-letter topic; returns how many. */
  async publishDeadLetters(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<DeadRow[]>(
        `SELECT d.id, d.channel, d.recipient, d.attempts, d.last_error, d.dead_at, n.source_topic, d.source_message_id,
                i.partition, i.message_offset,
                json_build_object('notificationId', n.id::text, 'kind', n.kind, 'householdId', n.household_id,
                  'portfolioId', n.portfolio_id, 'title', n.title, 'text', n.body, 'facts', n.facts,
                  'sourceTopic', n.source_topic, 'sourceMessageId', n.source_message_id) AS notification
         FROM notification_delivery d
         JOIN notification n ON n.id = d.notification_id
         LEFT JOIN inbox_message i ON i.consumer_group = $1 AND i.message_id = d.source_message_id::text
         WHERE d.status = 'dead' AND d.dead_letter_published_at IS NULL
         ORDER BY d.id LIMIT ${BATCH_SIZE}
         FOR UPDATE OF d SKIP LOCKED`,
        [consumerGroupId(this.config, NOTIFICATION_GROUP)],
      );
      if (rows.length === 0) return 0;
      await this.publisher.send(
        rows.map((row) => {
          const deadLetter: DeadLetter = {
            sourceTopic: physicalTopic(this.config, row.source_topic),
            sourcePartition: row.partition ?? 0,
            sourceOffset: row.message_offset ?? '0',
            key: row.source_message_id,
            // What could not be delivered (the source event itself was handled: its inbox row exists).
            value: JSON.stringify({
              deliveryId: row.id,
              channel: row.channel,
              recipient: row.recipient,
              ...row.notification,
            }),
            encoding: 'utf8',
            headers: { 'x-ballast-delivery': row.id, 'x-ballast-channel': row.channel },
            reason: {
              kind: 'retries-exhausted',
              message: `${row.channel} delivery ${row.id} to ${row.recipient} given up after ${row.attempts} attempt(s): ${row.last_error ?? 'unknown error'}`,
            },
            consumerGroup: consumerGroupId(this.config, NOTIFICATION_GROUP),
            failedAt: row.dead_at.toISOString(),
            attempts: row.attempts,
          };
          return {
            topic: this.deadLetterTopic,
            key: row.source_message_id,
            value: JSON.stringify(deadLetter),
            headers: { 'content-type': 'application/json', 'x-dlq-reason': 'delivery-failed' },
          };
        }),
      );
      await manager.query(
        `UPDATE notification_delivery SET dead_letter_published_at = now() WHERE id = ANY($1::bigint[])`,
        [rows.map((row) => row.id)],
      );
      return rows.length;
    });
  }

  private async claim(): Promise<ClaimedRow[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<ClaimedRow[]>(
        `SELECT d.id, d.notification_id, d.channel, d.recipient, d.attempts, n.kind, n.household_id, n.portfolio_id,
                n.title, n.body, n.facts, n.source_topic, n.source_message_id, n.correlation_id, n.occurred_at,
                p.webhook_url, p.webhook_secret
         FROM notification_delivery d
         JOIN notification n ON n.id = d.notification_id
         LEFT JOIN household_preferences p ON p.household_id = n.household_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
         ORDER BY d.next_attempt_at LIMIT ${BATCH_SIZE}
         FOR UPDATE OF d SKIP LOCKED`,
      );
      if (rows.length === 0) return [];
      await manager.query(
        `UPDATE notification_delivery SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
         WHERE id = ANY($1::bigint[])`,
        [rows.map((row) => row.id), this.leaseMs],
      );
      return rows.map((row) => ({ ...row, attempts: row.attempts + 1 }));
    });
  }

  private async attempt(row: ClaimedRow): Promise<void> {
    const notification: OutgoingNotification = {
      deliveryId: row.id,
      notificationId: row.notification_id,
      attempt: row.attempts,
      recipient: row.recipient,
      kind: row.kind,
      householdId: row.household_id,
      portfolioId: row.portfolio_id,
      title: row.title,
      text: row.body,
      facts: row.facts,
      sourceTopic: row.source_topic,
      sourceMessageId: row.source_message_id,
      correlationId: row.correlation_id,
      occurredAt: row.occurred_at.toISOString(),
    };
    let result: SendResult;
    try {
      result =
        row.channel === 'email'
          ? await this.email.send(notification)
          : // The secret of the subscription the row was created for; none if the URL changed since.
            await this.webhook.send(
              notification,
              row.webhook_url === row.recipient ? row.webhook_secret : null,
            );
    } catch (error) {
      result = { ok: false, retryable: true, error: (error as Error).message };
    }
    await this.record(row, result);
  }

  private async record(row: ClaimedRow, result: SendResult): Promise<void> {
    if (result.ok) {
      await this.dataSource.query(
        `UPDATE notification_delivery SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1`,
        [row.id],
      );
      deliveryAttempts.inc({ channel: row.channel, outcome: 'sent' });
      this.logger.log(
        `${row.channel} delivery ${row.id} (${row.kind}) sent to ${row.recipient} on attempt ${row.attempts}`,
      );
      return;
    }
    if (result.retryable && row.attempts < this.config.DELIVERY_MAX_ATTEMPTS) {
      const delayMs = backoffDelayMs(row.attempts, {
        baseMs: this.config.DELIVERY_BACKOFF_BASE_MS,
        maxMs: this.config.DELIVERY_BACKOFF_MAX_MS,
      });
      await this.dataSource.query(
        `UPDATE notification_delivery SET next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3
         WHERE id = $1`,
        [row.id, delayMs, result.error],
      );
      deliveryAttempts.inc({ channel: row.channel, outcome: 'retry' });
      this.logger.warn(
        `${row.channel} delivery ${row.id} attempt ${row.attempts} failed, retrying in ${delayMs} ms: ${result.error}`,
      );
      return;
    }
    await this.dataSource.query(
      `UPDATE notification_delivery SET status = 'dead', dead_at = now(), last_error = $2 WHERE id = $1`,
      [row.id, result.error],
    );
    deliveryAttempts.inc({ channel: row.channel, outcome: 'dead' });
    this.logger.error(
      `${row.channel} delivery ${row.id} to ${row.recipient} dead-lettered after ${row.attempts} attempt(s): ${result.error}`,
    );
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      // The two steps fail independently: a broker outage that stops the dead letters must not
      // stop emails and webhooks, nor the other way round.
      const sent = await this.step('sending', () => this.sendDue());
      const published = await this.step('publishing dead letters', () => this.publishDeadLetters());
      failures = sent === undefined || published === undefined ? failures + 1 : 0;
      if (failures === 0 && (sent ?? 0) + (published ?? 0) > 0) continue;
      const waitMs =
        failures > 0
          ? Math.min(this.config.DELIVERY_POLL_MS * 2 ** failures, 30_000)
          : this.config.DELIVERY_POLL_MS;
      await this.idle(waitMs);
    }
  }

  private async step(name: string, work: () => Promise<number>): Promise<number | undefined> {
    try {
      return await work();
    } catch (error) {
      this.logger.error(`delivery loop: ${name} failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  private async idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
    this.wakeUp = undefined;
    this.woken = false;
  }
}
