import { backoffDelayMs, RetriesExhaustedError, withBackoff } from './backoff';
import { SteppingTimer } from '../testing/stepping-timer';

class Transient extends Error {}
const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 };
const isTransient = (error: unknown) => error instanceof Transient;

describe('withBackoff', () => {
  it('doubles the delay after each transient failure, capped, until the operation succeeds', async () => {
    const timer = new SteppingTimer();
    let calls = 0;
    const result = await withBackoff(
      'quote',
      () => {
        calls += 1;
        return calls < 4 ? Promise.reject(new Transient('429')) : Promise.resolve('ok');
      },
      isTransient,
      policy,
      timer,
    );
    expect(result).toBe('ok');
    expect(timer.sleeps).toEqual([100, 200, 250]);
  });

  it('gives up after maxAttempts with the last error as the cause', async () => {
    const timer = new SteppingTimer();
    const last = new Transient('503 again');
    const attempt = withBackoff('chart SPY', () => Promise.reject(last), isTransient, policy, timer);
    await expect(attempt).rejects.toThrow(RetriesExhaustedError);
    await expect(attempt).rejects.toMatchObject({ attempts: 4, cause: last });
    await expect(attempt).rejects.toThrow('chart SPY failed 4 time(s): 503 again');
  });

  it('does not retry an error that is not transient', async () => {
    const timer = new SteppingTimer();
    let calls = 0;
    const bad = new Error('validation failed');
    await expect(
      withBackoff(
        'quote',
        () => {
          calls += 1;
          return Promise.reject(bad);
        },
        isTransient,
        policy,
        timer,
      ),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
    expect(timer.sleeps).toEqual([]);
  });

  it('computes base * 2^(n-1), capped at the maximum', () => {
    expect(
      [1, 2, 3, 4, 5].map((n) => backoffDelayMs({ maxAttempts: 9, baseDelayMs: 500, maxDelayMs: 5_000 }, n)),
    ).toEqual([500, 1_000, 2_000, 4_000, 5_000]);
  });
});
