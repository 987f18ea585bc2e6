import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { z } from 'zod';
import { CurrentPrincipal, Requires } from '../auth/auth.guard';
import { type Principal } from '../auth/roles';
import { openApiSchema } from '../openapi/openapi-schema';
import { PROPOSAL_STATUSES } from './approval-rules';
import { ApprovalsService } from './approvals.service';

// Any UUID version: proposal ids are derived by the optimizer (version 5, from the cause's message id,
// see services/optimizer/src/proposals/proposal-id.ts), portfolio ids are random (version 4).
const uuid = new ParseUUIDPipe();
const optionalUuid = new ParseUUIDPipe({ optional: true });
const statusPipe = new ZodBodyPipe(z.enum(PROPOSAL_STATUSES).optional());
export const rejectSchema = z.strictObject({ reason: z.string().min(1, 'say why').max(1000) });

/** Proposals (orders.proposed held for approval), their decisions and orders, with allocations. */
@ApiTags('approvals')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller()
export class ProposalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Get('proposals')
  @ApiOperation({
    summary: "The caller's households' proposals, newest first, with before/after allocations",
  })
  @ApiQuery({ name: 'portfolioId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: PROPOSAL_STATUSES })
  list(
    @CurrentPrincipal() principal: Principal,
    @Query('portfolioId', optionalUuid) portfolioId?: string,
    @Query('status', statusPipe) status?: string,
  ) {
    return this.approvals.list(principal, {
      ...(portfolioId === undefined ? {} : { portfolioId }),
      ...(status === undefined ? {} : { status }),
    });
  }

  @Get('proposals/:proposalId')
  get(@CurrentPrincipal() principal: Principal, @Param('proposalId', uuid) proposalId: string) {
    return this.approvals.get(principal, proposalId);
  }

  @Post('proposals/:proposalId/approve')
  @HttpCode(200)
  @Requires('decide-proposal')
  @ApiOperation({
    summary:
      'Approve as the authenticated person (409 when prices moved, expired or already approved by you; 403 for the proposer above four eyes)',
  })
  approve(@CurrentPrincipal() principal: Principal, @Param('proposalId', uuid) proposalId: string) {
    return this.approvals.approveAsPerson(principal, proposalId);
  }

  @Post('proposals/:proposalId/reject')
  @HttpCode(200)
  @Requires('decide-proposal')
  @ApiBody({ schema: openApiSchema(rejectSchema) })
  reject(
    @CurrentPrincipal() principal: Principal,
    @Param('proposalId', uuid) proposalId: string,
    @Body(new ZodBodyPipe(rejectSchema)) body: z.infer<typeof rejectSchema>,
  ) {
    return this.approvals.reject(principal, proposalId, body.reason);
  }

  @Get('decisions')
  @ApiOperation({
    summary: 'The decision record: received, approvals, approved/rejected/expired, fills, rejections',
  })
  @ApiQuery({ name: 'proposalId', required: false })
  @ApiQuery({ name: 'portfolioId', required: false })
  decisions(
    @CurrentPrincipal() principal: Principal,
    @Query('proposalId', optionalUuid) proposalId?: string,
    @Query('portfolioId', optionalUuid) portfolioId?: string,
  ) {
    return this.approvals.decisions(principal, {
      ...(proposalId === undefined ? {} : { proposalId }),
      ...(portfolioId === undefined ? {} : { portfolioId }),
    });
  }

  @Get('prices')
  @ApiOperation({ summary: 'The latest price.tick per symbol, as approvals re-check them' })
  @ApiQuery({ name: 'symbols', required: false, description: 'comma-separated' })
  prices(@Query('symbols') symbols?: string) {
    return this.approvals.prices(
      (symbols ?? '')
        .split(',')
        .map((symbol) => symbol.trim())
        .filter((symbol) => symbol.length > 0),
    );
  }

  @Get('orders')
  @ApiOperation({ summary: 'Every leg of the proposals with its state, fills and rejection' })
  @ApiQuery({ name: 'portfolioId', required: false })
  @ApiQuery({ name: 'proposalId', required: false })
  orders(
    @CurrentPrincipal() principal: Principal,
    @Query('portfolioId', optionalUuid) portfolioId?: string,
    @Query('proposalId', optionalUuid) proposalId?: string,
  ) {
    return this.approvals.orders(principal, {
      ...(portfolioId === undefined ? {} : { portfolioId }),
      ...(proposalId === undefined ? {} : { proposalId }),
    });
  }
}
