export { ConfigValidationError } from './lib/config-validation.error';
export {
  booleanString,
  commonEnv,
  csvList,
  requireSaslCredentials,
  databaseEnv,
  kafkaEnv,
  port,
  redisEnv,
} from './lib/env-schemas';
export { loadConfig, redactConfig } from './lib/load-config';
export { APP_CONFIG, BallastConfigModule } from './lib/config.module';
