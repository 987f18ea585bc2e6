import { Module } from '@nestjs/common';
import {
  DRIFT_DETECTED_TOPIC,
  ORDERS_REJECTED_TOPIC,
  PORTFOLIO_STATE_TOPIC,
  PRICE_STALE_TOPIC,
  PRICE_TICK_TOPIC,
  RISK_ALERT_TOPIC,
} from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import {
  MONITOR_SERVICE,
  monitorConfigSchema,
  PORTFOLIO_STATE_GROUP,
  PRICE_TICK_GROUP,
} from './config/monitor.config';
import { DriftModule } from './drift/drift.module';
import { MONITOR_ENTITIES } from './drift/monitor.entities';
import { MONITOR_MIGRATIONS } from './migrations';

@Module({
  imports: [
    BallastConfigModule.forRoot(monitorConfigSchema),
    BallastLoggingModule.forRoot(MONITOR_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: MONITOR_SERVICE,
      entities: [...MESSAGING_ENTITIES, ...MONITOR_ENTITIES],
      migrations: MONITOR_MIGRATIONS,
    }),
    BallastKafkaModule.forRoot({
      serviceName: MONITOR_SERVICE,
      topics: [
        PORTFOLIO_STATE_TOPIC,
        PRICE_TICK_TOPIC,
        PRICE_STALE_TOPIC,
        DRIFT_DETECTED_TOPIC,
        RISK_ALERT_TOPIC,
        ORDERS_REJECTED_TOPIC,
      ],
      consumerGroups: [PORTFOLIO_STATE_GROUP, PRICE_TICK_GROUP],
    }),
    BallastHealthModule,
    DriftModule,
  ],
})
export class AppModule {}
