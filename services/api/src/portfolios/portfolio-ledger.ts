import { BadRequestException, Injectable } from '@nestjs/common';
import {
  APPLIED_ORDER_IDS_RETENTION_DAYS,
  PORTFOLIO_STATE_TOPIC,
  type PortfolioStatePayload,
  portfolioStatePayloadSchema,
} from '@ballast/contracts';
import { Outbox, type PublishContext } from '@ballast/platform-kafka';
import { type EntityManager } from 'typeorm';
import { Portfolio } from './portfolio.entity';
import { PortfolioVersion } from './portfolio-version.entity';
import { jsonb } from '../jsonb';

/** Thrown when a change would produce a snapshot the portfolio.state schema rejects. */
export class InvalidPortfolioStateError extends Error {
  override readonly name = 'InvalidPortfolioStateError';

  constructor(readonly issues: { path: string; message: string }[]) {
    super(
      `the change would make an invalid portfolio: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    );
  }
}

export interface ChangeCause {
  /** What kind of change (see PortfolioVersion.cause). */
  cause: string;
  causedBy: string;
  publish?: PublishContext;
  /** Client order ids whose fills this change books (not yet in `applied_fill`). */
  applying?: readonly string[];
}

/**
 * The one place the ledger writes a portfolio: the next snapshot is validated with the topic's own
 * schema, the version bumped, the row, its history entry and the portfolio.state event written in
 * the caller's transaction (outbox), so that the ledger and what consumers see never diverge.
 */
@Injectable()
export class PortfolioLedger {
  constructor(private readonly outbox: Outbox) {}

  /** Locks the portfolio row for the rest of the transaction; null when it does not exist. */
  lock(manager: EntityManager, portfolioId: string): Promise<Portfolio | null> {
    return manager.findOne(Portfolio, { where: { portfolioId }, lock: { mode: 'pessimistic_write' } });
  }

  async create(
    manager: EntityManager,
    state: PortfolioStatePayload,
    cause: ChangeCause,
  ): Promise<PortfolioStatePayload> {
    // A new portfolio has booked no order; the empty list tells consumers that this ledger lists them.
    const valid = validState({ ...state, appliedOrderIds: [] });
    await manager.insert(Portfolio, {
      portfolioId: valid.portfolioId,
      householdId: valid.householdId,
      name: valid.name,
      version: valid.version,
      state: jsonb(valid),
    });
    await this.record(manager, valid, cause);
    return valid;
  }

  /** Stores `next` as the new version of `stored` (locked by the caller) and publishes it. */
  async commit(
    manager: EntityManager,
    stored: Portfolio,
    next: PortfolioStatePayload,
    cause: ChangeCause,
    now: Date = new Date(),
  ): Promise<PortfolioStatePayload> {
    const valid = validState({
      ...next,
      portfolioId: stored.portfolioId,
      householdId: stored.householdId,
      version: stored.version + 1,
      appliedOrderIds: await this.appliedOrderIds(manager, stored.portfolioId, cause.applying ?? [], now),
      updatedAt: now.toISOString(),
    });
    await manager.update(
      Portfolio,
      { portfolioId: stored.portfolioId },
      { version: valid.version, name: valid.name, state: jsonb(valid) },
    );
    await this.record(manager, valid, cause);
    return valid;
  }

  /**
   * Every version lists the orders whose fills the ledger booked in the last
   * APPLIED_ORDER_IDS_RETENTION_DAYS days (oldest first) and those this change books, so that
   * execution knows exactly which of its orders the snapshot includes, whatever change it follows.
   */
  private async appliedOrderIds(
    manager: EntityManager,
    portfolioId: string,
    applying: readonly string[],
    now: Date,
  ): Promise<string[]> {
    const rows = await manager.query<{ client_order_id: string }[]>(
      `SELECT client_order_id FROM applied_fill
        WHERE portfolio_id = $1 AND applied_at > $2::timestamptz - ($3 || ' days')::interval
        GROUP BY client_order_id ORDER BY min(applied_at), client_order_id`,
      [portfolioId, now.toISOString(), String(APPLIED_ORDER_IDS_RETENTION_DAYS)],
    );
    const ids = rows.map((row) => row.client_order_id);
    return [...ids, ...applying.filter((id, index) => !ids.includes(id) && applying.indexOf(id) === index)];
  }

  private async record(
    manager: EntityManager,
    state: PortfolioStatePayload,
    cause: ChangeCause,
  ): Promise<void> {
    await manager.insert(PortfolioVersion, {
      portfolioId: state.portfolioId,
      version: state.version,
      state: jsonb(state),
      cause: cause.cause,
      causedBy: cause.causedBy,
    });
    await this.outbox.enqueue(manager, PORTFOLIO_STATE_TOPIC, state.portfolioId, state, cause.publish ?? {});
  }
}

function validState(state: PortfolioStatePayload): PortfolioStatePayload {
  const result = portfolioStatePayloadSchema.safeParse(state);
  if (result.success) return result.data;
  throw new InvalidPortfolioStateError(
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(state)',
      message: issue.message,
    })),
  );
}

/** A 400 naming every problem of a change, in the shape of ZodBodyPipe's answers. */
export function invalidChange(error: InvalidPortfolioStateError): BadRequestException {
  return new BadRequestException({ error: 'ValidationError', message: error.message, issues: error.issues });
}
