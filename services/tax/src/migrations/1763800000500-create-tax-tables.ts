import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateTaxTables1763800000500 implements MigrationInterface {
  name = 'CreateTaxTables1763800000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE portfolio_snapshot (
        portfolio_id uuid PRIMARY KEY,
        version integer NOT NULL,
        state jsonb NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE tax_decision (
        proposal_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        state_version integer NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('orders', 'no-orders', 'deferred', 'stale')),
        orders jsonb,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX tax_decision_by_portfolio ON tax_decision (portfolio_id, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tax_decision`);
    await queryRunner.query(`DROP TABLE portfolio_snapshot`);
  }
}
