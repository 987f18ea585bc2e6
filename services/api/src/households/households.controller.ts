import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Injectable,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { DataSource, type EntityManager, In } from 'typeorm';
import { z } from 'zod';
import { CurrentPrincipal, Requires } from '../auth/auth.guard';
import { type Principal } from '../auth/roles';
import { openApiSchema } from '../openapi/openapi-schema';
import { Portfolio } from '../portfolios/portfolio.entity';
import { assertMember, memberHouseholdIds } from './household-access';
import { Household, HouseholdMember } from './household.entities';

const userId = z
  .string()
  .regex(/^[A-Za-z0-9._@:-]{1,100}$/, 'letters, digits and . _ @ : - only, at most 100');
export const createHouseholdSchema = z.strictObject({ name: z.string().min(1).max(200) });
export const addMemberSchema = z.strictObject({ userId });

/** Households and their members: who may see which portfolios, proposals and orders. */
@Injectable()
export class HouseholdsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(principal: Principal, name: string) {
    const householdId = randomUUID();
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Household, { householdId, name, createdBy: principal.userId });
      await manager.insert(HouseholdMember, {
        householdId,
        userId: principal.userId,
        addedBy: principal.userId,
      });
    });
    return this.view(this.dataSource.manager, householdId);
  }

  async list(principal: Principal) {
    const ids = await memberHouseholdIds(this.dataSource.manager, principal);
    const households =
      ids.length === 0 ? [] : await this.dataSource.getRepository(Household).findBy({ householdId: In(ids) });
    return households.map((household) => ({ householdId: household.householdId, name: household.name }));
  }

  async get(principal: Principal, householdId: string) {
    await assertMember(this.dataSource.manager, principal, householdId, () => notFound(householdId));
    return this.view(this.dataSource.manager, householdId);
  }

  /**
   * Members with the right to change the ledger add members; an admin may add one to any existing
   * household (to recover one whose members are gone), without becoming a member.
   */
  async addMember(principal: Principal, householdId: string, memberId: string) {
    await this.dataSource.transaction(async (manager) => {
      if (principal.role === 'admin') {
        if (!(await manager.existsBy(Household, { householdId }))) throw notFound(householdId);
      } else {
        await assertMember(manager, principal, householdId, () => notFound(householdId));
      }
      await manager
        .createQueryBuilder()
        .insert()
        .into(HouseholdMember)
        .values({ householdId, userId: memberId, addedBy: principal.userId })
        .orIgnore()
        .execute();
    });
    return this.view(this.dataSource.manager, householdId);
  }

  async removeMember(principal: Principal, householdId: string, memberId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await assertMember(manager, principal, householdId, () => notFound(householdId));
      const result = await manager.delete(HouseholdMember, { householdId, userId: memberId });
      if (result.affected === 0)
        throw new NotFoundException(`${memberId} is not a member of household ${householdId}`);
    });
  }

  private async view(manager: EntityManager, householdId: string) {
    const household = await manager.findOneByOrFail(Household, { householdId });
    const members = await manager.find(HouseholdMember, {
      where: { householdId },
      order: { addedAt: 'ASC' },
    });
    const portfolios = await manager.find(Portfolio, { where: { householdId }, order: { createdAt: 'ASC' } });
    return {
      householdId,
      name: household.name,
      members: members.map((member) => ({
        userId: member.userId,
        addedBy: member.addedBy,
        addedAt: member.addedAt,
      })),
      portfolios: portfolios.map((portfolio) => ({
        portfolioId: portfolio.portfolioId,
        name: portfolio.name,
        version: portfolio.version,
      })),
    };
  }
}

function notFound(householdId: string): NotFoundException {
  return new NotFoundException(`household ${householdId} does not exist`);
}

@ApiTags('households')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('households')
export class HouseholdsController {
  constructor(private readonly households: HouseholdsService) {}

  @Post()
  @Requires('write-ledger')
  @ApiOperation({ summary: 'Create a household; the caller becomes its first member' })
  @ApiBody({ schema: openApiSchema(createHouseholdSchema) })
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(createHouseholdSchema)) body: z.infer<typeof createHouseholdSchema>,
  ) {
    return this.households.create(principal, body.name);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal) {
    return this.households.list(principal);
  }

  @Get(':householdId')
  get(@CurrentPrincipal() principal: Principal, @Param('householdId') householdId: string) {
    return this.households.get(principal, householdId);
  }

  @Post(':householdId/members')
  @Requires('write-ledger')
  @ApiBody({ schema: openApiSchema(addMemberSchema) })
  addMember(
    @CurrentPrincipal() principal: Principal,
    @Param('householdId') householdId: string,
    @Body(new ZodBodyPipe(addMemberSchema)) body: z.infer<typeof addMemberSchema>,
  ) {
    return this.households.addMember(principal, householdId, body.userId);
  }

  @Delete(':householdId/members/:userId')
  @HttpCode(204)
  @Requires('write-ledger')
  removeMember(
    @CurrentPrincipal() principal: Principal,
    @Param('householdId') householdId: string,
    @Param('userId') memberId: string,
  ): Promise<void> {
    return this.households.removeMember(principal, householdId, memberId);
  }
}
