/**
 * Stale-price detection for one symbol, as a pure state machine (no clock, no I/O):
 *
 *   fresh --(market open and no update for more than maxAge)--> stale: report once (`open-episode`)
 *   stale --(a fresh tick is accepted)--> fresh (the ingest path closes the episode)
 *
 * An episode is reported once, however many checks find it still stale, and stays open across a
 * market close: the next session does not report it again. "Update" is when market-data last
 * accepted a price for the symbol (not the price's own time), so that a replay of old history that
 * keeps ticking is fresh, and a feed that repeats the same quote (dropped as a duplicate) is not.
 */
export interface StaleCheckInput {
  /** When the last price was accepted; null if the symbol was never priced. */
  lastUpdateMillis: number | null;
  /** For a never-priced symbol: since when one has been expected (service start). */
  watchedSinceMillis: number;
  /** Whether this symbol already has an open (reported) stale episode. */
  episodeOpen: boolean;
  marketOpen: boolean;
  nowMillis: number;
  maxAgeMillis: number;
}

export type StaleVerdict =
  | { kind: 'fresh' }
  | { kind: 'open-episode'; ageMillis: number }
  | { kind: 'still-stale' }
  | { kind: 'market-closed' };

export function checkStaleness(input: StaleCheckInput): StaleVerdict {
  if (input.episodeOpen) return { kind: 'still-stale' };
  if (!input.marketOpen) return { kind: 'market-closed' };
  const ageMillis = input.nowMillis - (input.lastUpdateMillis ?? input.watchedSinceMillis);
  return ageMillis > input.maxAgeMillis ? { kind: 'open-episode', ageMillis } : { kind: 'fresh' };
}
