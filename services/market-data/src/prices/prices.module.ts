import { Module } from '@nestjs/common';
import { LastPriceCache } from './last-price.cache';
import { PriceIngestService } from './price-ingest.service';
import { PricesRawConsumer } from './prices-raw.consumer';

@Module({
  controllers: [PricesRawConsumer],
  providers: [PriceIngestService, LastPriceCache],
  exports: [PriceIngestService, LastPriceCache],
})
export class PricesModule {}
