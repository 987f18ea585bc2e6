export { type DatabaseConfig, type DatabaseDefinition, dataSourceOptions } from './lib/data-source-options';
export { migrate } from './lib/migrate';
export { BallastDatabaseModule } from './lib/database.module';
export { cliDataSource } from './lib/cli-data-source';
