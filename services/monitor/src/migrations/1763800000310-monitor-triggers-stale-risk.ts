import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Trigger and risk episodes, stale symbols, daily closes (regime) and daily portfolio values (risk). */
export class MonitorTriggersStaleRisk1763800000310 implements MigrationInterface {
  name = 'MonitorTriggersStaleRisk1763800000310';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE monitored_portfolio
        ADD COLUMN active_triggers text[] NOT NULL DEFAULT '{}',
        ADD COLUMN breached_limits text[] NOT NULL DEFAULT '{}',
        ADD COLUMN blocked_reason text`);
    // Portfolios out of band before this migration keep their episode: no second drift.detected.
    await queryRunner.query(`
      UPDATE monitored_portfolio
         SET active_triggers = ARRAY(SELECT 'absolute-band:' || s FROM unnest(out_of_band) AS s)`);
    await queryRunner.query(`
      CREATE TABLE stale_symbol (
        symbol text PRIMARY KEY,
        last_price_at timestamptz,
        max_age_seconds integer NOT NULL,
        detected_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE daily_close (
        symbol text NOT NULL,
        day date NOT NULL,
        close numeric NOT NULL CHECK (close > 0),
        as_of_millis bigint NOT NULL,
        PRIMARY KEY (symbol, day)
      )`);
    await queryRunner.query(`
      CREATE TABLE portfolio_value (
        portfolio_id uuid NOT NULL REFERENCES monitored_portfolio (portfolio_id) ON DELETE CASCADE,
        day date NOT NULL,
        value numeric NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (portfolio_id, day)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE portfolio_value`);
    await queryRunner.query(`DROP TABLE daily_close`);
    await queryRunner.query(`DROP TABLE stale_symbol`);
    await queryRunner.query(`
      ALTER TABLE monitored_portfolio
        DROP COLUMN blocked_reason,
        DROP COLUMN breached_limits,
        DROP COLUMN active_triggers`);
  }
}
