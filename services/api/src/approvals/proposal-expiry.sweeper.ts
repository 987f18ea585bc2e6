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
import { type ApiConfig } from '../config/api.config';

/**
 * Marks pending proposals past their `expiresAt` as expired, with a decision record entry, every
 * `API_EXPIRY_SWEEP_INTERVAL_MS`. One UPDATE claims the rows, so replicas sweeping at the same time
 * expire each proposal once. Reads and approvals also treat an overdue proposal as expired, so the
 * interval only bounds how long the table and the decision record lag behind.
 */
@Injectable()
export class ProposalExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProposalExpirySweeper.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then((expired) => {
          if (expired > 0) this.logger.log(`${expired} proposal(s) expired unapproved`);
        })
        .catch((error: unknown) => this.logger.error(`expiry sweep failed: ${(error as Error).message}`))
        .finally(() => {
          this.running = undefined;
        });
    }, this.config.API_EXPIRY_SWEEP_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Expires what is overdue now; returns how many proposals it expired. */
  async sweep(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
      const [expired] = await manager.query<
        [{ proposal_id: string; portfolio_id: string; expires_at: Date }[], number]
      >(
        `UPDATE proposal SET status = 'expired', decided_at = now()
         WHERE status = 'pending' AND expires_at <= now()
         RETURNING proposal_id, portfolio_id, expires_at`,
      );
      for (const row of expired) {
        await manager.query(
          `INSERT INTO proposal_decision (proposal_id, portfolio_id, kind, actor, detail) VALUES ($1, $2, 'expired', 'system', $3)`,
          [
            row.proposal_id,
            row.portfolio_id,
            JSON.stringify({ expiresAt: new Date(row.expires_at).toISOString() }),
          ],
        );
      }
      return expired.length;
    });
  }
}
