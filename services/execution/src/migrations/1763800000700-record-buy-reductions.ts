import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A buy cut to the available cash keeps what was approved next to what was sent: `quantity` is the
 * broker order, `approved_quantity` the approval's, `reduction_reason` and `reduction_detail` why.
 * Rows from before are backfilled with their quantity (nothing was cut then).
 */
export class RecordBuyReductions1763800000700 implements MigrationInterface {
  name = 'RecordBuyReductions1763800000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE execution_order ADD COLUMN approved_quantity numeric`);
    await queryRunner.query(`UPDATE execution_order SET approved_quantity = quantity`);
    await queryRunner.query(`ALTER TABLE execution_order ALTER COLUMN approved_quantity SET NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE execution_order
        ADD COLUMN reduction_reason text CHECK (reduction_reason IN ('reduced-to-available-cash')),
        ADD COLUMN reduction_detail text,
        ADD CONSTRAINT execution_order_reduced_not_above_approved CHECK (quantity <= approved_quantity)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE execution_order
        DROP CONSTRAINT execution_order_reduced_not_above_approved,
        DROP COLUMN reduction_detail,
        DROP COLUMN reduction_reason,
        DROP COLUMN approved_quantity`);
  }
}
