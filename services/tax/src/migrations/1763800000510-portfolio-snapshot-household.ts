import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The household of each held snapshot as a column, indexed: a proposal's wash-sale check reads every
 * other portfolio of its household, and the pending proposals of those portfolios.
 */
export class PortfolioSnapshotHousehold1763800000510 implements MigrationInterface {
  name = 'PortfolioSnapshotHousehold1763800000510';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE portfolio_snapshot ADD COLUMN household_id text`);
    await queryRunner.query(`UPDATE portfolio_snapshot SET household_id = state->>'householdId'`);
    await queryRunner.query(`ALTER TABLE portfolio_snapshot ALTER COLUMN household_id SET NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX portfolio_snapshot_by_household ON portfolio_snapshot (household_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX tax_decision_pending ON tax_decision (portfolio_id, state_version) WHERE outcome = 'orders'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX tax_decision_pending`);
    await queryRunner.query(`DROP INDEX portfolio_snapshot_by_household`);
    await queryRunner.query(`ALTER TABLE portfolio_snapshot DROP COLUMN household_id`);
  }
}
