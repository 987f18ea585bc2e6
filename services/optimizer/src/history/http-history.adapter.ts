import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { z } from 'zod';
import { type OptimizerConfig } from '../config/optimizer.config';
import { type DailyClose, type HistoryPort, HistoryUnavailableError } from './history.port';

const close = z.union([z.string().regex(/^\d+(\.\d+)?$/), z.number().positive().finite()]);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must start with YYYY-MM-DD');

/**
 * market-data's answer, in either of its two shapes (other fields, such as open, high, low, volume
 * and source, are ignored; a close may be a decimal string or a number):
 *  - the flat list of the issue, `[{ symbol, date, close, ... }]`;
 *  - grouped by symbol, `{ from, to, bars: { SPY: [{ date, close, ... }] } }` (services/market-data,
 *    src/history/history.service.ts `HistoryAnswer`).
 */
const historyResponseSchema = z.union([
  z.array(z.object({ symbol: z.string().min(1), date, close }).loose()),
  z
    .object({ bars: z.record(z.string().min(1), z.array(z.object({ date, close }).loose())) })
    .loose()
    .transform((answer) =>
      Object.entries(answer.bars).flatMap(([symbol, bars]) => bars.map((bar) => ({ ...bar, symbol }))),
    ),
]);

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
