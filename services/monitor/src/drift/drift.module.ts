import { Module } from '@nestjs/common';
import { DriftConsumers } from './drift.consumers';
import { MonitoredPortfoliosController } from './monitored-portfolios.controller';
import { DriftMonitorService } from './drift-monitor.service';

@Module({
  controllers: [DriftConsumers, MonitoredPortfoliosController],
  providers: [DriftMonitorService],
})
export class DriftModule {}
