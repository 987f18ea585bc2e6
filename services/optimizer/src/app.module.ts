import { Module } from '@nestjs/common';
import {
  DRIFT_DETECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  REBALANCE_PROPOSED_TOPIC,
  REBALANCE_REQUESTED_TOPIC,
} from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import { BallastRedisModule } from '@ballast/platform-redis';
import {
  OPTIMIZER_SERVICE,
  optimizerConfigSchema,
  PORTFOLIO_STATE_GROUP,
  RUN_GROUP,
} from './config/optimizer.config';
import { OPTIMIZER_MIGRATIONS } from './migrations';
import { OPTIMIZER_ENTITIES } from './proposals/optimizer.entities';
import { ProposalsModule } from './proposals/proposals.module';

@Module({
  imports: [
    BallastConfigModule.forRoot(optimizerConfigSchema),
    BallastLoggingModule.forRoot(OPTIMIZER_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: OPTIMIZER_SERVICE,
      entities: [...MESSAGING_ENTITIES, ...OPTIMIZER_ENTITIES],
      migrations: OPTIMIZER_MIGRATIONS,
    }),
    BallastRedisModule,
    BallastKafkaModule.forRoot({
      serviceName: OPTIMIZER_SERVICE,
      topics: [
        PORTFOLIO_STATE_TOPIC,
        DRIFT_DETECTED_TOPIC,
        REBALANCE_REQUESTED_TOPIC,
        REBALANCE_PROPOSED_TOPIC,
      ],
      consumerGroups: [PORTFOLIO_STATE_GROUP, RUN_GROUP],
    }),
    BallastHealthModule,
    ProposalsModule,
  ],
})
export class AppModule {}
