import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { openApiSchema } from '../openapi/openapi-schema';
import { generateApiKey } from './api-key';
import { ApiKey } from './api-key.entity';
import { CurrentPrincipal, Requires } from './auth.guard';
import { type Principal, ROLES } from './roles';

export const mintApiKeySchema = z.strictObject({
  userId: z.string().regex(/^[A-Za-z0-9._@:-]{1,100}$/, 'letters, digits and . _ @ : - only, at most 100'),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
  label: z.string().min(1).max(200).optional(),
});

/** Minting and revoking API keys: admin only. The key is returned once; only its hash is stored. */
@ApiTags('admin')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('admin/api-keys')
export class AdminController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Post()
  @Requires('manage-keys')
  @ApiOperation({ summary: 'Mint an API key for a user with a role (the key is shown only in this answer)' })
  @ApiBody({ schema: openApiSchema(mintApiKeySchema) })
  async mint(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodBodyPipe(mintApiKeySchema)) body: z.infer<typeof mintApiKeySchema>,
  ): Promise<{ keyId: string; key: string; userId: string; role: string }> {
    const generated = generateApiKey();
    await this.dataSource.getRepository(ApiKey).insert({
      keyId: generated.keyId,
      keyHash: generated.keyHash,
      userId: body.userId,
      role: body.role,
      label: body.label ?? null,
      createdBy: principal.userId,
      revokedAt: null,
    });
    return { keyId: generated.keyId, key: generated.key, userId: body.userId, role: body.role };
  }

  @Get()
  @Requires('manage-keys')
  @ApiOperation({ summary: 'List API keys (ids, users, roles; never the keys or their hashes)' })
  async list(): Promise<Omit<ApiKey, 'keyHash'>[]> {
    const keys = await this.dataSource.getRepository(ApiKey).find({ order: { createdAt: 'ASC' } });
    return keys.map(({ keyHash: _hidden, ...rest }) => rest);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Requires('manage-keys')
  @ApiOperation({ summary: 'Revoke an API key at once' })
  async revoke(@Param('keyId') keyId: string): Promise<void> {
    const result = await this.dataSource.getRepository(ApiKey).update({ keyId }, { revokedAt: new Date() });
    if (result.affected === 0) throw new NotFoundException(`API key ${keyId} does not exist`);
  }
}
