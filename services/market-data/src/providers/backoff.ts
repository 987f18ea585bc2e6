import { realTimer, type Timer } from './rate-limiter';

export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles after each further failure. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

/** Delay before attempt `attempt + 1` (attempt counts from 1): base * 2^(attempt-1), capped. */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/** Every attempt failed with a transient error; `cause` is the last one. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(
    message: string,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/**
 * Runs `operation` until it succeeds, retrying only the errors `isTransient` accepts (a 429, a
 * 5xx, a dropped connection) with exponential backoff; any other error is thrown at once, since
 * asking again for a bad symbol or a malformed answer gives the same answer.
 */
export async function withBackoff<T>(
  description: string,
  operation: (attempt: number) => Promise<T>,
  isTransient: (error: unknown) => boolean,
  policy: BackoffPolicy,
  timer: Timer = realTimer,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (attempt >= policy.maxAttempts) {
        throw new RetriesExhaustedError(
          `${description} failed ${attempt} time(s): ${(error as Error).message}`,
          attempt,
          error,
        );
      }
      const delayMs = backoffDelayMs(policy, attempt);
      onRetry?.(error, attempt, delayMs);
      await timer.sleep(delayMs);
    }
  }
}
