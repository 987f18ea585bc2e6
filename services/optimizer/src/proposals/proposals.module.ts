import { Module } from '@nestjs/common';
import { createHighsSolver } from '@ballast/domain-planner';
import { APP_CONFIG } from '@ballast/platform-config';
import highsLoader from 'highs';
import { type OptimizerConfig } from '../config/optimizer.config';
import { HISTORY_PORT } from '../history/history.port';
import { HttpHistoryAdapter } from '../history/http-history.adapter';
import { TargetWeightsService } from '../targets/target-weights.service';
import { DecisionController } from './decision.controller';
import { ProposalConsumers } from './proposal.consumers';
import { PLANNER_SOLVER, ProposalService } from './proposal.service';

@Module({
  controllers: [ProposalConsumers, DecisionController],
  providers: [
    ProposalService,
    TargetWeightsService,
    { provide: HISTORY_PORT, useClass: HttpHistoryAdapter },
    {
      // HiGHS (WebAssembly) loads once at boot, as in `ballast plan`.
      provide: PLANNER_SOLVER,
      inject: [APP_CONFIG],
      useFactory: async (config: OptimizerConfig) =>
        createHighsSolver(await highsLoader(), { timeLimitSeconds: config.PLANNER_TIME_LIMIT_SECONDS }),
    },
  ],
})
export class ProposalsModule {}
