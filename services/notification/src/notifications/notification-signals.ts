import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { Client } from 'pg';
import { Subject } from 'rxjs';
import { type EntityManager } from 'typeorm';
import { type NotificationConfig } from '../config/notification.config';

/** What is announced when a notification commits. */
export interface NotificationSignal {
  id: string;
  householdId: string;
  inApp: boolean;
  deliveries: number;
}

const RECONNECT_MS = 1_000;

/**
 * Announces new notifications to every replica through PostgreSQL LISTEN/NOTIFY. `announce` runs
 * `pg_notify` inside the handler's transaction, and PostgreSQL delivers it only when (and if) that
 * transaction commits: the SSE streams never show a notification that was rolled back, and the
 * delivery sender wakes as soon as there is work, on whichever replica. The channel is named after
 * the schema, so services sharing a database (tests, stacks) do not hear each other.
 */
@Injectable()
export class NotificationSignals implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationSignals.name);
  private readonly subject = new Subject<NotificationSignal>();
  readonly signals$ = this.subject.asObservable();
  readonly channel: string;
  private client: Client | undefined;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: NotificationConfig) {
    this.channel = `notification_${config.DATABASE_SCHEMA}`.slice(0, 63);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.subject.complete();
    await this.client?.end().catch((error: unknown) => {
      this.logger.warn(`closing the LISTEN connection failed: ${(error as Error).message}`);
    });
  }

  /** Queues the signal in the caller's transaction; it is heard once that transaction commits. */
  async announce(manager: EntityManager, signal: NotificationSignal): Promise<void> {
    await manager.query(`SELECT pg_notify($1, $2)`, [this.channel, JSON.stringify(signal)]);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.DATABASE_URL });
    client.on('notification', (message) => {
      if (message.channel !== this.channel || message.payload === undefined) return;
      try {
        this.subject.next(JSON.parse(message.payload) as NotificationSignal);
      } catch (error) {
        this.logger.error(`unreadable notification signal ${message.payload}: ${(error as Error).message}`);
      }
    });
    // A lost connection loses signals, not notifications: the sender polls and the feed is in the
    // table. Reconnect so that live streams resume.
    client.on('error', (error) => {
      this.logger.warn(`LISTEN connection failed, reconnecting: ${error.message}`);
      this.scheduleReconnect();
    });
    await client.connect();
    await client.query(`LISTEN "${this.channel}"`);
    this.client = client;
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== undefined) return;
    const old = this.client;
    this.client = undefined;
    void old?.end().catch((error: unknown) => {
      this.logger.debug(`closing the failed LISTEN connection: ${(error as Error).message}`);
    });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.logger.warn(`LISTEN reconnect failed: ${(error as Error).message}`);
        this.scheduleReconnect();
      });
    }, RECONNECT_MS);
  }
}
