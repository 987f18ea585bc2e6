import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import { MARKET_DATA_SERVICE, type MarketDataConfig, RAW_PRICES_GROUP } from './config/market-data.config';

void runService<MarketDataConfig>({
  name: MARKET_DATA_SERVICE,
  module: AppModule,
  kafkaServers: (config) => [kafkaServer(config, MARKET_DATA_SERVICE, RAW_PRICES_GROUP)],
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(
    `${MARKET_DATA_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
});
