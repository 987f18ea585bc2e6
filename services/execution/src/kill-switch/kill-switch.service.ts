import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APP_CONFIG } from '@ballast/platform-config';
import { DataSource, type EntityManager } from 'typeorm';
import { type ExecutionConfig } from '../config/execution.config';
import { KillSwitchState } from '../execution/execution.entities';

export interface KillSwitchView {
  engaged: boolean;
  /** Which switch stopped trading and why; empty when off. */
  why: string;
  /** The runtime switch (the config flag is reported in `why`). */
  runtime: { engaged: boolean; reason: string | null; changedAt: string | null };
  config: boolean;
}

/**
 * Two switches, either one stops every new order at the pre-trade check: EXECUTION_KILL_SWITCH
 * (deploy-time) and a runtime switch kept in PostgreSQL, so that a restart or another replica
 * sees it. Orders already at the broker are not cancelled by it; they are tracked to the end.
 */
@Injectable()
export class KillSwitchService {
  private readonly logger = new Logger(KillSwitchService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: ExecutionConfig,
  ) {}

  async state(manager: EntityManager = this.dataSource.manager): Promise<KillSwitchView> {
    const row = await manager.findOne(KillSwitchState, { where: { id: 1 } });
    const runtime = {
      engaged: row?.engaged ?? false,
      reason: row?.reason ?? null,
      changedAt: row?.changedAt.toISOString() ?? null,
    };
    const reasons = [
      ...(this.config.EXECUTION_KILL_SWITCH ? ['EXECUTION_KILL_SWITCH is true'] : []),
      ...(runtime.engaged
        ? [`engaged at ${runtime.changedAt ?? '?'}${runtime.reason === null ? '' : ` (${runtime.reason})`}`]
        : []),
    ];
    return {
      engaged: reasons.length > 0,
      why: reasons.join('; '),
      runtime,
      config: this.config.EXECUTION_KILL_SWITCH,
    };
  }

  async set(engaged: boolean, reason: string | null): Promise<KillSwitchView> {
    await this.dataSource.manager.upsert(KillSwitchState, { id: 1, engaged, reason, changedAt: new Date() }, [
      'id',
    ]);
    this.logger.warn(`runtime kill switch ${engaged ? 'ENGAGED' : 'released'}${reason ? `: ${reason}` : ''}`);
    return this.state();
  }
}
