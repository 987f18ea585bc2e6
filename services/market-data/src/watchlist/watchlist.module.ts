import { Module } from '@nestjs/common';
import { PortfolioStateConsumer } from './portfolio-state.consumer';
import { WatchlistController } from './watchlist.controller';
import { WatchlistService } from './watchlist.service';

@Module({
  controllers: [PortfolioStateConsumer, WatchlistController],
  providers: [WatchlistService],
  exports: [WatchlistService],
})
export class WatchlistModule {}
