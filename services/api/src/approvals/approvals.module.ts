import { Module } from '@nestjs/common';
import { PortfoliosModule } from '../portfolios/portfolios.module';
import { ApprovalsConsumers } from './approvals.consumers';
import { ApprovalsService } from './approvals.service';
import { FillsService } from './fills.service';
import { ProposalExpirySweeper } from './proposal-expiry.sweeper';
import { ProposalsController } from './proposals.controller';

@Module({
  imports: [PortfoliosModule],
  controllers: [ProposalsController, ApprovalsConsumers],
  providers: [ApprovalsService, FillsService, ProposalExpirySweeper],
})
export class ApprovalsModule {}
