import { type DynamicModule, Module } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { LoggerModule } from 'nestjs-pino';

interface LoggingConfig {
  LOG_LEVEL: string;
  SERVICE_INSTANCE_ID: string;
}

/**
 * Structured JSON logs through nestjs-pino. Every line carries the service name and instance so
 * that logs of many replicas can be told apart; credentials in request headers are redacted;
 * health probes are not logged (they would drown everything else).
 */
@Module({})
export class BallastLoggingModule {
  static forRoot(serviceName: string): DynamicModule {
    return {
      module: BallastLoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: LoggingConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service: serviceName, instance: config.SERVICE_INSTANCE_ID },
              redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              autoLogging: {
                ignore: (req) => (req.url ?? '').startsWith('/health') || req.url === '/metrics',
              },
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
