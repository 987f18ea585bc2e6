import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateMonitorTables1763800000300 implements MigrationInterface {
  name = 'CreateMonitorTables1763800000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE monitored_portfolio (
        portfolio_id uuid PRIMARY KEY,
        version integer NOT NULL,
        state jsonb NOT NULL,
        out_of_band text[] NOT NULL DEFAULT '{}',
        evaluated_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE portfolio_symbol (
        portfolio_id uuid NOT NULL REFERENCES monitored_portfolio (portfolio_id) ON DELETE CASCADE,
        symbol text NOT NULL,
        PRIMARY KEY (portfolio_id, symbol)
      )`);
    await queryRunner.query(`CREATE INDEX portfolio_symbol_by_symbol ON portfolio_symbol (symbol)`);
    await queryRunner.query(`
      CREATE TABLE latest_price (
        symbol text PRIMARY KEY,
        price numeric NOT NULL CHECK (price > 0),
        currency text NOT NULL,
        as_of timestamptz NOT NULL,
        as_of_millis bigint NOT NULL,
        source text NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE latest_price`);
    await queryRunner.query(`DROP TABLE portfolio_symbol`);
    await queryRunner.query(`DROP TABLE monitored_portfolio`);
  }
}
