import 'reflect-metadata';
import { broadcastKafkaServer, kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import {
  MONITOR_SERVICE,
  type MonitorConfig,
  PORTFOLIO_STATE_GROUP,
  PRICE_TICK_GROUP,
} from './config/monitor.config';

void runService<MonitorConfig>({
  name: MONITOR_SERVICE,
  module: AppModule,
  kafkaServers: (config) => [
    kafkaServer(config, MONITOR_SERVICE, PORTFOLIO_STATE_GROUP),
    broadcastKafkaServer(config, MONITOR_SERVICE, PRICE_TICK_GROUP),
  ],
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(`${MONITOR_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
