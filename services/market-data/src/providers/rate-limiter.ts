/** A clock and a sleep, injected so that tests drive time instead of waiting for it. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Token bucket: up to `burst` requests at once, then `ratePerSecond` on average. Callers `take()`
 * a token before each request and wait (never fail) until one is available; waiters are served in
 * arrival order, so no caller starves. Vendors such as Yahoo answer bursts with 429s, which cost a
 * back-off far longer than a short wait here.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly timer: Timer = realTimer,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new RangeError(
        `token bucket needs a positive rate and a burst of at least 1 (got ${ratePerSecond}, ${burst})`,
      );
    }
    this.tokens = burst;
    this.updatedAt = timer.now();
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    // A rejected turn must not stall the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Tokens available now (refilled up to the burst), for tests and metrics. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private async takeNow(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.timer.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.timer.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
  }
}
