import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PRICE_TICK_TOPIC, type PriceTickPayload } from '@ballast/contracts';
import { Outbox, OutboxRelay, type PublishContext } from '@ballast/platform-kafka';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager } from 'typeorm';
import { LastPriceCache } from './last-price.cache';
import { LastPrice } from './last-price.entity';

export type IngestOutcome =
  | { kind: 'accepted'; tick: PriceTickPayload }
  | { kind: 'duplicate'; tick: PriceTickPayload }
  | { kind: 'rejected'; tick: PriceTickPayload; reason: string };

export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Accepts validated ticks: enforces per-symbol time order against the last accepted price (held
 * in PostgreSQL, locked per symbol), drops exact duplicates, stores the new last price and puts the
 * price.tick on the outbox in the same transaction.
 */
@Injectable()
export class PriceIngestService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly cache: LastPriceCache,
  ) {}

  /** Within the caller's transaction. */
  async accept(
    manager: EntityManager,
    tick: PriceTickPayload,
    context: PublishContext,
  ): Promise<IngestOutcome> {
    const last = await manager
      .createQueryBuilder(LastPrice, 'last')
      .where('last.symbol = :symbol', { symbol: tick.symbol })
      .setLock('pessimistic_write')
      .getOne();
    if (last !== null) {
      const lastMillis = Number(last.asOfMillis);
      if (tick.asOfMillis === lastMillis) {
        return new Decimal(last.price).equals(tick.price)
          ? { kind: 'duplicate', tick }
          : {
              kind: 'rejected',
              tick,
              reason: `${tick.symbol} already has price ${new Decimal(last.price).toFixed()} at ${tick.asOf}; ${tick.price} conflicts with it`,
            };
      }
      if (tick.asOfMillis < lastMillis) {
        return {
          kind: 'rejected',
          tick,
          reason: `${tick.symbol} at ${tick.asOf} is out of order: the last accepted price is at ${last.asOf.toISOString()}`,
        };
      }
    }
    await manager.upsert(
      LastPrice,
      {
        symbol: tick.symbol,
        price: tick.price,
        currency: tick.currency,
        asOf: new Date(tick.asOfMillis),
        asOfMillis: String(tick.asOfMillis),
        source: tick.source,
      },
      ['symbol'],
    );
    // A fresh price ends the symbol's stale episode (if any), in the same transaction.
    await manager.query(`DELETE FROM stale_episode WHERE symbol = $1`, [tick.symbol]);
    await this.outbox.enqueue(manager, PRICE_TICK_TOPIC, tick.symbol, tick, context);
    return { kind: 'accepted', tick };
  }

  /**
   * One transaction for a batch (a replayed trading day, a poll of quotes); caches and relays after
   * commit. `alsoInTransaction` writes what belongs with the prices (the day's bars) atomically.
   */
  async ingestBatch(
    ticks: readonly PriceTickPayload[],
    context: PublishContext,
    alsoInTransaction?: (manager: EntityManager) => Promise<void>,
  ): Promise<IngestCounts & { outcomes: IngestOutcome[] }> {
    const outcomes = await this.dataSource.transaction(async (manager) => {
      const results: IngestOutcome[] = [];
      for (const tick of ticks) results.push(await this.accept(manager, tick, context));
      await alsoInTransaction?.(manager);
      return results;
    });
    await this.afterCommit(outcomes);
    return { ...count(outcomes), outcomes };
  }

  /** Publishes without waiting for the poll and refreshes the cache. */
  async afterCommit(outcomes: readonly IngestOutcome[]): Promise<void> {
    const accepted = outcomes.filter((outcome) => outcome.kind === 'accepted').map((outcome) => outcome.tick);
    if (accepted.length === 0) return;
    this.relay.wake();
    await this.cache.remember(accepted);
  }
}

function count(outcomes: readonly IngestOutcome[]): IngestCounts {
  return {
    accepted: outcomes.filter((o) => o.kind === 'accepted').length,
    duplicates: outcomes.filter((o) => o.kind === 'duplicate').length,
    rejected: outcomes.filter((o) => o.kind === 'rejected').length,
  };
}
