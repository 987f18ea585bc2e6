import { type DataSource, type Migration } from 'typeorm';

/**
 * Creates the service's schema and runs pending migrations, each in its own transaction.
 * A PostgreSQL advisory lock keyed by the schema name serialises replicas that start at the
 * same time, so two pods never run the same migration twice.
 */
export async function migrate(dataSource: DataSource, schema: string): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [`ballast-migrations:${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      return await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`ballast-migrations:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}
