import { Module } from '@nestjs/common';
import {
  PORTFOLIO_STATE_TOPIC,
  PRICE_STALE_TOPIC,
  PRICE_TICK_TOPIC,
  PRICES_RAW_TOPIC,
} from '@ballast/contracts';
import { BallastConfigModule } from '@ballast/platform-config';
import { BallastDatabaseModule } from '@ballast/platform-database';
import { BallastHealthModule } from '@ballast/platform-health';
import { BallastKafkaModule, MESSAGING_ENTITIES } from '@ballast/platform-kafka';
import { BallastLoggingModule } from '@ballast/platform-logging';
import { BallastRedisModule } from '@ballast/platform-redis';
import {
  MARKET_DATA_SERVICE,
  marketDataConfigSchema,
  PORTFOLIO_SYMBOLS_GROUP,
  RAW_PRICES_GROUP,
} from './config/market-data.config';
import { MARKET_DATA_MIGRATIONS } from './migrations';
import { MARKET_DATA_ENTITIES_EXTRA } from './history/daily-bar.entity';
import { LastPrice } from './prices/last-price.entity';
import { PricesModule } from './prices/prices.module';
import { HistoryModule } from './history/history.module';
import { ProvidersModule } from './providers/providers.module';
import { ReplayModule } from './replay/replay.module';
import { StaleModule } from './stale/stale.module';
import { WatchlistModule } from './watchlist/watchlist.module';

@Module({
  imports: [
    BallastConfigModule.forRoot(marketDataConfigSchema),
    BallastLoggingModule.forRoot(MARKET_DATA_SERVICE),
    BallastDatabaseModule.forRoot({
      serviceName: MARKET_DATA_SERVICE,
      entities: [...MESSAGING_ENTITIES, LastPrice, ...MARKET_DATA_ENTITIES_EXTRA],
      migrations: MARKET_DATA_MIGRATIONS,
    }),
    BallastRedisModule,
    BallastKafkaModule.forRoot({
      serviceName: MARKET_DATA_SERVICE,
      topics: [PRICES_RAW_TOPIC, PRICE_TICK_TOPIC, PRICE_STALE_TOPIC, PORTFOLIO_STATE_TOPIC],
      consumerGroups: [RAW_PRICES_GROUP, PORTFOLIO_SYMBOLS_GROUP],
    }),
    BallastHealthModule,
    PricesModule,
    WatchlistModule,
    ReplayModule,
    HistoryModule,
    ProvidersModule,
    StaleModule,
  ],
})
export class AppModule {}
