import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { type z } from 'zod';
import { loadConfig } from './load-config';

/** Injection token of the parsed, typed configuration object of a service. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment at boot with the service's schema and provides the parsed object
 * under {@link APP_CONFIG}. Wraps `@nestjs/config` so that `ConfigService` works too.
 */
@Module({})
export class BallastConfigModule {
  static forRoot<Schema extends z.ZodType>(
    schema: Schema,
    env: Record<string, string | undefined> = process.env,
  ): DynamicModule {
    const config = loadConfig(schema, env);
    return {
      module: BallastConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          isGlobal: true,
          validate: () => config as Record<string, unknown>,
        }),
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
