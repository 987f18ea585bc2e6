import { Module } from '@nestjs/common';
import {
  ORDERS_APPROVED_TOPIC,
  ORDERS_EXECUTED_TOPIC,
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  PRICE_TICK_TOPIC,
  REBALANCE_REQUESTED_TOPIC,
} from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import { ApprovalsModule } from './approvals/approvals.module';
import { AuthModule } from './auth/auth.module';
import { API_SERVICE, apiConfigSchema, ORDERS_GROUP, PRICE_TICK_GROUP } from './config/api.config';
import { API_ENTITIES } from './entities';
import { HouseholdsModule } from './households/households.module';
import { API_MIGRATIONS } from './migrations';
import { PortfoliosModule } from './portfolios/portfolios.module';

@Module({
  imports: [
    BallastConfigModule.forRoot(apiConfigSchema),
    BallastLoggingModule.forRoot(API_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: API_SERVICE,
      entities: API_ENTITIES,
      migrations: API_MIGRATIONS,
    }),
    BallastKafkaModule.forRoot({
      serviceName: API_SERVICE,
      topics: [
        PORTFOLIO_STATE_TOPIC,
        REBALANCE_REQUESTED_TOPIC,
        ORDERS_PROPOSED_TOPIC,
        ORDERS_APPROVED_TOPIC,
        ORDERS_EXECUTED_TOPIC,
        ORDERS_REJECTED_TOPIC,
        PRICE_TICK_TOPIC,
      ],
      consumerGroups: [ORDERS_GROUP, PRICE_TICK_GROUP],
    }),
    BallastHealthModule,
    AuthModule,
    HouseholdsModule,
    PortfoliosModule,
    ApprovalsModule,
  ],
})
export class AppModule {}
