import { Module } from '@nestjs/common';
import { PortfolioLedger } from './portfolio-ledger';
import { PortfoliosController } from './portfolios.controller';
import { PortfoliosService } from './portfolios.service';

@Module({
  controllers: [PortfoliosController],
  providers: [PortfoliosService, PortfolioLedger],
  exports: [PortfolioLedger],
})
export class PortfoliosModule {}
