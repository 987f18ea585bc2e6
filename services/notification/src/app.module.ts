import { Module } from '@nestjs/common';
import { PORTFOLIO_STATE_TOPIC } from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import {
  NOTIFICATION_GROUP,
  NOTIFICATION_SERVICE,
  notificationConfigSchema,
} from './config/notification.config';
import { NOTIFICATION_MIGRATIONS } from './migrations';
import { NOTIFYING_TOPICS } from './notifications/notification-content';
import { NotificationsModule } from './notifications/notifications.module';

@Module({
  imports: [
    BallastConfigModule.forRoot(notificationConfigSchema),
    BallastLoggingModule.forRoot(NOTIFICATION_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: NOTIFICATION_SERVICE,
      entities: [...MESSAGING_ENTITIES],
      migrations: NOTIFICATION_MIGRATIONS,
    }),
    BallastKafkaModule.forRoot({
      serviceName: NOTIFICATION_SERVICE,
      topics: [PORTFOLIO_STATE_TOPIC, ...NOTIFYING_TOPICS],
      consumerGroups: [NOTIFICATION_GROUP],
    }),
    BallastHealthModule,
    NotificationsModule,
  ],
})
export class AppModule {}
