import { type z } from 'zod';
import { ConfigValidationError } from './config-validation.error';

/**
 * Parses the environment with a service's zod schema and fails fast, naming each bad variable.
 * Unknown variables are ignored: the process environment holds much more than Ballast's settings.
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  // An empty string in the environment means "not set" (docker-compose's `VAR=` and Kubernetes'
  // empty values), so that defaults apply instead of failing as an invalid value.
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = schema.safeParse(cleaned);
  if (result.success) {
    return result.data;
  }
  throw new ConfigValidationError(
    result.error.issues.map((issue) => ({
      variable: issue.path.length > 0 ? issue.path.map(String).join('.') : '(environment)',
      problem: issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message,
    })),
  );
}

const SECRET_KEY = /(PASSWORD|SECRET|TOKEN|KEY)$/i;

/**
 * A copy of a parsed config that is safe to log: values of secret-looking variables and the
 * password part of URLs are replaced by `***`.
 */
export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => {
      if (SECRET_KEY.test(key) && !key.endsWith('_PREFIX')) {
        return [key, '***'];
      }
      if (typeof value === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
        return [key, redactUrl(value)];
      }
      return [key, value];
    }),
  );
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') {
      url.password = '***';
    }
    return url.toString();
  } catch {
    return '***';
  }
}
