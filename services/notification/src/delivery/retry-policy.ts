/**
 * Whether a failed attempt is worth repeating. Network errors, timeouts, 5xx, 408 (request timeout)
 * and 429 (too many requests) are transient; any other 4xx says the request itself is wrong (a
 * removed endpoint, a rejected signature) and repeating it would only repeat the answer.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** SMTP: 4yz replies are transient by definition (RFC 5321, section 4.2.1), 5yz permanent. */
export function isRetryableSmtpCode(responseCode: number | undefined): boolean {
  return responseCode === undefined || (responseCode >= 400 && responseCode < 500);
}

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential (base * 2^(attempt-1)),
 * capped, with "equal jitter" (half fixed, half random), so that deliveries that failed together
 * (a receiver's outage) do not all come back at the same instant, while the delay still grows
 * (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). `random` is in [0, 1).
 */
export function backoffDelayMs(
  attempt: number,
  settings: BackoffSettings,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(settings.maxMs, settings.baseMs * 2 ** Math.max(0, attempt - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}
