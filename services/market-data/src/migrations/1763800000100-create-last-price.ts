import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateLastPrice1763800000100 implements MigrationInterface {
  name = 'CreateLastPrice1763800000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE last_price (
        symbol text PRIMARY KEY,
        price numeric NOT NULL CHECK (price > 0),
        currency text NOT NULL,
        as_of timestamptz NOT NULL,
        as_of_millis bigint NOT NULL,
        source text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE last_price`);
  }
}
