import {
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type Approval,
  clientOrderIdFor,
  type EnvelopeMetadata,
  ORDERS_APPROVED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  type OrdersApprovedPayload,
  type OrdersProposedPayload,
  type OrdersRejectedPayload,
  type PriceTickPayload,
} from '@ballast/contracts';
import { APP_CONFIG } from '@ballast/platform-config';
import { Outbox, OutboxRelay, UnprocessableMessageError } from '@ballast/platform-kafka';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type ApiConfig } from '../config/api.config';
import { type Principal } from '../auth/roles';
import { assertMember, memberHouseholdIds } from '../households/household-access';
import { Portfolio } from '../portfolios/portfolio.entity';
import { PortfolioVersion } from '../portfolios/portfolio-version.entity';
import { RebalanceRequestRecord } from '../portfolios/rebalance-request.entity';
import { proposalAllocations } from './allocations';
import {
  checkApproval,
  type LedgerChange,
  ledgerChange,
  movedPrices,
  type ProposalStatus,
} from './approval-rules';
import {
  type DecisionKind,
  LatestPrice,
  type LegState,
  Proposal,
  ProposalDecision,
} from './proposal.entities';
import { jsonb } from '../jsonb';

/** A person's approval refused because prices moved since the proposal: 409 naming the symbols. */
export class PricesMovedException extends ConflictException {}

/** A person's approval refused because the ledger changed since the proposal: 409, both versions. */
export class LedgerChangedException extends ConflictException {}

