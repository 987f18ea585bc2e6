import { type Timer } from '../providers/rate-limiter';

/** A clock that only moves when something sleeps on it: sleeps return at once and advance time. */
export class SteppingTimer implements Timer {
  readonly sleeps: number[] = [];
  constructor(private millis = 1_000_000) {}
  now(): number {
    return this.millis;
  }
  advance(ms: number): void {
    this.millis += ms;
  }
  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.millis += ms;
    return Promise.resolve();
  }
}
