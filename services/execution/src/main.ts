import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import {
  EXECUTION_GROUP,
  EXECUTION_PRICES_GROUP,
  EXECUTION_SERVICE,
  type ExecutionConfig,
} from './config/execution.config';
import { PRICES_KAFKA } from './execution/execution.consumers';

void runService<ExecutionConfig>({
  name: EXECUTION_SERVICE,
  module: AppModule,
  kafkaServers: (config) => {
    const prices = kafkaServer(config, EXECUTION_SERVICE, EXECUTION_PRICES_GROUP);
    prices.setTransportId(PRICES_KAFKA);
    return [kafkaServer(config, EXECUTION_SERVICE, EXECUTION_GROUP), prices];
  },
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(`${EXECUTION_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