/**
 * Approvals: orders.proposed in, orders.approved out (through the outbox, in the transaction that
 * records the decision). Below the policy's threshold the policy approves at once; above it people
 * do, through the HTTP routes, with every rule of approval-rules.ts.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** Consumer of orders.proposed, in the consumer's (inbox) transaction. */
  async onOrdersProposed(
    manager: EntityManager,
    proposed: OrdersProposedPayload,
    cause: EnvelopeMetadata,
    now: Date = new Date(),
  ): Promise<void> {
    const portfolio = await manager.findOneBy(Portfolio, { portfolioId: proposed.portfolioId });
    if (portfolio === null) {
      throw new UnprocessableMessageError(`orders.proposed for unknown portfolio ${proposed.portfolioId}`);
    }
    if (await manager.existsBy(Proposal, { proposalId: proposed.proposalId })) {
      // The same proposal under another message id (a producer's retry): the first one counts.
      this.logger.warn(`proposal ${proposed.proposalId} already held: second copy ignored`);
      return;
    }
    const request = await manager.findOneBy(RebalanceRequestRecord, { requestId: cause.correlationId });
    const before = await manager.findOneBy(PortfolioVersion, {
      portfolioId: proposed.portfolioId,
      version: proposed.stateVersion,
    });
    const expiresAt = new Date(proposed.approval.expiresAt);
    const proposal: Proposal = manager.create(Proposal, {
      proposalId: proposed.proposalId,
      portfolioId: proposed.portfolioId,
      householdId: portfolio.householdId,
      status: 'pending',
      stateVersion: proposed.stateVersion,
      approversRequired: proposed.approval.approversRequired,
      proposedBy: request?.portfolioId === proposed.portfolioId ? request.requestedBy : null,
      correlationId: cause.correlationId,
      payload: proposed,
      approvals: [],
      legs: proposed.orders.map((order): LegState => ({
        leg: order.leg,
        status: 'proposed',
        filledQuantity: '0',
        fees: '0',
        fills: [],
        relieved: {},
        rejection: null,
      })),
      beforeState: before?.state ?? null,
      expiresAt,
      decidedAt: null,
    });
    await manager.insert(Proposal, {
      ...proposal,
      payload: jsonb(proposal.payload),
      beforeState: jsonb(proposal.beforeState),
    });
    await this.decide(manager, proposal, 'received', 'system', {
      messageId: cause.id,
      approvalRequired: proposed.approval.required,
      approversRequired: proposed.approval.approversRequired,
      reason: proposed.approval.reason,
      proposedBy: proposal.proposedBy,
    });
    if (now.getTime() >= expiresAt.getTime()) {
      await this.expire(manager, proposal, now);
      return;
    }
    // Fills or edits booked while the optimizer and the tax service worked: nobody may approve
    // orders planned for a ledger that is gone, by policy or in person.
    const change = await this.ledgerChangeOf(manager, proposal);
    if (change !== null) {
      await this.supersede(manager, proposal, change, 'system', now, cause.id);
      return;
    }
    if (!proposed.approval.required) {
      const approval: Approval = { kind: 'policy', rule: proposed.approval.reason, at: now.toISOString() };
      await this.approve(manager, proposal, approval, now, cause.id);
    }
  }

  /** `POST /proposals/:id/approve`: one person's approval (the user id comes from the credential). */
  async approveAsPerson(principal: Principal, proposalId: string, now: Date = new Date()) {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const proposal = await this.visible(manager, principal, proposalId, true);
      const check = checkApproval(proposal, principal, now);
      if (!check.ok) {
        if (check.code === 'expired') {
          await this.expire(manager, proposal, now);
          return { refused: new ConflictException({ error: 'ProposalExpired', message: check.message }) };
        }
        const body = { error: 'ApprovalRefused', code: check.code, message: check.message };
        return { refused: check.status === 403 ? new ForbiddenException(body) : new ConflictException(body) };
      }
      const change = await this.ledgerChangeOf(manager, proposal);
      if (change !== null) {
        await this.supersede(manager, proposal, change, principal.userId, now, null);
        return {
          refused: new LedgerChangedException({
            error: 'LedgerChanged',
            code: 'ledger-changed',
            message: change.message,
            proposalVersion: change.proposalVersion,
            currentVersion: change.currentVersion,
            changed: change.changed,
          }),
        };
      }
      const moved = await this.pricesMoved(manager, proposal);
      if (moved.length > 0) {
        return {
          refused: new PricesMovedException({
            error: 'PricesMoved',
            message: `prices moved more than ${this.config.APPROVAL_PRICE_TOLERANCE_BPS} bps since the proposal: ${moved
              .map((entry) => `${entry.symbol} ${entry.priceUsed} -> ${entry.latestPrice}`)
              .join(', ')}; ask for a new proposal`,
            moved,
          }),
        };
      }
      const approval: Approval = { kind: 'person', userId: principal.userId, at: now.toISOString() };
      if (check.complete) {
        await this.approve(manager, proposal, approval, now, null);
      } else {
        proposal.approvals = [...proposal.approvals, approval];
        await manager.update(Proposal, { proposalId }, { approvals: proposal.approvals });
        await this.decide(manager, proposal, 'approval', principal.userId, {
          approvals: proposal.approvals.length,
          approversRequired: proposal.approversRequired,
        });
      }
      return { refused: undefined };
    });
    // An expiry or a supersession found on the way is committed; the refusal is answered after.
    if (outcome.refused !== undefined) {
      this.relay.wake();
      throw outcome.refused;
    }
    this.relay.wake();
    return this.get(principal, proposalId);
  }

  async reject(principal: Principal, proposalId: string, reason: string, now: Date = new Date()) {
    await this.dataSource.transaction(async (manager) => {
      const proposal = await this.visible(manager, principal, proposalId, true);
      if (proposal.status !== 'pending') {
        throw new ConflictException({
          error: 'ProposalDecided',
          message: `the proposal is ${proposal.status}`,
        });
      }
      await manager.update(Proposal, { proposalId }, { status: 'rejected', decidedAt: now });
      proposal.status = 'rejected';
      await this.decide(manager, proposal, 'rejected', principal.userId, { reason });
    });
    return this.get(principal, proposalId);
  }

  /** Consumer of price.tick: keeps the newest price per symbol (older or repeated ticks are ignored). */
  async onPriceTick(manager: EntityManager, tick: PriceTickPayload): Promise<void> {
    await manager.query(
      `INSERT INTO latest_price (symbol, price, currency, as_of_millis, source) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (symbol) DO UPDATE SET price = EXCLUDED.price, currency = EXCLUDED.currency,
         as_of_millis = EXCLUDED.as_of_millis, source = EXCLUDED.source
       WHERE latest_price.as_of_millis < EXCLUDED.as_of_millis`,
      [tick.symbol, tick.price, tick.currency, tick.asOfMillis, tick.source],
    );
  }

  /** The latest price held per symbol (all symbols when none are named): the live view. */
  async prices(symbols: string[]) {
    const rows =
      symbols.length === 0
        ? await this.dataSource.getRepository(LatestPrice).find({ order: { symbol: 'ASC' } })
        : await this.dataSource
            .getRepository(LatestPrice)
            .find({ where: { symbol: In(symbols) }, order: { symbol: 'ASC' } });
    return rows.map((row) => ({
      symbol: row.symbol,
      price: row.price,
      currency: row.currency,
      asOf: new Date(Number(row.asOfMillis)).toISOString(),
      source: row.source,
    }));
  }

  async list(principal: Principal, filter: { portfolioId?: string; status?: string }) {
    const households = await memberHouseholdIds(this.dataSource.manager, principal);
    if (households.length === 0) return [];
    const proposals = await this.dataSource.getRepository(Proposal).find({
      where: {
        householdId: In(households),
        ...(filter.portfolioId === undefined ? {} : { portfolioId: filter.portfolioId }),
        ...(filter.status === undefined ? {} : { status: filter.status as ProposalStatus }),
      },
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return Promise.all(proposals.map((proposal) => this.view(this.dataSource.manager, proposal)));
  }

  async get(principal: Principal, proposalId: string) {
    const proposal = await this.visible(this.dataSource.manager, principal, proposalId, false);
    return this.view(this.dataSource.manager, proposal);
  }

  async decisions(principal: Principal, filter: { proposalId?: string; portfolioId?: string }) {
    if (filter.proposalId !== undefined)
      await this.visible(this.dataSource.manager, principal, filter.proposalId, false);
    const households = await memberHouseholdIds(this.dataSource.manager, principal);
    if (households.length === 0) return [];
    const rows: ProposalDecision[] = await this.dataSource
      .getRepository(ProposalDecision)
      .createQueryBuilder('decision')
      .innerJoin(Proposal, 'proposal', 'proposal.proposal_id = decision.proposal_id')
      .where('proposal.household_id IN (:...households)', { households })
      .andWhere(filter.proposalId === undefined ? 'TRUE' : 'decision.proposal_id = :proposalId', {
        proposalId: filter.proposalId,
      })
      .andWhere(filter.portfolioId === undefined ? 'TRUE' : 'decision.portfolio_id = :portfolioId', {
        portfolioId: filter.portfolioId,
      })
      .orderBy('decision.decision_id', 'ASC')
      .limit(1000)
      .getMany();
    return rows.map((row) => ({
      proposalId: row.proposalId,
      portfolioId: row.portfolioId,
      kind: row.kind,
      actor: row.actor,
      at: row.at.toISOString(),
      detail: row.detail,
    }));
  }

  /** Every leg of the caller's proposals with its state (what was approved, filled, rejected). */
  async orders(principal: Principal, filter: { portfolioId?: string; proposalId?: string }) {
    const proposals = await this.list(principal, {
      ...(filter.portfolioId === undefined ? {} : { portfolioId: filter.portfolioId }),
    });
    return proposals
      .filter((proposal) => filter.proposalId === undefined || proposal.proposalId === filter.proposalId)
      .flatMap((proposal) =>
        proposal.orders.map((order) => ({
          proposalId: proposal.proposalId,
          portfolioId: proposal.portfolioId,
          proposalStatus: proposal.status,
          ...order,
        })),
      );
  }

  private async view(manager: EntityManager, proposal: Proposal) {
    const current = await manager.findOneBy(Portfolio, { portfolioId: proposal.portfolioId });
    const status =
      proposal.status === 'pending' && Date.now() >= proposal.expiresAt.getTime()
        ? 'expired'
        : proposal.status;
    const legs = new Map(proposal.legs.map((leg) => [leg.leg, leg]));
    return {
      proposalId: proposal.proposalId,
      portfolioId: proposal.portfolioId,
      householdId: proposal.householdId,
      status,
      stateVersion: proposal.stateVersion,
      approversRequired: proposal.approversRequired,
      proposedBy: proposal.proposedBy,
      approvals: proposal.approvals,
      expiresAt: proposal.expiresAt.toISOString(),
      decidedAt: proposal.decidedAt?.toISOString() ?? null,
      createdAt: proposal.createdAt.toISOString(),
      approval: proposal.payload.approval,
      taxImpact: proposal.payload.taxImpact,
      washSales: proposal.payload.washSales,
      totalValue: proposal.payload.totalValue,
      pricesUsed: proposal.payload.pricesUsed,
      explanation: proposal.payload.explanation,
      orders: proposal.payload.orders.map((order) => ({
        ...order,
        clientOrderId: clientOrderIdFor(proposal.proposalId, order.leg),
        state: legs.get(order.leg) ?? null,
      })),
      allocations: proposalAllocations(proposal.payload, proposal.beforeState, current?.state ?? null),
    };
  }

  private async approve(
    manager: EntityManager,
    proposal: Proposal,
    approval: Approval,
    now: Date,
    causationId: string | null,
  ): Promise<void> {
    const approvals = [...proposal.approvals, approval];
    const latest = await this.latestPrices(
      manager,
      proposal.payload.orders.map((order) => order.symbol),
    );
    const payload: OrdersApprovedPayload = {
      proposalId: proposal.proposalId,
      portfolioId: proposal.portfolioId,
      stateVersion: proposal.stateVersion,
      baseCurrency: proposal.payload.baseCurrency,
      approvals,
      approvedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.config.APPROVED_ORDERS_TTL_SECONDS * 1_000).toISOString(),
      orders: proposal.payload.orders.map((order) => ({
        leg: order.leg,
        clientOrderId: clientOrderIdFor(proposal.proposalId, order.leg),
        accountId: order.accountId,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        referencePrice: priceAtApproval(proposal.payload, order.symbol, order.referencePrice, latest),
      })),
      pricesUsed: proposal.payload.pricesUsed,
    };
    const legs = proposal.legs.map((leg): LegState => ({ ...leg, status: 'approved' }));
    await manager.update(
      Proposal,
      { proposalId: proposal.proposalId },
      { status: 'approved', approvals, legs, decidedAt: now },
    );
    proposal.status = 'approved';
    proposal.approvals = approvals;
    proposal.legs = legs;
    await this.outbox.enqueue(manager, ORDERS_APPROVED_TOPIC, proposal.portfolioId, payload, {
      correlationId: proposal.correlationId,
      ...(causationId === null ? {} : { causationId }),
    });
    await this.decide(
      manager,
      proposal,
      'approved',
      approval.kind === 'person' ? approval.userId : 'policy',
      {
        approvals,
        expiresAt: payload.expiresAt,
      },
    );
  }

  /**
   * The ledger change that invalidates the proposal, if any. The portfolio row is read under a
   * share lock: a fill or an edit (which lock it for update) cannot commit between this check and
   * the approval, so an approval never goes out for a version older than the ledger's.
   */
  private async ledgerChangeOf(manager: EntityManager, proposal: Proposal): Promise<LedgerChange | null> {
    const current = await manager.findOne(Portfolio, {
      where: { portfolioId: proposal.portfolioId },
      lock: { mode: 'pessimistic_read' },
    });
    if (current === null) return null;
    return ledgerChange(proposal.stateVersion, proposal.beforeState, current.state);
  }

  /**
   * The proposal will never be sent: status `superseded`, every leg rejected with code
   * `ledger-changed` (stage `approval`), one orders.rejected per leg through the outbox (so the
   * notification and the history say so) and a `superseded` decision naming both versions. A new
   * proposal comes from the next trigger of the monitor or a new rebalance request.
   */
  private async supersede(
    manager: EntityManager,
    proposal: Proposal,
    change: LedgerChange,
    actor: string,
    now: Date,
    causationId: string | null,
  ): Promise<void> {
    const at = now.toISOString();
    const legs = proposal.legs.map((leg): LegState => ({
      ...leg,
      status: 'rejected',
      rejection: { code: 'ledger-changed', stage: 'approval', reason: change.message, at },
    }));
    await manager.update(
      Proposal,
      { proposalId: proposal.proposalId },
      { status: 'superseded', legs, decidedAt: now },
    );
    proposal.status = 'superseded';
    proposal.legs = legs;
    for (const order of proposal.payload.orders) {
      const payload: OrdersRejectedPayload = {
        proposalId: proposal.proposalId,
        portfolioId: proposal.portfolioId,
        leg: order.leg,
        clientOrderId: clientOrderIdFor(proposal.proposalId, order.leg),
        accountId: order.accountId,
        symbol: order.symbol,
        side: order.side,
        quantity: order.quantity,
        stage: 'approval',
        code: 'ledger-changed',
        reason: change.message,
        rejectedAt: at,
        // Both versions: the monitor may still hold the proposal's snapshot when this arrives
        // (portfolio.state is another topic) and then waits for ledgerVersion before re-arming.
        stateVersion: change.proposalVersion,
        ledgerVersion: change.currentVersion,
      };
      await this.outbox.enqueue(manager, ORDERS_REJECTED_TOPIC, proposal.portfolioId, payload, {
        correlationId: proposal.correlationId,
        ...(causationId === null ? {} : { causationId }),
      });
    }
    await this.decide(manager, proposal, 'superseded', actor, {
      code: 'ledger-changed',
      proposalVersion: change.proposalVersion,
      currentVersion: change.currentVersion,
      changed: change.changed,
      reason: change.message,
    });
    this.logger.log(`proposal ${proposal.proposalId} superseded: ${change.message}`);
  }

  private async expire(manager: EntityManager, proposal: Proposal, now: Date): Promise<void> {
    await manager.update(
      Proposal,
      { proposalId: proposal.proposalId },
      { status: 'expired', decidedAt: now },
    );
    proposal.status = 'expired';
    await this.decide(manager, proposal, 'expired', 'system', {
      expiresAt: proposal.expiresAt.toISOString(),
    });
  }

  async decide(
    manager: EntityManager,
    proposal: Pick<Proposal, 'proposalId' | 'portfolioId'>,
    kind: DecisionKind,
    actor: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await manager.insert(ProposalDecision, {
      proposalId: proposal.proposalId,
      portfolioId: proposal.portfolioId,
      kind,
      actor,
      detail: jsonb(detail),
    });
  }

  private async pricesMoved(manager: EntityManager, proposal: Proposal) {
    const latest = await this.latestPrices(
      manager,
      proposal.payload.pricesUsed.map((price) => price.symbol),
    );
    return movedPrices(
      proposal.payload.pricesUsed,
      new Map(
        [...latest].map(([symbol, row]) => [
          symbol,
          { price: row.price, asOfMillis: Number(row.asOfMillis) },
        ]),
      ),
      this.config.APPROVAL_PRICE_TOLERANCE_BPS,
    );
  }

  private async latestPrices(manager: EntityManager, symbols: string[]): Promise<Map<string, LatestPrice>> {
    if (symbols.length === 0) return new Map();
    const rows = await manager.findBy(LatestPrice, { symbol: In(symbols) });
    return new Map(rows.map((row) => [row.symbol, row]));
  }

  /** The proposal if the caller is a member of its household; 404 otherwise, missing or not. */
  private async visible(manager: EntityManager, principal: Principal, proposalId: string, lock: boolean) {
    const notFound = () => new NotFoundException(`proposal ${proposalId} does not exist`);
    const proposal = await manager.findOne(Proposal, {
      where: { proposalId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (proposal === null) throw notFound();
    await assertMember(manager, principal, proposal.householdId, notFound);
    return proposal;
  }
}

/** The latest price where it is newer than the proposal's (it moved within tolerance), else the proposal's. */
function priceAtApproval(
  proposed: OrdersProposedPayload,
  symbol: string,
  referencePrice: string,
  latest: ReadonlyMap<string, LatestPrice>,
): string {
  const newest = latest.get(symbol);
  const used = proposed.pricesUsed.find((price) => price.symbol === symbol);
  if (newest === undefined || used === undefined) return referencePrice;
  return Number(newest.asOfMillis) > Date.parse(used.asOf) ? newest.price : referencePrice;
}
