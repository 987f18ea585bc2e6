import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateDailyBarAndStaleEpisode1763800000110 implements MigrationInterface {
  name = 'CreateDailyBarAndStaleEpisode1763800000110';

  async up(queryRunner: QueryRunner): Promise<void> {
    // open/high/low/volume stay null for a close-only source (the replay CSV): never invented.
    await queryRunner.query(`
      CREATE TABLE daily_bar (
        symbol text NOT NULL,
        date date NOT NULL,
        open numeric CHECK (open > 0),
        high numeric CHECK (high > 0),
        low numeric CHECK (low > 0),
        close numeric NOT NULL CHECK (close > 0),
        adj_close numeric CHECK (adj_close > 0),
        volume bigint CHECK (volume >= 0),
        source text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (symbol, date)
      )`);
    await queryRunner.query(`
      CREATE TABLE stale_episode (
        symbol text PRIMARY KEY,
        detected_at timestamptz NOT NULL,
        last_price_at timestamptz,
        last_update_at timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stale_episode`);
    await queryRunner.query(`DROP TABLE daily_bar`);
  }
}
