import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `bk_<keyId>_<secret>`: a 16-hex-digit public id, to find the stored row
 * without comparing secrets in a database index, and 32 random bytes (256 bits) in base64url.
 * Only SHA-256 of the whole key is stored: with that much entropy a fast hash is enough (no
 * password stretching needed), and a leaked table does not yield usable keys.
 */
const API_KEY_PATTERN = /^bk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  keyId: string;
  /** Shown once to the caller, never stored. */
  key: string;
  keyHash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(8).toString('hex');
  const key = `bk_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, keyHash: hashApiKey(key) };
}

/** The key id of a well-formed key, or undefined for anything else (never throws on input). */
export function apiKeyId(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

/** SHA-256 of the key, hex. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Whether `presented` hashes to `storedHash`, compared in constant time so that the time taken
 * does not tell an attacker how many leading characters matched.
 */
export function apiKeyMatches(presented: string, storedHash: string): boolean {
  const actual = Buffer.from(hashApiKey(presented), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}
