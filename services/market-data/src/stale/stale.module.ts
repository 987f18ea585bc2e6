import { Module } from '@nestjs/common';
import { WatchlistModule } from '../watchlist/watchlist.module';
import { StalePriceService } from './stale-price.service';

@Module({ imports: [WatchlistModule], providers: [StalePriceService] })
export class StaleModule {}
