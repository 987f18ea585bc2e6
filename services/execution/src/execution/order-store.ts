import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ORDERS_EXECUTED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersExecutedPayload,
  type PortfolioStatePayload,
  type OrdersRejectedPayload,
  type RejectionCode,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox, OutboxRelay } from '@ballast/platform-kafka';
import Decimal from 'decimal.js';
import { DataSource, type EntityManager, In } from 'typeorm';
import { BROKER, type Broker, type BrokerOrder } from '../broker/broker.port';
import { type ExecutionConfig } from '../config/execution.config';
import { KillSwitchService } from '../kill-switch/kill-switch.service';
import { ExecutionOrder, ExecutionProposal, LastPrice, PortfolioSnapshot } from './execution.entities';
import { type DrivenOrder, type OrderStore } from './order-driver';
import { brokerSubmissions, finishedOrders, unknownOutcomes } from './execution.metrics';
import { assertTransition, type OrderStatus } from './order-status';
import { buyPolicyOf, UnpricedCashBufferError } from './buy-policy';
import {
  accountValue,
  availableFunds,
  type BuySizing,
  preTradeCheck,
  type UnappliedOrder,
} from './pre-trade';

const IN_FLIGHT: OrderStatus[] = ['pending', 'submitted', 'unknown'];

/** PostgreSQL numeric comes back with the stored scale ("16.000"); events carry plain decimals. */
export function plainDecimal(value: Decimal.Value): string {
  return new Decimal(value).toFixed();
}

/**
 * The order rows and the events they cause, each step in its own transaction with a row lock on
 * the order: what the driver writes is durable before its next broker call, and an event is in
 * the outbox exactly when the order reached its final state.
 */
@Injectable()
export class OrderStoreService implements OrderStore {
  private readonly logger = new Logger(OrderStoreService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    private readonly killSwitch: KillSwitchService,
    @Inject(APP_CONFIG) private readonly config: ExecutionConfig,
    @Inject(BROKER) broker: Broker,
  ) {
    this.brokerName = broker.name;
    this.quantityDecimals = broker.quantityDecimals;
  }

  private readonly brokerName: string;
  private readonly quantityDecimals: number;

  async reload(clientOrderId: string): Promise<DrivenOrder> {
    return this.dataSource.manager.findOneOrFail(ExecutionOrder, { where: { clientOrderId } });
  }

