import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreatePortfolioSymbols1763800000120 implements MigrationInterface {
  name = 'CreatePortfolioSymbols1763800000120';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per portfolio: the symbols its latest version holds or targets. A symbol's reference
    // count is the number of rows naming it, so replacing a row is the whole count update.
    await queryRunner.query(`
      CREATE TABLE portfolio_symbols (
        portfolio_id uuid PRIMARY KEY,
        version integer NOT NULL CHECK (version > 0),
        symbols text[] NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE portfolio_symbols`);
  }
}
