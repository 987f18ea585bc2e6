import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PORTFOLIO_STATE_TOPIC, type PortfolioStatePayload } from '@ballast/contracts';
import { Outbox, OutboxRelay } from '@ballast/platform-kafka';
import { DataSource } from 'typeorm';
import { Portfolio } from './portfolio.entity';

@Injectable()
export class PortfoliosService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly relay: OutboxRelay,
  ) {}

  /** Stores the portfolio and its first portfolio.state event in one transaction. */
  async create(state: PortfolioStatePayload): Promise<PortfolioStatePayload> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Portfolio, {
        portfolioId: state.portfolioId,
        householdId: state.householdId,
        name: state.name,
        version: state.version,
        state,
      });
      await this.outbox.enqueue(manager, PORTFOLIO_STATE_TOPIC, state.portfolioId, state);
    });
    this.relay.wake();
    return state;
  }

  async get(portfolioId: string): Promise<PortfolioStatePayload> {
    const portfolio = await this.dataSource.getRepository(Portfolio).findOneBy({ portfolioId });
    if (portfolio === null) throw new NotFoundException(`portfolio ${portfolioId} does not exist`);
    return portfolio.state;
  }
}
