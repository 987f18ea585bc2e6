import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row per message a consumer group has handled, written in the same transaction as the
 * handler's effects: a redelivered message finds its row and has no second effect.
 */
@Entity({ name: 'inbox_message' })
export class InboxMessage {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'integer' })
  partition!: number;

  @Column({ name: 'message_offset', type: 'bigint' })
  offset!: string;

  @CreateDateColumn({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}

/**
 * Events waiting to be relayed to Kafka, written in the same transaction as the state change
 * that caused them (transactional outbox). The relay publishes in id order and stamps published_at.
 */
@Entity({ name: 'outbox_message' })
@Index('outbox_message_unpublished', ['id'], { where: 'published_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'message_id', type: 'uuid', unique: true })
  messageId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'message_key', type: 'text' })
  key!: string;

  /** The whole envelope, as it goes on the wire. */
  @Column({ type: 'jsonb' })
  envelope!: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

export const MESSAGING_ENTITIES = [InboxMessage, OutboxMessage];
