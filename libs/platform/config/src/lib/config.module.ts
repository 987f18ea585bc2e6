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
    // Validated when the application is created, not when the module file is imported, so that a
    // bad variable fails inside the service's start-up (and its error handler), not at import time.
    return {
      module: BallastConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true })],
      providers: [{ provide: APP_CONFIG, useFactory: () => loadConfig(schema, env) }],
      exports: [APP_CONFIG],
    };
  }
}
