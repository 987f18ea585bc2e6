import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * A JSON value for a jsonb column in insert/update calls. TypeORM's deep-partial type recurses into
 * `Record<string, unknown>` fields (the open planning policy) and rejects them; the value is stored
 * as JSON whole, so the recursion does not apply.
 */
export function jsonb<T>(value: T): QueryDeepPartialEntity<T> {
  return value as QueryDeepPartialEntity<T>;
}
