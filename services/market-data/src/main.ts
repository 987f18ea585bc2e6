import 'reflect-metadata';
import { kafkaServer } from '@ballast/platform-kafka';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import {
  MARKET_DATA_SERVICE,
  type MarketDataConfig,
  PORTFOLIO_SYMBOLS_GROUP,
  PORTFOLIO_SYMBOLS_KAFKA,
  RAW_PRICES_GROUP,
} from './config/market-data.config';

void runService<MarketDataConfig>({
  name: MARKET_DATA_SERVICE,
  module: AppModule,
  kafkaServers: (config) => {
    // A server of its own, so that the watch list (compacted portfolio.state, read from the
    // beginning) and the price feed never wait on each other's partitions.
    const portfolios = kafkaServer(config, MARKET_DATA_SERVICE, PORTFOLIO_SYMBOLS_GROUP);
    portfolios.setTransportId(PORTFOLIO_SYMBOLS_KAFKA);
    return [kafkaServer(config, MARKET_DATA_SERVICE, RAW_PRICES_GROUP), portfolios];
  },
}).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(
    `${MARKET_DATA_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`,
  );
  process.exit(1);
});