  async runPreTrade(order: DrivenOrder): Promise<'pending' | 'rejected' | 'waiting'> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const row = await this.lockOrder(manager, order.clientOrderId);
      if (row.status !== 'received') return row.status === 'rejected' ? 'rejected' : 'pending';
      const proposal = await manager.findOneOrFail(ExecutionProposal, {
        where: { proposalId: row.proposalId },
      });
      // The snapshot row lock serialises every reservation of one portfolio, across replicas too.
      const snapshot = await manager.findOne(PortfolioSnapshot, {
        where: { portfolioId: row.portfolioId },
        lock: { mode: 'pessimistic_write' },
      });
      const now = new Date();
      if (snapshot === null || snapshot.version < proposal.stateVersion) {
        const waitedMs = now.getTime() - proposal.createdAt.getTime();
        if (waitedMs < this.config.EXECUTION_SNAPSHOT_WAIT_MS) return 'waiting';
        const held = snapshot === null ? 'none' : `v${snapshot.version}`;
        await this.reject(
          manager,
          row,
          proposal,
          'pre-trade',
          row.side === 'buy' ? 'insufficient-cash' : 'insufficient-holdings',
          `the ledger snapshot v${proposal.stateVersion} of portfolio ${row.portfolioId} did not arrive within ${Math.round(waitedMs / 1000)} s (held: ${held}): cash and holdings cannot be checked`,
        );
        return 'rejected';
      }
      const [lastPrice, unapplied, killSwitch] = await Promise.all([
        manager.findOne(LastPrice, { where: { symbol: row.symbol } }),
        this.unappliedOrders(manager, row.portfolioId),
        this.killSwitch.state(manager),
      ]);
      const priceUsed = proposal.pricesUsed.find((price) => price.symbol === row.symbol);
      const sizing =
        row.side === 'buy'
          ? await this.buySizing(manager, snapshot.state, unapplied, row.accountId, proposal, now)
          : null;
      const result = preTradeCheck({
        order: row,
        now,
        expiresAt: proposal.expiresAt,
        lastPrice,
        priceUsedAsOf: priceUsed === undefined ? null : new Date(priceUsed.asOf),
        funds: availableFunds(snapshot.state, unapplied, row.accountId, row.symbol),
        sizing,
        limits: {
          killSwitch,
          haltedSymbols: this.config.EXECUTION_HALTED_SYMBOLS,
          restrictedSymbols: this.config.EXECUTION_RESTRICTED_SYMBOLS,
          maxPriceAgeMs: this.config.EXECUTION_MAX_PRICE_AGE_MS,
          collarBps: this.config.EXECUTION_PRICE_COLLAR_BPS,
          maxOrderNotional: this.config.EXECUTION_MAX_ORDER_NOTIONAL,
          commissionPerOrder: this.config.EXECUTION_COMMISSION_PER_ORDER,
          spreadBps: this.config.EXECUTION_SPREAD_BPS,
        },
      });
      if (!result.ok) {
        await this.reject(manager, row, proposal, 'pre-trade', result.code, result.reason);
        return 'rejected';
      }
      // The collar goes to the broker as a limit: rounded to cents inward, never beyond it.
      const collar = new Decimal(this.config.EXECUTION_PRICE_COLLAR_BPS).dividedBy(10_000);
      const limitPrice =
        row.side === 'buy'
          ? new Decimal(result.lastPrice).times(collar.plus(1)).toDecimalPlaces(2, Decimal.ROUND_DOWN)
          : new Decimal(result.lastPrice)
              .times(new Decimal(1).minus(collar))
              .toDecimalPlaces(2, Decimal.ROUND_UP);
      await this.transition(manager, row, 'pending', {
        reservedCash: result.reservedCash,
        limitPrice: limitPrice.toFixed(),
        broker: this.brokerName,
        ...(result.reduction === null
          ? {}
          : {
              quantity: result.quantity,
              reductionReason: result.reduction.reason,
              reductionDetail: result.reduction.detail,
            }),
      });
      this.logger.log(
        `${row.clientOrderId} passed pre-trade: ${row.side} ${result.quantity} ${row.symbol} at last ${result.lastPrice} (limit ${limitPrice.toFixed()})${result.reduction === null ? '' : `, ${result.reduction.reason}: ${result.reduction.detail}`}`,
      );
      return 'pending';
    });
    if (outcome === 'rejected') this.relay.wake();
    return outcome;
  }

  async recordSubmitAttempt(order: DrivenOrder): Promise<void> {
    await this.dataSource.manager.increment(
      ExecutionOrder,
      { clientOrderId: order.clientOrderId },
      'submitAttempts',
      1,
    );
    brokerSubmissions.inc({ broker: this.brokerName });
  }

  async markSubmitted(order: DrivenOrder, brokerOrder: BrokerOrder): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockOrder(manager, order.clientOrderId);
      if (row.status === 'submitted') return;
      await this.transition(manager, row, 'submitted', {
        brokerOrderId: brokerOrder.brokerOrderId,
        submittedAt: row.submittedAt ?? new Date(),
        unknownSince: null,
      });
    });
  }

  async markUnknown(order: DrivenOrder, reason: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockOrder(manager, order.clientOrderId);
      if (row.status === 'unknown') return;
      await this.transition(manager, row, 'unknown', { unknownSince: new Date() });
    });
    unknownOutcomes.inc({ broker: this.brokerName });
    this.logger.warn(`${order.clientOrderId}: outcome unknown (${reason}); looking it up by client order id`);
  }

  async finish(order: DrivenOrder, brokerOrder: BrokerOrder): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockOrder(manager, order.clientOrderId);
      if (row.status === 'filled' || row.status === 'partially-filled' || row.status === 'rejected') return;
      const proposal = await manager.findOneOrFail(ExecutionProposal, {
        where: { proposalId: row.proposalId },
      });
      const filled = new Decimal(brokerOrder.filledQuantity);
      if (filled.isZero()) {
        await this.reject(
          manager,
          row,
          proposal,
          'broker',
          'broker-rejected',
          `broker ${this.brokerName} ${brokerOrder.brokerStatus} order ${brokerOrder.brokerOrderId} with nothing filled${brokerOrder.reason === null ? '' : `: ${brokerOrder.reason}`}`,
        );
        return;
      }
      const status = filled.equals(row.quantity) ? 'filled' : 'partially-filled';
      const gross = brokerOrder.fills.reduce(
        (sum, fill) => sum.plus(new Decimal(fill.quantity).times(fill.price)),
        new Decimal(0),
      );
      const fees = brokerOrder.fills.reduce((sum, fill) => sum.plus(fill.fee), new Decimal(0));
      const cashEffect = row.side === 'buy' ? gross.plus(fees).negated() : gross.minus(fees);
      const snapshot = await manager.findOne(PortfolioSnapshot, { where: { portfolioId: row.portfolioId } });
      const now = new Date();
      await this.transition(manager, row, status, {
        brokerOrderId: brokerOrder.brokerOrderId,
        filledQuantity: filled.toFixed(),
        fills: brokerOrder.fills,
        cashEffect: cashEffect.toFixed(),
        finalSnapshotVersion: snapshot?.version ?? null,
        finalizedAt: now,
      });
      const payload: OrdersExecutedPayload = {
        proposalId: row.proposalId,
        portfolioId: row.portfolioId,
        leg: row.leg,
        clientOrderId: row.clientOrderId,
        accountId: row.accountId,
        symbol: row.symbol,
        side: row.side,
        baseCurrency: proposal.baseCurrency,
        requestedQuantity: plainDecimal(row.quantity),
        filledQuantity: filled.toFixed(),
        status,
        fills: brokerOrder.fills,
        broker: this.brokerName,
        brokerOrderId: brokerOrder.brokerOrderId,
        executedAt: now.toISOString(),
        ...(row.reductionReason === null || row.reductionDetail === null
          ? {}
          : {
              reduction: {
                approvedQuantity: plainDecimal(row.approvedQuantity),
                reason: row.reductionReason,
                detail: row.reductionDetail,
              },
            }),
      };
      await this.outbox.enqueue(manager, ORDERS_EXECUTED_TOPIC, row.portfolioId, payload, {
        correlationId: proposal.correlationId,
        causationId: proposal.approvalMessageId,
      });
      finishedOrders.inc({ outcome: status, stage: 'broker', code: 'none', broker: this.brokerName });
      this.logger.log(
        `${row.clientOrderId} ${status}: ${row.side} ${filled.toFixed()}/${plainDecimal(row.quantity)} ${row.symbol} at ${this.brokerName} (${brokerOrder.brokerOrderId})`,
      );
    });
    this.relay.wake();
  }

  async rejectAtBroker(
    order: DrivenOrder,
    code: 'broker-rejected' | 'outcome-unknown',
    reason: string,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await this.lockOrder(manager, order.clientOrderId);
      if (row.status === 'filled' || row.status === 'partially-filled' || row.status === 'rejected') return;
      const proposal = await manager.findOneOrFail(ExecutionProposal, {
        where: { proposalId: row.proposalId },
      });
      await this.reject(manager, row, proposal, 'broker', code, reason);
    });
    this.relay.wake();
  }

  /**
   * Rejects an order (in the caller's transaction) and enqueues its orders.rejected. Used by the
   * pre-trade check, the broker outcomes and the approval consumer (expired approvals).
   */
  async reject(
    manager: EntityManager,
    row: ExecutionOrder,
    proposal: ExecutionProposal,
    stage: 'pre-trade' | 'broker',
    code: RejectionCode,
    reason: string,
  ): Promise<void> {
    const now = new Date();
    await this.transition(manager, row, 'rejected', {
      rejectionStage: stage,
      rejectionCode: code,
      rejectionReason: reason,
      finalizedAt: now,
    });
    const payload: OrdersRejectedPayload = {
      proposalId: row.proposalId,
      portfolioId: row.portfolioId,
      leg: row.leg,
      clientOrderId: row.clientOrderId,
      accountId: row.accountId,
      symbol: row.symbol,
      side: row.side,
      quantity: plainDecimal(row.quantity),
      stage,
      code,
      reason,
      rejectedAt: now.toISOString(),
    };
    await this.outbox.enqueue(manager, ORDERS_REJECTED_TOPIC, row.portfolioId, payload, {
      correlationId: proposal.correlationId,
      causationId: proposal.approvalMessageId,
    });
    finishedOrders.inc({ outcome: 'rejected', stage, code, broker: this.brokerName });
    this.logger.warn(`${row.clientOrderId} rejected at ${stage} (${code}): ${reason}`);
  }

  private async lockOrder(manager: EntityManager, clientOrderId: string): Promise<ExecutionOrder> {
    return manager.findOneOrFail(ExecutionOrder, {
      where: { clientOrderId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async transition(
    manager: EntityManager,
    row: ExecutionOrder,
    to: OrderStatus,
    changes: Partial<ExecutionOrder>,
  ): Promise<void> {
    assertTransition(row.clientOrderId, row.status, to);
    await manager.update(
      ExecutionOrder,
      { clientOrderId: row.clientOrderId },
      { ...changes, status: to, updatedAt: new Date() },
    );
  }

  /**
   * How a buy the cash does not cover is cut: the planning policy's `wholeShares`, `minTradeValue`
   * and `cashBuffer` (the buffer valued at the last prices, the proposal's where none arrived), and
   * the broker's fractional precision. An Error names what could not be read.
   */
  private async buySizing(
    manager: EntityManager,
    state: PortfolioStatePayload,
    unapplied: readonly UnappliedOrder[],
    accountId: string,
    proposal: ExecutionProposal,
    now: Date,
  ): Promise<BuySizing | Error> {
    const policy = buyPolicyOf(state, now);
    if (policy instanceof Error) return policy;
    let cashBuffer = new Decimal(0);
    if (policy.cashBuffer > 0) {
      const symbols = [
        ...(state.accounts.find((account) => account.accountId === accountId)?.positions ?? []).map(
          (position) => position.symbol,
        ),
        ...unapplied.filter((order) => order.accountId === accountId).map((order) => order.symbol),
      ];
      const last = new Map(
        (await manager.findBy(LastPrice, { symbol: In([...new Set(symbols)]) })).map((row) => [
          row.symbol,
          row.price,
        ]),
      );
      const used = new Map(proposal.pricesUsed.map((price) => [price.symbol, price.price]));
      const valued = accountValue(
        state,
        unapplied,
        accountId,
        (symbol) => last.get(symbol) ?? used.get(symbol),
      );
      if ('missing' in valued) {
        return new UnpricedCashBufferError(
          `the cash buffer (${policy.cashBuffer} of the account's value) needs a price for ${valued.missing.join(', ')}`,
        );
      }
      cashBuffer = valued.value.times(String(policy.cashBuffer));
    }
    return {
      wholeShares: policy.wholeShares,
      quantityDecimals: this.quantityDecimals,
      minTradeValue: policy.minTradeValue,
      cashBuffer,
    };
  }

  private async unappliedOrders(manager: EntityManager, portfolioId: string): Promise<UnappliedOrder[]> {
    const rows = await manager.find(ExecutionOrder, {
      where: {
        portfolioId,
        applied: false,
        status: In([...IN_FLIGHT, 'filled', 'partially-filled']),
      },
    });
    return rows.map((row) => ({
      accountId: row.accountId,
      symbol: row.symbol,
      side: row.side,
      quantity: row.quantity,
      inFlight: IN_FLIGHT.includes(row.status),
      reservedCash: row.reservedCash,
      cashEffect: row.cashEffect,
      filledQuantity: row.filledQuantity,
    }));
  }
}
