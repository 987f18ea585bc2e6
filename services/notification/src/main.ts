import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import {
  NOTIFICATION_GROUP,
  NOTIFICATION_SERVICE,
  type NotificationConfig,
} from './config/notification.config';

void runService<NotificationConfig>({
  name: NOTIFICATION_SERVICE,
  module: AppModule,
  // From the beginning: portfolio.state is a compacted snapshot log read whole, and a new group must
  // not skip events that nobody has been told about yet.
  kafkaServers: (config) => [kafkaServer(config, NOTIFICATION_SERVICE, NOTIFICATION_GROUP)],
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(
    `${NOTIFICATION_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
});
