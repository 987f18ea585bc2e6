import { Controller, Get, type MessageEvent, Query, Sse, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { concatMap, filter, from, interval, map, merge, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { NotificationSignals } from '../notifications/notification-signals';
import { householdIdSchema } from '../preferences/preferences';
import { InternalTokenGuard } from './internal-token.guard';
import { ZodParamPipe } from './zod-query.pipe';

/** Ids are a bigserial: decimal digits, compared as numbers by PostgreSQL. */
const cursor = z.string().regex(/^\d{1,18}$/, 'must be a notification id (digits)');

const feedQuerySchema = z.object({
  householdId: householdIdSchema,
  after: cursor.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
type FeedQuery = z.infer<typeof feedQuerySchema>;

const streamQuerySchema = z.object({ householdId: householdIdSchema, after: cursor.optional() });
type StreamQuery = z.infer<typeof streamQuerySchema>;

/** A feed entry as served by the API and the stream. */
export interface FeedItem {
  id: string;
  householdId: string;
  portfolioId: string | null;
  kind: string;
  title: string;
  text: string;
  facts: unknown;
  sourceTopic: string;
  sourceMessageId: string;
  correlationId: string;
  occurredAt: string;
  createdAt: string;
}

interface FeedRow {
  id: string;
  household_id: string;
  portfolio_id: string | null;
  kind: string;
  title: string;
  body: string;
  facts: unknown;
  source_topic: string;
  source_message_id: string;
  correlation_id: string;
  occurred_at: Date;
  created_at: Date;
}

/** Keeps idle streams open through proxies that close silent connections (often after 30-60 s). */
const KEEPALIVE_MS = 15_000;

/** The in-app feed: pages of a household's notifications, and a live stream of new ones. */
@Controller('notifications')
@UseGuards(InternalTokenGuard)
export class FeedController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signals: NotificationSignals,
  ) {}

  /**
   * Oldest first after the cursor `after` (exclusive); `next` is the cursor of the following page,
   * null when this page is the last one so far. Poll with the last `next` to get newer entries.
   */
  @Get()
  async page(@Query(new ZodParamPipe(feedQuerySchema, 'query')) query: FeedQuery) {
    const items = await this.itemsAfter(query.householdId, query.after ?? '0', query.limit + 1);
    const page = items.slice(0, query.limit);
    return {
      items: page,
      next: items.length > query.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  /**
   * Server-sent events: each new in-app notification of the household as an event named after its
   * kind, with the entry as JSON data and its id as the SSE id. With `after`, the entries already
   * past that id are sent first (a reconnecting client catches up); keep-alive `ping` events every
   * 15 s.
   */
  @Sse('stream')
  stream(@Query(new ZodParamPipe(streamQuerySchema, 'query')) query: StreamQuery): Observable<MessageEvent> {
    const toEvent = (item: FeedItem): MessageEvent => ({ id: item.id, type: item.kind, data: item });
    const backlog =
      query.after === undefined
        ? from([] as FeedItem[])
        : from(this.itemsAfter(query.householdId, query.after, 200)).pipe(concatMap((items) => from(items)));
    const live = this.signals.signals$.pipe(
      filter((signal) => signal.inApp && signal.householdId === query.householdId),
      concatMap((signal) => from(this.itemById(signal.id))),
      filter((item): item is FeedItem => item !== undefined),
    );
    const keepAlive = interval(KEEPALIVE_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: '' })));
    return merge(merge(backlog, live).pipe(map(toEvent)), keepAlive);
  }

  private async itemsAfter(householdId: string, after: string, limit: number): Promise<FeedItem[]> {
    const rows = await this.dataSource.query<FeedRow[]>(
      `SELECT * FROM notification WHERE household_id = $1 AND in_app AND id > $2 ORDER BY id LIMIT $3`,
      [householdId, after, limit],
    );
    return rows.map(toItem);
  }

  private async itemById(id: string): Promise<FeedItem | undefined> {
    const rows = await this.dataSource.query<FeedRow[]>(`SELECT * FROM notification WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toItem(rows[0]);
  }
}

function toItem(row: FeedRow): FeedItem {
  return {
    id: row.id,
    householdId: row.household_id,
    portfolioId: row.portfolio_id,
    kind: row.kind,
    title: row.title,
    text: row.body,
    facts: row.facts,
    sourceTopic: row.source_topic,
    sourceMessageId: row.source_message_id,
    correlationId: row.correlation_id,
    occurredAt: row.occurred_at.toISOString(),
    createdAt: row.created_at.toISOString(),
  };
}
