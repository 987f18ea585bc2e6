import { createHash } from 'node:crypto';
import { apiKeyId, apiKeyMatches, generateApiKey, hashApiKey } from './api-key';

describe('API keys', () => {
  it('are generated with a public id, 256 random bits, and stored as the SHA-256 of the whole key', () => {
    const generated = generateApiKey();
    expect(generated.key).toMatch(/^bk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyId(generated.key)).toBe(generated.keyId);
    expect(generated.keyHash).toBe(createHash('sha256').update(generated.key).digest('hex'));
    expect(generated.keyHash).not.toContain(generated.key.slice(20));
  });

  it('never repeat', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });

  it('match their stored hash only', () => {
    const { key, keyHash } = generateApiKey();
    expect(apiKeyMatches(key, keyHash)).toBe(true);
    const lastChar = key.endsWith('A') ? 'B' : 'A';
    expect(apiKeyMatches(`${key.slice(0, -1)}${lastChar}`, keyHash)).toBe(false);
    expect(apiKeyMatches(key, hashApiKey('something else'))).toBe(false);
    // A malformed stored hash (wrong length) is a mismatch, not an exception.
    expect(apiKeyMatches(key, 'abcd')).toBe(false);
  });

  it('have no id when malformed, so that nothing is looked up for garbage', () => {
    for (const bad of [
      '',
      'bk_',
      'bk_0123456789abcdef_short',
      'Bearer x',
      `bk_0123456789ABCDEF_${'a'.repeat(43)}`,
    ]) {
      expect(apiKeyId(bad)).toBeUndefined();
    }
  });
});
