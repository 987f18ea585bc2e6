import { BadRequestException, Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ProposalRecord } from './optimizer.entities';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The decision record of a proposal, in the shape `ballast plan` reads: the portfolio file as planned
 * (`--portfolio`, JSON) and the prices used as a wide prices CSV (`--prices`), so that
 *   ballast plan --portfolio file.json --prices prices.csv --json
 * reproduces the proposal's trades.
 */
@Controller('proposals')
export class DecisionController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get(':proposalId/decision')
  async decision(@Param('proposalId') proposalId: string): Promise<Record<string, unknown>> {
    if (!UUID.test(proposalId)) throw new BadRequestException(`proposalId: "${proposalId}" is not a UUID`);
    const record = await this.dataSource.manager.findOne(ProposalRecord, { where: { proposalId } });
    if (record === null) throw new NotFoundException(`no proposal ${proposalId}`);
    const inputs = record.inputs as { asOf: string; prices: { symbol: string; price: string }[] };
    return {
      proposal: record.proposal,
      ...record.inputs,
      pricesCsv: `date,${inputs.prices.map((p) => p.symbol).join(',')}\n${inputs.asOf},${inputs.prices.map((p) => p.price).join(',')}\n`,
    };
  }
}
