import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Inbox and outbox tables of the platform's messaging guarantees. Every service that consumes or
 * produces through @ballast/platform-kafka lists this migration first in its own migrations.
 */
export class CreateMessagingTables1763800000000 implements MigrationInterface {
  name = 'CreateMessagingTables1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE inbox_message (
        consumer_group text NOT NULL,
        message_id text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        message_offset bigint NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, message_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE outbox_message (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        topic text NOT NULL,
        message_key text NOT NULL,
        envelope jsonb NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_message_unpublished ON outbox_message (id) WHERE published_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox_message`);
    await queryRunner.query(`DROP TABLE inbox_message`);
  }
}
