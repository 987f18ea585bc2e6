import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type PortfolioStatePayload,
  REBALANCE_REQUESTED_TOPIC,
  type RebalanceRequestedPayload,
} from '@ballast/contracts';
import { Outbox, OutboxRelay } from '@ballast/platform-kafka';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type Principal } from '../auth/roles';
import { assertMember, memberHouseholdIds } from '../households/household-access';
import { Household, HouseholdMember } from '../households/household.entities';
import { addLot, applyTrade, LedgerError, moveCash } from './ledger';
import { assertPlanningPolicy } from './planning-policy';
import { Portfolio } from './portfolio.entity';
import {
  type ChangeCause,
  InvalidPortfolioStateError,
  invalidChange,
  PortfolioLedger,
} from './portfolio-ledger';
import { PortfolioVersion } from './portfolio-version.entity';
import {
  type AddAccount,
  type AddLot,
  type CashFlow,
  type PutPolicy,
  type PutTargets,
  type RebalanceRequest,
  type RecordTransaction,
} from './portfolio.requests';
import { RebalanceRequestRecord } from './rebalance-request.entity';

/**
 * Households' portfolios through HTTP: every read checks membership (404 for another household's
 * portfolio), every change goes through PortfolioLedger (new version, portfolio.state on the outbox).
 */
