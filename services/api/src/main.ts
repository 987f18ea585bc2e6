import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import { PRICE_TICK_KAFKA } from './approvals/kafka-transports';
import { API_SERVICE, type ApiConfig, ORDERS_GROUP, PRICE_TICK_GROUP } from './config/api.config';
import { serveOpenApi } from './openapi/openapi';

void runService<ApiConfig>({
  name: API_SERVICE,
  module: AppModule,
  kafkaServers: (config) => {
    const prices = kafkaServer(config, API_SERVICE, PRICE_TICK_GROUP);
    prices.setTransportId(PRICE_TICK_KAFKA);
    return [kafkaServer(config, API_SERVICE, ORDERS_GROUP), prices];
  },
  configureApp: (app) => serveOpenApi(app),
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(`${API_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
