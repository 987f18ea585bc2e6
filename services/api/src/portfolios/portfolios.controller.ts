import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { type PortfolioStatePayload } from '@ballast/contracts';
import { toInitialState } from './create-portfolio.request';
import { PortfoliosService } from './portfolios.service';

@Controller('portfolios')
export class PortfoliosController {
  constructor(private readonly portfolios: PortfoliosService) {}

  /** Creates a portfolio (holdings, targets, policy); 201 with the stored snapshot, 400 listing every problem. */
  @Post()
  create(@Body() body: unknown): Promise<PortfolioStatePayload> {
    return this.portfolios.create(toInitialState(body));
  }

  @Get(':portfolioId')
  get(
    @Param('portfolioId', new ParseUUIDPipe({ version: '4' })) portfolioId: string,
  ): Promise<PortfolioStatePayload> {
    return this.portfolios.get(portfolioId);
  }
}
