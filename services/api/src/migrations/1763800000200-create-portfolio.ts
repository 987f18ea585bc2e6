import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreatePortfolio1763800000200 implements MigrationInterface {
  name = 'CreatePortfolio1763800000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE portfolio (
        portfolio_id uuid PRIMARY KEY,
        household_id text NOT NULL,
        name text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        state jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX portfolio_household_id ON portfolio (household_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE portfolio`);
  }
}
