import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateOptimizerTables1763800000400 implements MigrationInterface {
  name = 'CreateOptimizerTables1763800000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE portfolio_snapshot (
        portfolio_id uuid PRIMARY KEY,
        version integer NOT NULL,
        state jsonb NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE proposal (
        proposal_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        state_version integer NOT NULL,
        cause_topic text NOT NULL,
        cause_message_id uuid NOT NULL UNIQUE,
        chosen text NOT NULL,
        proposal jsonb NOT NULL,
        inputs jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX proposal_by_portfolio ON proposal (portfolio_id, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE proposal`);
    await queryRunner.query(`DROP TABLE portfolio_snapshot`);
  }
}
