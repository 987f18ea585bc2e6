import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type EnvelopeMetadata,
  ORDERS_PROPOSED_TOPIC,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  type PortfolioStatePayload,
  type RebalanceProposedPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox, UnprocessableMessageError } from '@ballast/platform-kafka';
import { type EntityManager } from 'typeorm';
import { type TaxConfig } from '../config/tax.config';
import { type HouseholdInput } from './household-view';
import { type LegRejection, pendingProposals } from './pending-proposals';
import { PortfolioSnapshot } from './tax.entities';
import { TaxInputError, taxOrders } from './tax-orders';

/** The snapshot a proposal was made from has not arrived yet: transient, retried, then dead-lettered. */
export class SnapshotNotYetHeldError extends Error {
  override readonly name = 'SnapshotNotYetHeldError';
}

type Outcome = 'orders' | 'no-orders' | 'deferred' | 'stale';

/**
 * Keeps the latest portfolio.state per portfolio (with its household) and turns rebalance.proposed
 * into orders.proposed, checking wash sales across the household.
 * The decision, the outgoing event (outbox) and the inbox row commit in one transaction.
 */
@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: TaxConfig,
  ) {}

  async onPortfolioState(manager: EntityManager, state: PortfolioStatePayload): Promise<void> {
    const stored = await manager.findOne(PortfolioSnapshot, {
      where: { portfolioId: state.portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && stored.version >= state.version) {
      this.logger.log(
        `portfolio ${state.portfolioId} v${state.version} ignored: v${stored.version} is already held`,
      );
      return;
    }
    await manager.query(
      `INSERT INTO portfolio_snapshot (portfolio_id, version, household_id, state) VALUES ($1, $2, $3, $4)
       ON CONFLICT (portfolio_id) DO UPDATE
         SET version = EXCLUDED.version, household_id = EXCLUDED.household_id, state = EXCLUDED.state`,
      [state.portfolioId, state.version, state.householdId, JSON.stringify(state)],
    );
  }

  /**
   * A leg refused by the api (stage `approval`, e.g. `ledger-changed`), by execution's pre-trade
   * checks or by the broker: recorded once per (proposal, leg), so that the household's wash-sale
   * check stops counting a buy that will never trade (see pending-proposals.ts for which codes).
   */
  async onOrdersRejected(manager: EntityManager, rejected: OrdersRejectedPayload): Promise<void> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO rejected_leg (proposal_id, leg, portfolio_id, side, stage, code, rejected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING proposal_id`,
      [
        rejected.proposalId,
        rejected.leg,
        rejected.portfolioId,
        rejected.side,
        rejected.stage,
        rejected.code,
        rejected.rejectedAt,
      ],
    );
    this.logger.log(
      inserted.length === 0
        ? `proposal ${rejected.proposalId} leg ${rejected.leg}: rejection already recorded`
        : `proposal ${rejected.proposalId} leg ${rejected.leg} (${rejected.side} ${rejected.symbol}) rejected at ${rejected.stage}: ${rejected.code}`,
    );
  }

  async onRebalanceProposed(
    manager: EntityManager,
    proposal: RebalanceProposedPayload,
    envelope: EnvelopeMetadata,
  ): Promise<OrdersProposedPayload | null> {
    if (proposal.chosen === 'defer' || proposal.trades.length === 0) {
      await this.record(manager, proposal, 'deferred', null, 'the optimizer chose to defer');
      this.logger.log(`proposal ${proposal.proposalId}: deferred, no orders`);
      return null;
    }
    const snapshot = await manager.findOne(PortfolioSnapshot, {
      where: { portfolioId: proposal.portfolioId },
    });
    if (snapshot === null || snapshot.version < proposal.stateVersion) {
      throw new SnapshotNotYetHeldError(
        `portfolio ${proposal.portfolioId}: proposal ${proposal.proposalId} is of state v${proposal.stateVersion}, ` +
          (snapshot === null ? 'no snapshot is held yet' : `v${snapshot.version} is held`),
      );
    }
    if (snapshot.version > proposal.stateVersion) {
      // The holdings the trades were planned on have changed: its lots may no longer exist.
      const reason = `proposal is of state v${proposal.stateVersion}, v${snapshot.version} is held`;
      await this.record(manager, proposal, 'stale', null, reason);
      this.logger.log(
        `proposal ${proposal.proposalId} for portfolio ${proposal.portfolioId} ignored: ${reason}`,
      );
      return null;
    }
    const household = await this.householdOf(manager, snapshot, envelope.occurredAt);
    let result;
    try {
      result = taxOrders({
        state: snapshot.state,
        household,
        proposal,
        proposedAt: envelope.occurredAt,
        resolution: this.config.WASH_SALE_RESOLUTION,
        approvalDefaults: {
          thresholdValue: this.config.APPROVAL_THRESHOLD_VALUE,
          fourEyesValue: this.config.APPROVAL_FOUR_EYES_VALUE,
          expiresAfterMinutes: this.config.APPROVAL_EXPIRES_AFTER_MINUTES,
        },
      });
    } catch (error) {
      if (error instanceof TaxInputError) {
        throw new UnprocessableMessageError(`proposal ${proposal.proposalId}: ${error.message}`);
      }
      throw error;
    }
    if (result.kind === 'no-orders') {
      await this.record(manager, proposal, 'no-orders', null, result.reason);
      this.logger.warn(`proposal ${proposal.proposalId}: no orders.proposed, ${result.reason}`);
      return null;
    }
    if (!(await this.record(manager, proposal, 'orders', result.payload, null))) return null;
    await this.outbox.enqueue(manager, ORDERS_PROPOSED_TOPIC, proposal.portfolioId, result.payload, {
      correlationId: envelope.correlationId,
      causationId: envelope.id,
    });
    const { approval, washSales, orders } = result.payload;
    this.logger.log(
      `orders.proposed ${proposal.proposalId} for portfolio ${proposal.portfolioId}: ${orders.length} order(s), ` +
        `${washSales.length} wash-sale finding(s), ${approval.required ? `${approval.approversRequired} approver(s) needed` : 'approved by policy'}`,
    );
    return result.payload;
  }

  /**
   * The rest of the proposal's household, for the wash-sale check: the latest snapshot of every other
   * portfolio with the same householdId, and their pending proposals. A proposal is pending while its
   * orders.proposed was made on the portfolio's current state version and its approval has not
   * expired at `proposedAt`: once its fills are applied the ledger publishes a new
   * version (and the buys are then transactions of that state). Legs refused on orders.rejected
   * (superseded by the api, refused at pre-trade or by the broker) drop out, and with them a proposal
   * whose every leg was refused. A proposal a person rejected through the api is not on
   * orders.rejected and keeps counting until it expires, erring on the side of flagging a wash.
   */
  private async householdOf(
    manager: EntityManager,
    snapshot: PortfolioSnapshot,
    proposedAt: string,
  ): Promise<HouseholdInput> {
    const portfolios = await manager.query<{ state: PortfolioStatePayload }[]>(
      `SELECT state FROM portfolio_snapshot WHERE household_id = $1 AND portfolio_id <> $2 ORDER BY portfolio_id`,
      [snapshot.householdId, snapshot.portfolioId],
    );
    const pending = await manager.query<
      { proposal_id: string; portfolio_id: string; orders: OrdersProposedPayload }[]
    >(
      `SELECT d.proposal_id, d.portfolio_id, d.orders
         FROM tax_decision d
         JOIN portfolio_snapshot s ON s.portfolio_id = d.portfolio_id AND s.version = d.state_version
        WHERE s.household_id = $1 AND d.portfolio_id <> $2 AND d.outcome = 'orders'
          AND (d.orders->'approval'->>'expiresAt')::timestamptz > $3::timestamptz
        ORDER BY d.created_at, d.proposal_id`,
      [snapshot.householdId, snapshot.portfolioId, proposedAt],
    );
    const rejections =
      pending.length === 0
        ? []
        : await manager.query<{ proposal_id: string; leg: number; stage: string; code: string }[]>(
            `SELECT proposal_id, leg, stage, code FROM rejected_leg WHERE proposal_id = ANY($1)`,
            [pending.map((row) => row.proposal_id)],
          );
    return {
      portfolios: portfolios.map((row) => row.state),
      pending: pendingProposals(
        pending.map((row) => ({
          proposalId: row.proposal_id,
          portfolioId: row.portfolio_id,
          orders: row.orders.orders,
        })),
        rejections.map((row): LegRejection => ({
          proposalId: row.proposal_id,
          leg: row.leg,
          // Written from the validated orders.rejected payload (onOrdersRejected).
          stage: row.stage as LegRejection['stage'],
          code: row.code as LegRejection['code'],
        })),
      ),
    };
  }

  /** Records the decision once per proposal; false when it was already recorded (then nothing is published). */
  private async record(
    manager: EntityManager,
    proposal: RebalanceProposedPayload,
    outcome: Outcome,
    orders: OrdersProposedPayload | null,
    reason: string | null,
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO tax_decision (proposal_id, portfolio_id, state_version, outcome, orders, reason)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING proposal_id`,
      [
        proposal.proposalId,
        proposal.portfolioId,
        proposal.stateVersion,
        outcome,
        orders === null ? null : JSON.stringify(orders),
        reason,
      ],
    );
    if (inserted.length === 0) {
      this.logger.log(`proposal ${proposal.proposalId} already decided; nothing published again`);
      return false;
    }
    return true;
  }
}
