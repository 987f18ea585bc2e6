import {
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { type MarketDataConfig } from '../config/market-data.config';
import { HistoryModule } from '../history/history.module';
import { PricesModule } from '../prices/prices.module';
import { ReplayModule } from '../replay/replay.module';
import { ReplayService } from '../replay/replay.service';
import { WatchlistModule } from '../watchlist/watchlist.module';
import { type PriceProvider, RawFeedProvider } from './price-provider';
import { YahooFinanceClient } from './yahoo/yahoo-finance.client';
import { YahooFinanceProvider } from './yahoo/yahoo-finance.provider';

/** Starts the one provider MARKET_DATA_PROVIDER names, once the app is up, and stops it first on shutdown. */
@Injectable()
export class ProviderHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProviderHost.name);
  readonly provider: PriceProvider;

  constructor(
    @Inject(APP_CONFIG) config: MarketDataConfig,
    replay: ReplayService,
    yahoo: YahooFinanceProvider,
  ) {
    const byName: Record<MarketDataConfig['MARKET_DATA_PROVIDER'], PriceProvider> = {
      replay,
      raw: new RawFeedProvider(),
      yahoo,
    };
    this.provider = byName[config.MARKET_DATA_PROVIDER];
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.provider.start();
    this.logger.log(`price provider: ${this.provider.name} (prices.raw is consumed as well)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.provider.stop();
  }
}

@Module({
  imports: [PricesModule, HistoryModule, ReplayModule, WatchlistModule],
  providers: [YahooFinanceClient, YahooFinanceProvider, ProviderHost],
})
export class ProvidersModule {}
