import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `monitored_portfolio.rearm_at_version`: a superseded proposal's re-arm that waits for the ledger
 * version named by its rejection (`ledgerVersion`), when the monitor still held an older snapshot.
 */
export class RearmAtVersion1763800000330 implements MigrationInterface {
  name = 'RearmAtVersion1763800000330';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE monitored_portfolio ADD COLUMN rearm_at_version integer CHECK (rearm_at_version > 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A re-arm still waiting is lost: the code before this column re-armed at once instead.
    await queryRunner.query(`ALTER TABLE monitored_portfolio DROP COLUMN rearm_at_version`);
  }
}
