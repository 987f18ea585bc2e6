import { Module } from '@nestjs/common';
import {
  ORDERS_PROPOSED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  REBALANCE_PROPOSED_TOPIC,
} from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import {
  PORTFOLIO_STATE_GROUP,
  PROPOSAL_GROUP,
  REJECTION_GROUP,
  TAX_SERVICE,
  taxConfigSchema,
} from './config/tax.config';
import { TAX_MIGRATIONS } from './migrations';
import { OrdersModule } from './orders/orders.module';
import { TAX_ENTITIES } from './orders/tax.entities';

@Module({
  imports: [
    BallastConfigModule.forRoot(taxConfigSchema),
    BallastLoggingModule.forRoot(TAX_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: TAX_SERVICE,
      entities: [...MESSAGING_ENTITIES, ...TAX_ENTITIES],
      migrations: TAX_MIGRATIONS,
    }),
    BallastKafkaModule.forRoot({
      serviceName: TAX_SERVICE,
      topics: [PORTFOLIO_STATE_TOPIC, REBALANCE_PROPOSED_TOPIC, ORDERS_PROPOSED_TOPIC, ORDERS_REJECTED_TOPIC],
      consumerGroups: [PORTFOLIO_STATE_GROUP, PROPOSAL_GROUP, REJECTION_GROUP],
    }),
    BallastHealthModule,
    OrdersModule,
  ],
})
export class AppModule {}
