import { z } from 'zod';
import { ConfigValidationError } from './config-validation.error';
import { commonEnv, databaseEnv, kafkaEnv, redisEnv } from './env-schemas';
import { loadConfig, redactConfig } from './load-config';

const schema = z.object({ ...commonEnv, ...kafkaEnv, ...databaseEnv, ...redisEnv });
const validEnv = {
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092',
  DATABASE_URL: 'postgres://ballast:s3cret@127.0.0.1:5432/test',
  DATABASE_SCHEMA: 'monitor',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('loadConfig', () => {
  it('parses a valid environment and applies defaults', () => {
    const config = loadConfig(schema, validEnv);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9092']);
    expect(config.HTTP_PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.REDIS_COMMAND_TIMEOUT_MS).toBe(2000);
  });

  it('treats empty strings as unset so that defaults apply', () => {
    expect(loadConfig(schema, { ...validEnv, HTTP_PORT: '' }).HTTP_PORT).toBe(3000);
  });

  it('names every missing or invalid variable and never echoes values', () => {
    const attempt = () =>
      loadConfig(schema, {
        DATABASE_URL: 'mysql://root:hunter2@db/x',
        HTTP_PORT: '99999',
        DATABASE_SCHEMA: 'Bad-Name',
      });
    expect(attempt).toThrow(ConfigValidationError);
    try {
      attempt();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('KAFKA_BROKERS: is required');
      expect(message).toContain('REDIS_URL: is required');
      expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
      expect(message).toContain('HTTP_PORT');
      expect(message).toContain('DATABASE_SCHEMA');
      expect(message).not.toContain('hunter2');
    }
  });
});

describe('redactConfig', () => {
  it('masks URL passwords and secret-looking keys', () => {
    const redacted = redactConfig({
      DATABASE_URL: 'postgres://ballast:s3cret@db:5432/ballast',
      SMTP_PASSWORD: 'x',
      REDIS_KEY_PREFIX: 'ballast:',
      HTTP_PORT: 3000,
    });
    expect(redacted['DATABASE_URL']).toBe('postgres://ballast:***@db:5432/ballast');
    expect(redacted['SMTP_PASSWORD']).toBe('***');
    expect(redacted['REDIS_KEY_PREFIX']).toBe('ballast:');
    expect(redacted['HTTP_PORT']).toBe(3000);
  });
});
