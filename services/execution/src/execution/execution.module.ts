import { Module } from '@nestjs/common';
import { brokerProvider } from '../broker/broker.provider';
import { KillSwitchController } from '../kill-switch/kill-switch.controller';
import { KillSwitchService } from '../kill-switch/kill-switch.service';
import { ExecutionConsumers } from './execution.consumers';
import { ExecutionIntakeService } from './execution-intake.service';
import { OrderExecutorService } from './order-executor.service';
import { OrderStoreService } from './order-store';
import { ProposalsController } from './proposals.controller';

@Module({
  controllers: [ExecutionConsumers, ProposalsController, KillSwitchController],
  providers: [
    brokerProvider,
    KillSwitchService,
    OrderStoreService,
    ExecutionIntakeService,
    OrderExecutorService,
  ],
})
export class ExecutionModule {}
