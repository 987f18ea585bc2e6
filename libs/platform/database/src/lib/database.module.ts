import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource } from 'typeorm';
import { type DatabaseConfig, type DatabaseDefinition, dataSourceOptions } from './data-source-options';
import { migrate } from './migrate';

interface DatabaseModuleConfig extends DatabaseConfig {
  DATABASE_MIGRATE_ON_START: boolean;
}

/**
 * TypeORM over PostgreSQL for one service, with its own schema. Pending migrations run at boot
 * when DATABASE_MIGRATE_ON_START is on (local runs and tests); in Kubernetes a Job runs them.
 */
@Module({})
export class BallastDatabaseModule {
  static forRoot(definition: DatabaseDefinition): DynamicModule {
    const logger = new Logger('Database');
    // The factory below runs after useFactory; this carries the flag from the config to it.
    let migrateOnStart = true;
    return {
      module: BallastDatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: DatabaseModuleConfig) => {
            migrateOnStart = config.DATABASE_MIGRATE_ON_START;
            return dataSourceOptions(config, definition);
          },
          dataSourceFactory: async (options) => {
            if (!options) {
              throw new Error('TypeORM options are missing');
            }
            const dataSource = await new DataSource(options).initialize();
            const schema = (options as { schema: string }).schema;
            if (migrateOnStart) {
              const applied = await migrate(dataSource, schema);
              logger.log(`schema ${schema}: ${applied.length} migration(s) applied`);
            }
            return dataSource;
          },
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
