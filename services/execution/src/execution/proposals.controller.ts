import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ExecutionOrder, ExecutionProposal } from './execution.entities';

/** Read-only view of what this service did with each approval (for operators and tests). */
@Controller('proposals')
export class ProposalsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get(':proposalId')
  async get(
    @Param('proposalId', new ParseUUIDPipe()) proposalId: string,
  ): Promise<{ proposal: ExecutionProposal; orders: ExecutionOrder[] }> {
    const proposal = await this.dataSource.manager.findOneBy(ExecutionProposal, { proposalId });
    if (proposal === null) throw new NotFoundException(`no approval of proposal ${proposalId} was received`);
    const orders = await this.dataSource.manager.find(ExecutionOrder, {
      where: { proposalId },
      order: { leg: 'ASC' },
    });
    return { proposal, orders };
  }

  @Get()
  async list(@Query('status') status?: string): Promise<ExecutionProposal[]> {
    return this.dataSource.manager.find(ExecutionProposal, {
      where: status === 'open' || status === 'done' ? { status } : {},
      order: { createdAt: 'DESC' },
      take: 100,
    });
  }
}
