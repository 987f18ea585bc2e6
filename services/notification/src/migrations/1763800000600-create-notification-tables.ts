import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateNotificationTables1763800000600 implements MigrationInterface {
  name = 'CreateNotificationTables1763800000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Each portfolio's household, name and symbols, from portfolio.state: who to tell about what.
    await queryRunner.query(`
      CREATE TABLE portfolio_directory (
        portfolio_id uuid PRIMARY KEY,
        household_id text NOT NULL,
        name text NOT NULL,
        version integer NOT NULL,
        symbols text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX portfolio_directory_symbols ON portfolio_directory USING gin (symbols)`,
    );
    // Events about a portfolio whose portfolio.state has not arrived yet: handled when it does.
    await queryRunner.query(`
      CREATE TABLE parked_event (
        message_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        topic text NOT NULL,
        envelope jsonb NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX parked_event_by_portfolio ON parked_event (portfolio_id)`);
    await queryRunner.query(`
      CREATE TABLE household_preferences (
        household_id text PRIMARY KEY,
        routes jsonb NOT NULL DEFAULT '{}',
        email_recipients text[] NOT NULL DEFAULT '{}',
        webhook_url text,
        webhook_secret text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
      )`);
    // The in-app feed; one row per (event, household).
    await queryRunner.query(`
      CREATE TABLE notification (
        id bigserial PRIMARY KEY,
        household_id text NOT NULL,
        portfolio_id uuid,
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        facts jsonb NOT NULL,
        in_app boolean NOT NULL,
        source_topic text NOT NULL,
        source_message_id uuid NOT NULL,
        correlation_id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_message_id, household_id)
      )`);
    await queryRunner.query(`CREATE INDEX notification_feed ON notification (household_id, id) WHERE in_app`);
    // Outbound deliveries, an outbox worked by the sender; one row per (event, channel, recipient).
    await queryRunner.query(`
      CREATE TABLE notification_delivery (
        id bigserial PRIMARY KEY,
        notification_id bigint NOT NULL REFERENCES notification (id) ON DELETE CASCADE,
        source_message_id uuid NOT NULL,
        channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
        recipient text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        dead_at timestamptz,
        dead_letter_published_at timestamptz,
        UNIQUE (source_message_id, channel, recipient)
      )`);
    await queryRunner.query(
      `CREATE INDEX notification_delivery_due ON notification_delivery (next_attempt_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX notification_delivery_dead_unpublished ON notification_delivery (id)
       WHERE status = 'dead' AND dead_letter_published_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE notification_delivery`);
    await queryRunner.query(`DROP TABLE notification`);
    await queryRunner.query(`DROP TABLE household_preferences`);
    await queryRunner.query(`DROP TABLE parked_event`);
    await queryRunner.query(`DROP TABLE portfolio_directory`);
  }
}
