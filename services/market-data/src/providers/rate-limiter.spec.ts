import { SteppingTimer } from '../testing/stepping-timer';
import { TokenBucket } from './rate-limiter';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces the rest at the rate', async () => {
    const timer = new SteppingTimer();
    const bucket = new TokenBucket(2, 3, timer);
    const start = timer.now();
    const grantedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, () => bucket.take().then(() => grantedAt.push(timer.now() - start))),
    );
    // 3 at once (the burst), then one every 500 ms (2 per second).
    expect(grantedAt).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
  });

  it('refills while idle, never above the burst', async () => {
    const timer = new SteppingTimer();
    const bucket = new TokenBucket(1, 2, timer);
    await bucket.take();
    await bucket.take();
    expect(bucket.available()).toBe(0);
    timer.advance(1_500);
    expect(bucket.available()).toBeCloseTo(1.5, 9);
    timer.advance(60_000);
    expect(bucket.available()).toBe(2);
  });

  it('refuses a rate or burst that could never grant a token', () => {
    expect(() => new TokenBucket(0, 1)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});
