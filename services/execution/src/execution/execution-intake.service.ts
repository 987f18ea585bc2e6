import { Injectable, Logger } from '@nestjs/common';
import {
  APPLIED_ORDER_IDS_RETENTION_DAYS,
  type EnvelopeMetadata,
  type OrdersApprovedPayload,
  type PortfolioStatePayload,
  type PriceTickPayload,
} from '@ballast/contracts';
import { type EntityManager } from 'typeorm';
import { ExecutionOrder, ExecutionProposal, LastPrice, PortfolioSnapshot } from './execution.entities';
import { OrderStoreService } from './order-store';

/**
 * What the consumers write, inside the consumer's transaction (with its inbox row): approvals
 * become order rows (`received`) for the executor to drive, ledger snapshots and last prices
 * replace older ones. Nothing here talks to a broker.
 */
@Injectable()
export class ExecutionIntakeService {
  private readonly logger = new Logger(ExecutionIntakeService.name);

  constructor(private readonly store: OrderStoreService) {}

  async onOrdersApproved(
    manager: EntityManager,
    approval: OrdersApprovedPayload,
    envelope: EnvelopeMetadata,
  ): Promise<void> {
    const now = new Date();
    const inserted: unknown[] = await manager
      .createQueryBuilder()
      .insert()
      .into(ExecutionProposal)
      .values({
        proposalId: approval.proposalId,
        portfolioId: approval.portfolioId,
        stateVersion: approval.stateVersion,
        baseCurrency: approval.baseCurrency,
        expiresAt: new Date(approval.expiresAt),
        pricesUsed: approval.pricesUsed,
        correlationId: envelope.correlationId,
        approvalMessageId: envelope.id,
        status: 'open',
        claimedBy: null,
        leaseUntil: null,
        createdAt: now,
        completedAt: null,
      })
      .orIgnore()
      .returning(['proposalId'])
      .execute()
      .then((result) => result.raw as unknown[]);
    if (inserted.length === 0) {
      // The same approval under another message id (the api re-sent it): the orders exist already.
      this.logger.log(
        `approval of proposal ${approval.proposalId} already recorded (message ${envelope.id}): ignored`,
      );
      return;
    }
    await manager.insert(
      ExecutionOrder,
      approval.orders.map((order) => ({
        clientOrderId: order.clientOrderId,
        proposalId: approval.proposalId,
        portfolioId: approval.portfolioId,
        leg: order.leg,
        accountId: order.accountId,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        approvedQuantity: order.quantity,
        referencePrice: order.referencePrice,
        status: 'received' as const,
        createdAt: now,
        updatedAt: now,
      })),
    );
    if (now.getTime() >= Date.parse(approval.expiresAt)) {
      // A late delivery is not a fresh approval: refuse every leg now, nothing reaches a broker.
      const proposal = await manager.findOneByOrFail(ExecutionProposal, { proposalId: approval.proposalId });
      const rows = await manager.find(ExecutionOrder, {
        where: { proposalId: approval.proposalId },
        order: { leg: 'ASC' },
      });
      for (const row of rows) {
        await this.store.reject(
          manager,
          row,
          proposal,
          'pre-trade',
          'expired',
          `approval expired at ${approval.expiresAt}; it arrived at ${now.toISOString()}`,
        );
      }
      await manager.update(
        ExecutionProposal,
        { proposalId: approval.proposalId },
        { status: 'done', completedAt: now },
      );
      return;
    }
    this.logger.log(
      `approval of proposal ${approval.proposalId} recorded: ${approval.orders.length} order(s) for portfolio ${approval.portfolioId}`,
    );
  }

  /** Keeps the newest snapshot; marks this service's finished orders as included in the ledger. */
  async onPortfolioState(manager: EntityManager, state: PortfolioStatePayload): Promise<void> {
    const stored = await manager.findOne(PortfolioSnapshot, {
      where: { portfolioId: state.portfolioId },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && stored.version >= state.version) {
      this.logger.log(`portfolio ${state.portfolioId} v${state.version} ignored: v${stored.version} is held`);
      return;
    }
    await manager.query(
      `INSERT INTO portfolio_snapshot (portfolio_id, version, state, received_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (portfolio_id) DO UPDATE SET version = $2, state = $3, received_at = now()`,
      [state.portfolioId, state.version, JSON.stringify(state)],
    );
    if (state.appliedOrderIds !== undefined) {
      // Exact: the ledger lists the orders whose fills this version includes. A finished order
      // missing from a list that reaches back further than its finish was not booked in the window
      // (dead-lettered at the api for an operator to reconcile, or pruned): it stops counting too,
      // with a warning, rather than hold cash back forever.
      const applied: { client_order_id: string; listed: boolean }[] = await manager
        .query(
          `UPDATE execution_order SET applied = true, updated_at = now()
            WHERE portfolio_id = $1 AND applied = false AND status IN ('filled', 'partially-filled')
              AND (client_order_id = ANY($2) OR finalized_at < now() - ($3 || ' days')::interval)
            RETURNING client_order_id, client_order_id = ANY($2) AS listed`,
          [state.portfolioId, state.appliedOrderIds, String(APPLIED_ORDER_IDS_RETENTION_DAYS)],
        )
        .then((result: [{ client_order_id: string; listed: boolean }[], number]) => result[0]);
      for (const order of applied.filter((candidate) => !candidate.listed)) {
        this.logger.warn(
          `order ${order.client_order_id} finished more than ${APPLIED_ORDER_IDS_RETENTION_DAYS} days ago and portfolio ${state.portfolioId} v${state.version} does not list it as applied: no longer counted; reconcile it with the ledger`,
        );
      }
      return;
    }
    // An api that does not list applied orders: a finished order counts as included once a
    // snapshot newer than the one held when it finished, and written after it finished, arrives
    // (a snapshot for another change in between can count a buy as applied too early).
    await manager.query(
      `UPDATE execution_order SET applied = true, updated_at = now()
        WHERE portfolio_id = $1 AND applied = false AND status IN ('filled', 'partially-filled')
          AND COALESCE(final_snapshot_version, 0) < $2 AND finalized_at <= $3`,
      [state.portfolioId, state.version, new Date(state.updatedAt)],
    );
  }

  async onPriceTick(manager: EntityManager, tick: PriceTickPayload): Promise<void> {
    const stored = await manager.findOne(LastPrice, {
      where: { symbol: tick.symbol },
      lock: { mode: 'pessimistic_write' },
    });
    if (stored !== null && Number(stored.asOfMillis) >= tick.asOfMillis) return;
    await manager.upsert(
      LastPrice,
      {
        symbol: tick.symbol,
        price: tick.price,
        currency: tick.currency,
        asOf: new Date(tick.asOfMillis),
        asOfMillis: String(tick.asOfMillis),
        receivedAt: new Date(),
      },
      ['symbol'],
    );
  }
}
