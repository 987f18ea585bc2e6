/**
 * Builds Redis keys from a prefix and parts. Services keep their key builders in one place
 * (STYLE.md) and go through this so that no key is assembled by hand with a typo.
 */
export function redisKey(prefix: string, ...parts: readonly (string | number)[]): string {
  for (const part of parts) {
    if (String(part).length === 0) {
      throw new Error('Redis key parts must not be empty');
    }
  }
  return `${prefix}${parts.join(':')}`;
}
