import { Module } from '@nestjs/common';
import { StalePriceService } from './stale-price.service';

@Module({ providers: [StalePriceService] })
export class StaleModule {}