@Injectable()
export class PortfoliosService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: PortfolioLedger,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Stores a new portfolio and its first portfolio.state event in one transaction. The caller must
   * be a member of an existing household named by `householdId`; a household that does not exist
   * yet is created with the caller as its member (without `householdId`: one of its own, id = the
   * portfolio id).
   */
  async create(principal: Principal, state: PortfolioStatePayload): Promise<PortfolioStatePayload> {
    assertPlanningPolicy(state);
    const created = await this.dataSource.transaction(async (manager) => {
      const householdId = state.householdId;
      if (await manager.existsBy(Household, { householdId })) {
        await assertMember(manager, principal, householdId, () => householdNotFound(householdId));
      } else {
        await manager.insert(Household, { householdId, name: state.name, createdBy: principal.userId });
        await manager.insert(HouseholdMember, {
          householdId,
          userId: principal.userId,
          addedBy: principal.userId,
        });
      }
      return this.ledger
        .create(manager, state, { cause: 'created', causedBy: principal.userId })
        .catch(rethrowInvalid);
    });
    this.relay.wake();
    return created;
  }

  async get(principal: Principal, portfolioId: string): Promise<PortfolioStatePayload> {
    return (await this.visible(this.dataSource.manager, principal, portfolioId)).state;
  }

  async list(principal: Principal, householdId: string | undefined): Promise<PortfolioStatePayload[]> {
    const households = await memberHouseholdIds(this.dataSource.manager, principal);
    const wanted = householdId === undefined ? households : households.filter((id) => id === householdId);
    if (wanted.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(Portfolio)
      .find({ where: { householdId: In(wanted) }, order: { createdAt: 'ASC' } });
    return rows.map((row) => row.state);
  }

  async history(principal: Principal, portfolioId: string) {
    await this.visible(this.dataSource.manager, principal, portfolioId);
    const versions = await this.dataSource
      .getRepository(PortfolioVersion)
      .find({ where: { portfolioId }, order: { version: 'ASC' } });
    return versions.map((entry) => ({
      version: entry.version,
      cause: entry.cause,
      causedBy: entry.causedBy,
      at: entry.createdAt.toISOString(),
      state: entry.state,
    }));
  }

  putTargets(principal: Principal, portfolioId: string, body: PutTargets) {
    return this.change(principal, portfolioId, 'targets', (state) => ({ ...state, targets: body.targets }));
  }

  putPolicy(principal: Principal, portfolioId: string, body: PutPolicy) {
    return this.change(principal, portfolioId, 'policy', (state) => {
      const { planningPolicy: _planning, sleeves: _sleeves, ...rest } = state;
      const next: PortfolioStatePayload = {
        ...rest,
        policy: body.policy,
        ...(body.planningPolicy === undefined ? {} : { planningPolicy: body.planningPolicy }),
        ...(body.sleeves === undefined ? {} : { sleeves: body.sleeves }),
      };
      assertPlanningPolicy(next);
      return next;
    });
  }

  addAccount(principal: Principal, portfolioId: string, account: AddAccount) {
    return this.change(principal, portfolioId, 'account', (state) => {
      if (state.accounts.some((existing) => existing.accountId === account.accountId)) {
        throw new ConflictException(
          `account "${account.accountId}" already exists in portfolio ${portfolioId}`,
        );
      }
      return { ...state, accounts: [...state.accounts, account] };
    });
  }

  addLot(principal: Principal, portfolioId: string, accountId: string, body: AddLot) {
    const { symbol, ...lot } = body;
    return this.change(principal, portfolioId, 'lot', (state) => addLot(state, accountId, symbol, lot));
  }

  recordTransaction(principal: Principal, portfolioId: string, body: RecordTransaction) {
    return this.change(principal, portfolioId, 'transaction', (state) => {
      return applyTrade(state, {
        accountId: body.accountId,
        symbol: body.symbol,
        side: body.side,
        quantity: body.quantity,
        price: body.price,
        fee: body.fee,
        date: body.date,
        lotSelection: body.lots ?? [],
        newLotId: body.lotId ?? randomUUID(),
      }).state;
    });
  }

  cashFlow(principal: Principal, portfolioId: string, body: CashFlow) {
    return this.change(principal, portfolioId, 'cash', (state) =>
      moveCash(state, body.accountId, body.amount),
    );
  }

  /**
   * Publishes rebalance.requested for the optimizer; the request id is the run's correlation id, so
   * that the proposal it leads to is known to come from this user (who may then not approve it
   * alone above the four-eyes threshold).
   */
  async requestRebalance(principal: Principal, portfolioId: string, body: RebalanceRequest) {
    const requestId = randomUUID();
    const payload: RebalanceRequestedPayload = {
      portfolioId,
      requestId,
      requestedBy: { kind: 'person', userId: principal.userId },
      requestedAt: new Date().toISOString(),
      reason: body.reason,
      mode: body.mode,
      cashFlow: body.cashFlow,
    };
    await this.dataSource.transaction(async (manager) => {
      await this.visible(manager, principal, portfolioId);
      await manager.insert(RebalanceRequestRecord, { requestId, portfolioId, requestedBy: principal.userId });
      await this.outbox.enqueue(manager, REBALANCE_REQUESTED_TOPIC, portfolioId, payload, {
        correlationId: requestId,
      });
    });
    this.relay.wake();
    return { requestId, correlationId: requestId, portfolioId };
  }

  private async change(
    principal: Principal,
    portfolioId: string,
    cause: string,
    mutate: (state: PortfolioStatePayload) => PortfolioStatePayload,
  ): Promise<PortfolioStatePayload> {
    const changeCause: ChangeCause = { cause, causedBy: principal.userId };
    const next = await this.dataSource.transaction(async (manager) => {
      const stored = await this.visible(manager, principal, portfolioId, true);
      let mutated: PortfolioStatePayload;
      try {
        mutated = mutate(stored.state);
      } catch (error) {
        if (error instanceof LedgerError)
          throw new ConflictException({ error: 'LedgerConflict', message: error.message });
        throw error;
      }
      return this.ledger.commit(manager, stored, mutated, changeCause).catch(rethrowInvalid);
    });
    this.relay.wake();
    return next;
  }

  /** The portfolio if the caller may see it (locked when asked); 404 otherwise, missing or not. */
  private async visible(
    manager: EntityManager,
    principal: Principal,
    portfolioId: string,
    lock = false,
  ): Promise<Portfolio> {
    const notFound = () => new NotFoundException(`portfolio ${portfolioId} does not exist`);
    const stored = lock
      ? await this.ledger.lock(manager, portfolioId)
      : await manager.findOneBy(Portfolio, { portfolioId });
    if (stored === null) throw notFound();
    await assertMember(manager, principal, stored.householdId, notFound);
    return stored;
  }
}

function householdNotFound(householdId: string): NotFoundException {
  return new NotFoundException(`household ${householdId} does not exist`);
}

function rethrowInvalid(error: unknown): never {
  if (error instanceof InvalidPortfolioStateError) throw invalidChange(error);
  throw error;
}
