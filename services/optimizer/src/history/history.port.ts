/** One daily bar of market-data's `GET /history`; only the close is used here. */
export interface DailyClose {
  readonly symbol: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Positive decimal string. */
  readonly close: string;
}

/**
 * Daily history of a set of symbols, oldest first. A port so that the optimizer does not care
 * where history comes from (market-data over HTTP in production, a local server in tests).
 */
export interface HistoryPort {
  dailyCloses(symbols: readonly string[], from: string, to: string): Promise<DailyClose[]>;
}

export const HISTORY_PORT = Symbol('HISTORY_PORT');

/** History could not be read (network, status, body); transient: the consumer retries with backoff. */
export class HistoryUnavailableError extends Error {
  override readonly name = 'HistoryUnavailableError';
}
