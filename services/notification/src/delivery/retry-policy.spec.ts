import { backoffDelayMs, isRetryableSmtpCode, isRetryableStatus } from './retry-policy';

describe('retry policy', () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [410, false],
    [422, false],
  ])('HTTP %i retryable: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });

  it('retries SMTP 4yz replies and connection failures (no reply code), not 5yz', () => {
    expect(isRetryableSmtpCode(421)).toBe(true);
    expect(isRetryableSmtpCode(451)).toBe(true);
    expect(isRetryableSmtpCode(undefined)).toBe(true);
    expect(isRetryableSmtpCode(550)).toBe(false);
    expect(isRetryableSmtpCode(553)).toBe(false);
  });

  it('doubles from the base up to the cap, with jitter within [half, whole] of the step', () => {
    const settings = { baseMs: 1_000, maxMs: 30_000 };
    const steps = [1, 2, 3, 4, 5, 6, 7].map((attempt) => [
      backoffDelayMs(attempt, settings, () => 0),
      backoffDelayMs(attempt, settings, () => 0.999_999),
    ]);
    expect(steps).toEqual([
      [500, 1_000],
      [1_000, 2_000],
      [2_000, 4_000],
      [4_000, 8_000],
      [8_000, 16_000],
      [15_000, 30_000],
      [15_000, 30_000],
    ]);
  });
});
