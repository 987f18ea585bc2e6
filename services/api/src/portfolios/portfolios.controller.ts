import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { portfolioStatePayloadSchema, type PortfolioStatePayload } from '@ballast/contracts';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { z } from 'zod';
import { CurrentPrincipal, Requires } from '../auth/auth.guard';
import { type Principal } from '../auth/roles';
import { openApiSchema } from '../openapi/openapi-schema';
import { toInitialState } from './create-portfolio.request';
import {
  type AddAccount,
  addAccountSchema,
  type AddLot,
  addLotSchema,
  type CashFlow,
  cashFlowSchema,
  type PutPolicy,
  putPolicySchema,
  type PutTargets,
  putTargetsSchema,
  type RebalanceRequest,
  rebalanceRequestSchema,
  type RecordTransaction,
  recordTransactionSchema,
} from './portfolio.requests';
import { PortfoliosService } from './portfolios.service';

const uuid = new ParseUUIDPipe({ version: '4' });
// For the OpenAPI document only: the snapshot's fields a client sends (the refinements of the topic
// schema cannot be omitted from, so the plain shape is reused; toInitialState validates fully).
const {
  portfolioId: _id,
  version: _version,
  updatedAt: _updatedAt,
  ...clientShape
} = portfolioStatePayloadSchema.shape;
const createSchema = z.object(clientShape).partial({ householdId: true });

/** The ledger's portfolios. Every change answers the new snapshot (its `version` bumped). */
@ApiTags('portfolios')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('portfolios')
export class PortfoliosController {
  constructor(private readonly portfolios: PortfoliosService) {}

  @Post()
  @Requires('write-ledger')
  @ApiOperation({ summary: 'Create a portfolio (accounts, positions, lots, cash, targets, policy)' })
  @ApiBody({ schema: openApiSchema(createSchema) })
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<PortfolioStatePayload> {
    return this.portfolios.create(principal, toInitialState(body));
  }

  @Get()
  @ApiOperation({ summary: "Portfolios of the caller's households" })
  @ApiQuery({ name: 'householdId', required: false })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('householdId') householdId?: string,
  ): Promise<PortfolioStatePayload[]> {
    return this.portfolios.list(principal, householdId);
  }

  @Get(':portfolioId')
  @ApiOperation({ summary: 'The current snapshot' })
  get(@CurrentPrincipal() principal: Principal, @Param('portfolioId', uuid) portfolioId: string) {
    return this.portfolios.get(principal, portfolioId);
  }

  @Get(':portfolioId/history')
  @ApiOperation({ summary: 'Every version of the portfolio, with what changed it and who' })
  history(@CurrentPrincipal() principal: Principal, @Param('portfolioId', uuid) portfolioId: string) {
    return this.portfolios.history(principal, portfolioId);
  }

  @Put(':portfolioId/targets')
  @Requires('write-ledger')
  @ApiBody({ schema: openApiSchema(putTargetsSchema) })
  putTargets(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Body(new ZodBodyPipe(putTargetsSchema)) body: PutTargets,
  ) {
    return this.portfolios.putTargets(principal, portfolioId, body);
  }

  @Put(':portfolioId/policy')
  @Requires('write-ledger')
  @ApiOperation({ summary: 'Replace the band policy and the planning policy (ballast plan `policy` block)' })
  @ApiBody({ schema: openApiSchema(putPolicySchema) })
  putPolicy(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Body(new ZodBodyPipe(putPolicySchema)) body: PutPolicy,
  ) {
    return this.portfolios.putPolicy(principal, portfolioId, body);
  }

  @Post(':portfolioId/accounts')
  @Requires('write-ledger')
  @ApiBody({ schema: openApiSchema(addAccountSchema) })
  addAccount(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Body(new ZodBodyPipe(addAccountSchema)) body: AddAccount,
  ) {
    return this.portfolios.addAccount(principal, portfolioId, body);
  }

  @Post(':portfolioId/accounts/:accountId/lots')
  @Requires('write-ledger')
  @ApiOperation({ summary: 'Add a lot the household already holds (transfer in, opening balance)' })
  @ApiBody({ schema: openApiSchema(addLotSchema) })
  addLot(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Param('accountId') accountId: string,
    @Body(new ZodBodyPipe(addLotSchema)) body: AddLot,
  ) {
    return this.portfolios.addLot(principal, portfolioId, accountId, body);
  }

  @Post(':portfolioId/transactions')
  @Requires('write-ledger')
  @ApiOperation({
    summary: 'Book a trade made outside Ballast (lots, cash and the wash-sale history follow)',
  })
  @ApiBody({ schema: openApiSchema(recordTransactionSchema) })
  recordTransaction(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Body(new ZodBodyPipe(recordTransactionSchema)) body: RecordTransaction,
  ) {
    return this.portfolios.recordTransaction(principal, portfolioId, body);
  }

  @Post(':portfolioId/cash-flows')
  @Requires('write-ledger')
  @ApiOperation({ summary: 'Deposit (positive amount) or withdraw (negative) cash' })
  @ApiBody({ schema: openApiSchema(cashFlowSchema) })
  cashFlow(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Body(new ZodBodyPipe(cashFlowSchema)) body: CashFlow,
  ) {
    return this.portfolios.cashFlow(principal, portfolioId, body);
  }

  @Post(':portfolioId/rebalance-requests')
  @HttpCode(202)
  @Requires('request-rebalance')
  @ApiOperation({ summary: 'Ask the optimizer for a proposal now (rebalance.requested)' })
  @ApiBody({ schema: openApiSchema(rebalanceRequestSchema) })
  requestRebalance(
    @CurrentPrincipal() principal: Principal,
    @Param('portfolioId', uuid) portfolioId: string,
    @Body(new ZodBodyPipe(rebalanceRequestSchema)) body: RebalanceRequest,
  ) {
    return this.portfolios.requestRebalance(principal, portfolioId, body);
  }
}
