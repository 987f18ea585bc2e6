import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource } from 'typeorm';
import { BROKER, type Broker } from '../broker/broker.port';
import { type ExecutionConfig } from '../config/execution.config';
import { ExecutionOrder, ExecutionProposal } from './execution.entities';
import { driveOrder } from './order-driver';
import { isFinal } from './order-status';
import { OrderStoreService } from './order-store';

/** Thrown from the heartbeat when the service stops: the proposal is left to the restart. */
class ExecutorStoppingError extends Error {
  override readonly name = 'ExecutorStoppingError';
}

/**
 * Drives approved proposals to the end, one at a time per replica: sells first, each to its final
 * state, then buys, so that the buys' cash check counts the sells' actual proceeds. A replica claims
 * a proposal under a lease (renewed while it works), so replicas never work on one proposal
 * together; after a crash the same instance takes its own claims back at once and others after
 * the lease. Everything it needs is in PostgreSQL: a restart resumes orders left `pending`,
 * `submitted` or `unknown` by looking them up at the broker.
 */
@Injectable()
export class OrderExecutorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrderExecutorService.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  /** Proposals waiting for their ledger snapshot: not claimed again before this time. */
  private readonly waitingUntil = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: OrderStoreService,
    @Inject(BROKER) private readonly broker: Broker,
    @Inject(APP_CONFIG) private readonly config: ExecutionConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let worked = false;
      try {
        const proposal = await this.claimNext();
        if (proposal !== null) {
          worked = true;
          try {
            await this.execute(proposal);
          } catch (error) {
            if (!(error instanceof ExecutorStoppingError)) throw error;
            this.logger.log(`${error.message}: left to the next start`);
            await this.release(proposal.proposalId);
          }
        }
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.error(
          `executor step failed (attempt ${failures}): ${(error as Error).stack ?? String(error)}`,
        );
      }
      if (worked && failures === 0) continue;
      const delay =
        failures > 0
          ? Math.min(this.config.EXECUTION_POLL_INTERVAL_MS * 2 ** failures, 10_000)
          : this.config.EXECUTION_POLL_INTERVAL_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  /** The oldest open proposal nobody holds (or this instance held before a crash), now leased to us. */
  private async claimNext(): Promise<ExecutionProposal | null> {
    if (!this.running) return null;
    const now = Date.now();
    for (const [proposalId, until] of this.waitingUntil)
      if (until <= now) this.waitingUntil.delete(proposalId);
    const rows: { proposal_id: string }[] = await this.dataSource
      .query(
        `UPDATE execution_proposal SET claimed_by = $1, lease_until = now() + ($2 || ' milliseconds')::interval
        WHERE proposal_id = (
          SELECT proposal_id FROM execution_proposal
           WHERE status = 'open'
             AND (lease_until IS NULL OR lease_until < now() OR claimed_by = $1)
             AND NOT (proposal_id = ANY($3::uuid[]))
           ORDER BY created_at, proposal_id
           LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING proposal_id`,
        [
          this.config.SERVICE_INSTANCE_ID,
          String(this.config.EXECUTION_LEASE_MS),
          [...this.waitingUntil.keys()],
        ],
      )
      .then((result: [{ proposal_id: string }[], number]) => result[0]);
    const claimed = rows[0];
    if (claimed === undefined) return null;
    return this.dataSource.manager.findOneByOrFail(ExecutionProposal, { proposalId: claimed.proposal_id });
  }

  private async execute(proposal: ExecutionProposal): Promise<void> {
    const orders = await this.dataSource.manager.find(ExecutionOrder, {
      where: { proposalId: proposal.proposalId },
      order: { leg: 'ASC' },
    });
    const sells = orders.filter((order) => order.side === 'sell');
    const buys = orders.filter((order) => order.side === 'buy');
    for (const phase of [sells, buys]) {
      for (const order of phase) {
        if (isFinal(order.status)) continue;
        const outcome = await driveOrder(order, this.store, this.broker, {
          orderTimeoutMs: this.config.EXECUTION_ORDER_TIMEOUT_MS,
          pollIntervalMs: this.config.EXECUTION_POLL_INTERVAL_MS,
          now: () => new Date(),
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
          heartbeat: () => {
            // SIGTERM while an order works at the broker: stop following it; the rows say where it
            // stands, and the next start (or another replica) looks it up.
            if (!this.running)
              throw new ExecutorStoppingError(`stopping while ${order.clientOrderId} is working`);
            return this.renewLease(proposal.proposalId);
          },
          warn: (message) => this.logger.warn(message),
        });
        if (outcome === 'waiting') {
          this.logger.log(
            `proposal ${proposal.proposalId} waits for ledger snapshot v${proposal.stateVersion} of portfolio ${proposal.portfolioId}`,
          );
          this.waitingUntil.set(proposal.proposalId, Date.now() + 1_000);
          await this.release(proposal.proposalId);
          return;
        }
        await this.renewLease(proposal.proposalId);
      }
    }
    await this.dataSource.query(
      `UPDATE execution_proposal SET status = 'done', completed_at = now(), claimed_by = NULL, lease_until = NULL
        WHERE proposal_id = $1`,
      [proposal.proposalId],
    );
    this.logger.log(`proposal ${proposal.proposalId} done`);
  }

  private async renewLease(proposalId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE execution_proposal SET lease_until = now() + ($3 || ' milliseconds')::interval
        WHERE proposal_id = $1 AND claimed_by = $2`,
      [proposalId, this.config.SERVICE_INSTANCE_ID, String(this.config.EXECUTION_LEASE_MS)],
    );
  }

  private async release(proposalId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE execution_proposal SET claimed_by = NULL, lease_until = NULL WHERE proposal_id = $1 AND claimed_by = $2`,
      [proposalId, this.config.SERVICE_INSTANCE_ID],
    );
  }
}
