import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A proposal whose ledger changed before its approval becomes `superseded`. The status check was
 * created inline by CreateLedgerAndApprovals1763800000400, so PostgreSQL named it
 * `proposal_status_check`.
 */
export class ProposalSuperseded1763800000500 implements MigrationInterface {
  name = 'ProposalSuperseded1763800000500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE proposal DROP CONSTRAINT proposal_status_check`);
    await queryRunner.query(`
      ALTER TABLE proposal ADD CONSTRAINT proposal_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'superseded'))`);
    await queryRunner.query(
      `CREATE INDEX applied_fill_portfolio_recent ON applied_fill (portfolio_id, applied_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX applied_fill_portfolio_recent`);
    // A superseded proposal was never approved: the closest status the older schema knows.
    await queryRunner.query(`UPDATE proposal SET status = 'rejected' WHERE status = 'superseded'`);
    await queryRunner.query(`ALTER TABLE proposal DROP CONSTRAINT proposal_status_check`);
    await queryRunner.query(`
      ALTER TABLE proposal ADD CONSTRAINT proposal_status_check
        CHECK (status IN ('pending', 'approved', 'rejected', 'expired'))`);
  }
}
