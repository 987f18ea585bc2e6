import { Module } from '@nestjs/common';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { ApprovalsConsumers } from './approvals.consumers';
import { ApprovalsService } from './approvals.service';
import { FillsService } from './fills.service';
import { ProposalsController } from './proposals.controller';

@Module({
  imports: [PortfoliosModule],
  controllers: [ProposalsController, ApprovalsConsumers],
  providers: [ApprovalsService, FillsService],
})
export class ApprovalsModule {}
