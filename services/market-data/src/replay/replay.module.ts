import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { ReplayController } from './replay.controller';
import { ReplayService } from './replay.service';

@Module({
  imports: [PricesModule],
  controllers: [ReplayController],
  providers: [ReplayService],
})
export class ReplayModule {}
