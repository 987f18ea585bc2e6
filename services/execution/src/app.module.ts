import { Module } from '@nestjs/common';
import {
  ORDERS_APPROVED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  PRICE_TICK_TOPIC,
} from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import { PAPER_BROKER_ENTITIES } from './broker/paper/paper-broker.entities';
import {
  EXECUTION_GROUP,
  EXECUTION_PRICES_GROUP,
  EXECUTION_SERVICE,
  executionConfigSchema,
} from './config/execution.config';
import { EXECUTION_ENTITIES } from './execution/execution.entities';
import { ExecutionModule } from './execution/execution.module';
import { EXECUTION_MIGRATIONS } from './migrations';

@Module({
  imports: [
    BallastConfigModule.forRoot(executionConfigSchema),
    BallastLoggingModule.forRoot(EXECUTION_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: EXECUTION_SERVICE,
      entities: [...MESSAGING_ENTITIES, ...EXECUTION_ENTITIES, ...PAPER_BROKER_ENTITIES],
      migrations: EXECUTION_MIGRATIONS,
    }),
    BallastKafkaModule.forRoot({
      serviceName: EXECUTION_SERVICE,
      topics: [
        ORDERS_APPROVED_TOPIC,
        PORTFOLIO_STATE_TOPIC,
        PRICE_TICK_TOPIC,
        ORDERS_EXECUTED_TOPIC,
        ORDERS_REJECTED_TOPIC,
      ],
      consumerGroups: [EXECUTION_GROUP, EXECUTION_PRICES_GROUP],
    }),
    BallastHealthModule,
    ExecutionModule,
  ],
})
export class AppModule {}
