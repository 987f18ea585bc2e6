/** A condition that did not hold in time; the message names it and, when given, the last observation. */
export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
}

/**
 * Polls `probe` until it returns a value other than `undefined`, then returns it. Tests wait for a
 * condition, never for a fixed time: fast machines finish early, slow ones get the whole timeout.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<T | undefined> | T | undefined,
  {
    timeoutMs = 30_000,
    intervalMs = 100,
    lastSeen,
  }: { timeoutMs?: number; intervalMs?: number; lastSeen?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastSeen?.() ?? (lastError instanceof Error ? `last error: ${lastError.message}` : '');
      throw new WaitTimeoutError(
        `timed out after ${timeoutMs} ms waiting for ${description}${detail ? `; ${detail}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
