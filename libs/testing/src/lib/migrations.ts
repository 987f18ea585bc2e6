import { dataSourceOptions, type DatabaseDefinition, migrate } from '@ballast/platform-database';
import { DataSource } from 'typeorm';
import { uniqueRunId } from './ids';

export interface MigrationRoundTrip {
  /** Tables after all migrations ran, sorted (the migrations table excluded). */
  tablesAfterUp: string[];
  /** Tables left after every migration was reverted: empty when every `down()` is complete. */
  tablesAfterDown: string[];
  /** Tables after running the migrations again on the reverted schema. */
  tablesAfterSecondUp: string[];
}

/**
 * Runs a service's migrations up, all the way down, and up again in a fresh schema of the real
 * database, reporting the tables at each step, so a spec can assert that every `down()` undoes its
 * `up()` and that the migrations apply cleanly after a rollback.
 */
export async function migrationRoundTrip(
  definition: DatabaseDefinition,
  databaseUrl: string,
): Promise<MigrationRoundTrip> {
  const schema = `${definition.serviceName.replace(/[^a-z0-9]/g, '_')}_${uniqueRunId('m')}`;
  const dataSource = new DataSource(
    dataSourceOptions(
      { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: 2 },
      definition,
    ),
  );
  await dataSource.initialize();
  const tables = async () =>
    (
      await dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      )
    )
      .map((row) => row.table_name)
      .filter((name) => name !== 'typeorm_migrations');
  try {
    const applied = await migrate(dataSource, schema);
    const tablesAfterUp = await tables();
    for (let index = 0; index < applied.length; index += 1) {
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    const tablesAfterDown = await tables();
    await migrate(dataSource, schema);
    const tablesAfterSecondUp = await tables();
    return { tablesAfterUp, tablesAfterDown, tablesAfterSecondUp };
  } finally {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  }
}
