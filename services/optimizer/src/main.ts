import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import {
  OPTIMIZER_SERVICE,
  type OptimizerConfig,
  PORTFOLIO_STATE_GROUP,
  RUN_GROUP,
  RUN_KAFKA,
} from './config/optimizer.config';

void runService<OptimizerConfig>({
  name: OPTIMIZER_SERVICE,
  module: AppModule,
  kafkaServers: (config) => {
    const runs = kafkaServer(config, OPTIMIZER_SERVICE, RUN_GROUP);
    runs.setTransportId(RUN_KAFKA);
    return [kafkaServer(config, OPTIMIZER_SERVICE, PORTFOLIO_STATE_GROUP), runs];
  },
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(`${OPTIMIZER_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
