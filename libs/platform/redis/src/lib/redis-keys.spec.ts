import { redisKey } from './redis-keys';

describe('redisKey', () => {
  it('joins a prefix and parts with colons', () => {
    expect(redisKey('ballast:', 'price', 'last', 'SPY')).toBe('ballast:price:last:SPY');
  });

  it('rejects empty parts, which would silently collide with other keys', () => {
    expect(() => redisKey('ballast:', 'price', '')).toThrow('must not be empty');
  });
});
