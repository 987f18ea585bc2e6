import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Proposals the api superseded (orders.rejected, code `ledger-changed`), one row each: the api sends
 * one rejection per leg, and only the first may re-arm the portfolio's trigger episode.
 */
export class SupersededProposals1763800000320 implements MigrationInterface {
  name = 'SupersededProposals1763800000320';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE superseded_proposal (
        proposal_id uuid PRIMARY KEY,
        portfolio_id uuid NOT NULL,
        rearmed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE superseded_proposal`);
  }
}
