import { Module } from '@nestjs/common';
import { HistoryModule } from '../history/history.module';
import { PricesModule } from '../prices/prices.module';
import { ReplayController } from './replay.controller';
import { ReplayService } from './replay.service';

@Module({
  imports: [PricesModule, HistoryModule],
  controllers: [ReplayController],
  providers: [ReplayService],
  exports: [ReplayService],
})
export class ReplayModule {}
