/**
 * The yahoo provider's schedule, apart from I/O so that it can be tested on its own: which quote
 * requests one poll makes, and whose daily history is due.
 */

/** The symbols of one poll in requests of at most `size` symbols each, in order. */
export function quoteBatches(symbols: readonly string[], size: number): string[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const batches: string[][] = [];
  for (let start = 0; start < symbols.length; start += size) batches.push(symbols.slice(start, start + size));
  return batches;
}

/**
 * When each watched symbol's daily history was last loaded. A symbol is due when it was never loaded
 * (it just joined the watch list: its history is loaded on the next turn, not hours later) or when
 * its last load is `refreshMs` old. A symbol that leaves the watch list is forgotten, so that if it
 * comes back its history is loaded again, gap included.
 */
export class HistorySchedule {
  private readonly loadedAt = new Map<string, number>();

  constructor(private readonly refreshMs: number) {}

  /** The watched symbols whose history is due at `nowMillis`, in the watch list's order. */
  due(watched: readonly string[], nowMillis: number): string[] {
    const current = new Set(watched);
    for (const symbol of [...this.loadedAt.keys()]) if (!current.has(symbol)) this.loadedAt.delete(symbol);
    return watched.filter((symbol) => {
      const at = this.loadedAt.get(symbol);
      return at === undefined || nowMillis - at >= this.refreshMs;
    });
  }

  /** Records a load (or an attempt: a failed symbol waits for the next refresh like the others). */
  loaded(symbol: string, nowMillis: number): void {
    this.loadedAt.set(symbol, nowMillis);
  }
}
