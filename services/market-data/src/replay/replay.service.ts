import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type PriceTickPayload } from '@ballast/contracts';
import { parseWidePricesCsv, PricesCsvError, type WidePricesRow } from '@ballast/domain-portfolio';
import { APP_CONFIG } from '@ballast/platform-config';
import { type MarketDataConfig } from '../config/market-data.config';
import { HistoryService } from '../history/history.service';
import { type IngestCounts, PriceIngestService } from '../prices/price-ingest.service';
import { type PriceProvider } from '../providers/price-provider';

export interface ReplayRequest {
  /** A file inside REPLAY_DIR. */
  file: string;
  intervalMs?: number | undefined;
  /** Inclusive ISO dates bounding the replay. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface ReplayStatus extends IngestCounts {
  replayId: string;
  file: string;
  state: 'running' | 'finished' | 'stopped' | 'failed';
  days: number;
  daysDone: number;
  lastDate: string | null;
  intervalMs: number;
  error?: string;
}

/**
 * The replay provider: streams a wide prices CSV (one trading day at a time, at a configurable
 * pace) through the same ingest path as live prices, so ordering and duplicate rules apply alike.
 * A day's prices are stamped at 21:00 UTC, after the 16:00 New York close in summer and winter.
 * Each day's closes are also stored as daily bars (close only: the CSV has no open, high, low or
 * volume), in the same transaction as the ticks, for `GET /history`.
 */
@Injectable()
export class ReplayService implements PriceProvider, OnApplicationShutdown {
  readonly name = 'replay' as const;
  private active = false;
  private readonly logger = new Logger(ReplayService.name);
  private current: ReplayStatus | null = null;
  private stopRequested = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ingest: PriceIngestService,
    private readonly history: HistoryService,
    @Inject(APP_CONFIG) private readonly config: MarketDataConfig,
  ) {}

  /** As the active provider: replays REPLAY_AUTOSTART_FILE if set, and accepts `POST /replay`. */
  async start(): Promise<void> {
    this.active = true;
    if (this.config.REPLAY_AUTOSTART_FILE !== undefined) {
      await this.replay({ file: this.config.REPLAY_AUTOSTART_FILE });
    }
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  status(): ReplayStatus | null {
    return this.current === null ? null : { ...this.current };
  }

  async replay(request: ReplayRequest): Promise<ReplayStatus> {
    if (!this.active) {
      throw new ConflictException(
        `replays need MARKET_DATA_PROVIDER=replay; this instance runs the ${this.config.MARKET_DATA_PROVIDER} provider`,
      );
    }
    if (this.current?.state === 'running') {
      throw new ConflictException(`replay ${this.current.replayId} of ${this.current.file} is still running`);
    }
    const rows = await this.load(request);
    const status: ReplayStatus = {
      replayId: randomUUID(),
      file: request.file,
      state: 'running',
      days: rows.length,
      daysDone: 0,
      lastDate: null,
      intervalMs: request.intervalMs ?? this.config.REPLAY_INTERVAL_MS,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
    };
    this.current = status;
    this.stopRequested = false;
    this.running = this.play(status, rows);
    return { ...status };
  }

  /** `DELETE /replay`: asks the running replay to stop after the current day. */
  stopReplay(): ReplayStatus | null {
    this.stopRequested = true;
    return this.status();
  }

  private async load(request: ReplayRequest): Promise<WidePricesRow[]> {
    const root = path.resolve(this.config.REPLAY_DIR);
    const file = path.resolve(root, request.file);
    if (!file.startsWith(root + path.sep)) {
      throw new BadRequestException(`replay file "${request.file}" is outside the replay folder`);
    }
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new NotFoundException(`replay file "${request.file}" does not exist in the replay folder`);
      }
      throw error;
    }
    try {
      return parseWidePricesCsv(text).rows.filter(
        (row) =>
          (request.from === undefined || row.date >= request.from) &&
          (request.to === undefined || row.date <= request.to),
      );
    } catch (error) {
      if (error instanceof PricesCsvError) throw new BadRequestException(`${request.file}: ${error.message}`);
      throw error;
    }
  }

  private async play(status: ReplayStatus, rows: readonly WidePricesRow[]): Promise<void> {
    this.logger.log(
      `replay ${status.replayId}: ${rows.length} trading days of ${status.file} every ${status.intervalMs} ms`,
    );
    try {
      for (const row of rows) {
        if (this.stopRequested) {
          status.state = 'stopped';
          return;
        }
        const asOf = `${row.date}T21:00:00.000Z`;
        const ticks: PriceTickPayload[] = [...row.prices].map(([symbol, price]) => ({
          symbol,
          price,
          currency: this.config.REPLAY_CURRENCY,
          asOf,
          asOfMillis: Date.parse(asOf),
          source: 'replay',
        }));
        const counts = await this.ingest.ingestBatch(ticks, { correlationId: status.replayId }, (manager) =>
          this.history.upsertBars(
            manager,
            ticks.map((tick) => ({
              symbol: tick.symbol,
              date: row.date,
              open: null,
              high: null,
              low: null,
              close: tick.price,
              adjClose: null,
              volume: null,
              source: 'replay',
            })),
          ),
        );
        await this.history.invalidate(ticks.map((tick) => tick.symbol));
        status.accepted += counts.accepted;
        status.duplicates += counts.duplicates;
        status.rejected += counts.rejected;
        for (const outcome of counts.outcomes) {
          if (outcome.kind === 'rejected') this.logger.warn(`replay ${status.replayId}: ${outcome.reason}`);
        }
        status.daysDone += 1;
        status.lastDate = row.date;
        if (status.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, status.intervalMs));
      }
      status.state = 'finished';
      this.logger.log(`replay ${status.replayId} finished: ${JSON.stringify({ ...status })}`);
    } catch (error) {
      status.state = 'failed';
      status.error = (error as Error).message;
      this.logger.error(
        `replay ${status.replayId} failed on ${status.lastDate ?? 'its first day'}: ${status.error}`,
      );
    }
  }
}
