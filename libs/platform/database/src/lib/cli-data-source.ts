import { type z } from 'zod';
import { DataSource } from 'typeorm';
import { loadConfig } from '@ballast/platform-config';
import { type DatabaseConfig, type DatabaseDefinition, dataSourceOptions } from './data-source-options';

/**
 * The DataSource a service's `src/data-source.ts` exports for the TypeORM CLI (`migration:show`,
 * `migration:revert`, `migration:generate` while writing a new migration), configured from the same
 * validated environment as the service itself.
 */
export function cliDataSource<Schema extends z.ZodType<DatabaseConfig>>(
  schema: Schema,
  definition: DatabaseDefinition,
  env: Record<string, string | undefined> = process.env,
): DataSource {
  return new DataSource(dataSourceOptions(loadConfig(schema, env), definition));
}
