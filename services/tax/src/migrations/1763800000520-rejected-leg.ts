import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The legs of proposals that orders.rejected says were refused (by the api at approval, by
 * execution's pre-trade checks or by the broker), one row per (proposal, leg): a refused buy will
 * never trade, so it no longer counts in the household's wash-sale check.
 */
export class RejectedLeg1763800000520 implements MigrationInterface {
  name = 'RejectedLeg1763800000520';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rejected_leg (
        proposal_id uuid NOT NULL,
        leg integer NOT NULL,
        portfolio_id uuid NOT NULL,
        side text NOT NULL CHECK (side IN ('buy', 'sell')),
        stage text NOT NULL,
        code text NOT NULL,
        rejected_at timestamptz NOT NULL,
        PRIMARY KEY (proposal_id, leg)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE rejected_leg`);
  }
}
