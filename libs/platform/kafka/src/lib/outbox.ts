import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource, type EntityManager } from 'typeorm';
import { EventPublisher, type PublishContext, toRecord } from './event-publisher';
import { type KafkaEnvConfig } from './kafka-config';
import { OutboxMessage } from './messaging.entities';
import { outboxBacklog } from './messaging.metrics';
import { type MessageEnvelope } from '@ballast/contracts';

const BATCH_SIZE = 100;
const IDLE_POLL_MS = 250;
const MAX_BACKOFF_MS = 5_000;
/** How often the relay deletes what the retention settings no longer keep. */
const CLEANUP_INTERVAL_MS = 10 * 60_000;

/**
 * Transactional outbox: `enqueue` writes the event in the caller's transaction, so the state change
 * and the event commit (or roll back) together; the relay below then publishes it.
 */
@Injectable()
export class Outbox {
  constructor(private readonly publisher: EventPublisher) {}

  async enqueue<T>(
    manager: EntityManager,
    topic: string,
    key: string,
    payload: T,
    context: PublishContext = {},
  ): Promise<MessageEnvelope<T>> {
    const envelope = this.publisher.envelope(topic, payload, context);
    const record = toRecord(topic, key, envelope);
    await manager.query(
      `INSERT INTO outbox_message (message_id, topic, message_key, envelope, headers) VALUES ($1, $2, $3, $4, $5)`,
      [envelope.id, topic, key, record.value, JSON.stringify(record.headers)],
    );
    return envelope;
  }
}

/**
 * Publishes outbox rows in id order and stamps them published. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several replicas can relay without sending a row twice; a crash
 * between the broker's acknowledgement and the stamp re-sends the row once more (at-least-once),
 * which consumers absorb through their inbox. Wakes at once after a local commit (`wake`), and
 * polls otherwise.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private failures = 0;
  /** Set by `wake` while a batch is in flight, so that the wake-up is not lost. */
  private woken = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly publisher: EventPublisher,
    @Inject(APP_CONFIG) private readonly config: KafkaEnvConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Call after committing a transaction that enqueued events, to publish them without waiting for the poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Deletes published outbox rows older than OUTBOX_RETENTION_HOURS and inbox rows older than
   * INBOX_RETENTION_HOURS, so that neither table grows without bound. Returns the rows deleted.
   */
  async deleteExpired(now: Date = new Date()): Promise<{ outbox: number; inbox: number }> {
    const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
    const outbox = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM outbox_message WHERE published_at IS NOT NULL AND published_at < $1`,
      [hoursAgo(this.config.OUTBOX_RETENTION_HOURS)],
    );
    const inbox = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM inbox_message WHERE processed_at < $1`,
      [hoursAgo(this.config.INBOX_RETENTION_HOURS)],
    );
    return { outbox: outbox[1], inbox: inbox[1] };
  }

  /** Publishes one batch; returns how many rows it published. Exposed for tests and shutdown drains. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .createQueryBuilder(OutboxMessage, 'outbox')
        .where('outbox.published_at IS NULL')
        .orderBy('outbox.id', 'ASC')
        .limit(BATCH_SIZE)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      outboxBacklog.set(rows.length);
      if (rows.length === 0) return 0;
      await this.publisher.send(
        rows.map((row) => ({
          topic: row.topic,
          key: row.key,
          value: JSON.stringify(row.envelope),
          headers: row.headers,
        })),
      );
      await manager
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ publishedAt: () => 'now()' })
        .whereInIds(rows.map((row) => row.id))
        .execute();
      return rows.length;
    });
  }

  private async run(): Promise<void> {
    let nextCleanup = Date.now() + CLEANUP_INTERVAL_MS;
    while (this.running) {
      if (Date.now() >= nextCleanup) {
        nextCleanup = Date.now() + CLEANUP_INTERVAL_MS;
        try {
          const deleted = await this.deleteExpired();
          if (deleted.outbox + deleted.inbox > 0) {
            this.logger.log(`retention: deleted ${deleted.outbox} outbox and ${deleted.inbox} inbox row(s)`);
          }
        } catch (error) {
          this.logger.error(`retention cleanup failed: ${(error as Error).message}`);
        }
      }
      let published = 0;
      try {
        published = await this.relayBatch();
        this.failures = 0;
      } catch (error) {
        this.failures += 1;
        this.logger.error(`outbox relay failed (attempt ${this.failures}): ${(error as Error).message}`);
      }
      if (published === BATCH_SIZE || (this.woken && this.failures === 0)) {
        this.woken = false;
        continue;
      }
      const delay =
        this.failures > 0 ? Math.min(IDLE_POLL_MS * 2 ** this.failures, MAX_BACKOFF_MS) : IDLE_POLL_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
