import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { z } from 'zod';
import { type OptimizerConfig } from '../config/optimizer.config';
import { type DailyClose, type HistoryPort, HistoryUnavailableError } from './history.port';

/**
 * market-data's documented response: `[{ symbol, date, close, ... }]` (open, high, low, volume and
 * source may come along and are ignored). A close may arrive as a decimal string or a number.
 */
const historyResponseSchema = z.array(
  z
    .object({
      symbol: z.string().min(1),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must start with YYYY-MM-DD'),
      close: z.union([z.string().regex(/^\d+(\.\d+)?$/), z.number().positive().finite()]),
    })
    .loose(),
);

/** {@link HistoryPort} over `GET {MARKET_DATA_URL}/history?symbols=A,B&from=YYYY-MM-DD&to=YYYY-MM-DD`. */
@Injectable()
export class HttpHistoryAdapter implements HistoryPort {
  constructor(@Inject(APP_CONFIG) private readonly config: OptimizerConfig) {}

  async dailyCloses(symbols: readonly string[], from: string, to: string): Promise<DailyClose[]> {
    const url = new URL(
      'history',
      this.config.MARKET_DATA_URL.endsWith('/')
        ? this.config.MARKET_DATA_URL
        : `${this.config.MARKET_DATA_URL}/`,
    );
    url.searchParams.set('symbols', symbols.join(','));
    url.searchParams.set('from', from);
    url.searchParams.set('to', to);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.config.HISTORY_TIMEOUT_MS) });
    } catch (error) {
      throw new HistoryUnavailableError(`GET ${url.toString()} failed: ${(error as Error).message}`);
    }
    if (!response.ok) {
      const body = (await response.text()).slice(0, 300);
      throw new HistoryUnavailableError(`GET ${url.toString()} answered ${response.status}: ${body}`);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch (error) {
      throw new HistoryUnavailableError(
        `GET ${url.toString()}: body is not JSON: ${(error as Error).message}`,
      );
    }
    const parsed = historyResponseSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HistoryUnavailableError(
        `GET ${url.toString()}: unexpected body at ${issue?.path.join('.') ?? '$'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return parsed.data.map((bar) => ({
      symbol: bar.symbol.toUpperCase(),
      date: bar.date.slice(0, 10),
      close: String(bar.close),
    }));
  }
}
