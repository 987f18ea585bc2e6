import { randomBytes } from 'node:crypto';

/**
 * A short id unique to one test run, used to isolate what runs share: consumer group prefixes,
 * PostgreSQL schemas, Redis key prefixes. Lower-case letters and digits, so it fits all three.
 */
export function uniqueRunId(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** A free TCP port is not guaranteed between probe and use; a wide random range keeps clashes rare. */
export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}
