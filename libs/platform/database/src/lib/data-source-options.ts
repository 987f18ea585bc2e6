import { type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface DatabaseConfig {
  DATABASE_URL: string;
  DATABASE_SCHEMA: string;
  DATABASE_POOL_SIZE: number;
}

export interface DatabaseDefinition {
  /** Used as PostgreSQL application_name, so that `pg_stat_activity` shows who holds a connection. */
  serviceName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * TypeORM options for one service. Each service owns one PostgreSQL schema (DATABASE_SCHEMA):
 * its tables and its migrations table live there, and the connection's search_path points at it,
 * so that migrations can use unqualified names and several services (or test runs) share a database
 * without seeing each other's tables. `synchronize` is off: the schema changes only through migrations.
 */
export function dataSourceOptions(config: DatabaseConfig, definition: DatabaseDefinition): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    applicationName: definition.serviceName,
    entities: definition.entities,
    migrations: definition.migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: config.DATABASE_POOL_SIZE,
      options: `-c search_path=${config.DATABASE_SCHEMA}`,
      connectionTimeoutMillis: 5_000,
      // A query stuck on a lock must not hang a consumer forever: it fails, and the
      // consumer's bounded retry takes over.
      statement_timeout: 30_000,
    },
  };
}
