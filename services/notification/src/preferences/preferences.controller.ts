import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { DataSource } from 'typeorm';
import { InternalTokenGuard } from '../feed/internal-token.guard';
import { ZodParamPipe } from '../feed/zod-query.pipe';
import {
  householdIdSchema,
  type PreferencesRequest,
  preferencesRequestSchema,
  publicView,
} from './preferences';
import { PreferencesStore } from './preferences.store';

/** Per-household routing of notification kinds to channels. The webhook secret is write-only. */
@Controller('households/:householdId/preferences')
@UseGuards(InternalTokenGuard)
export class PreferencesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: PreferencesStore,
  ) {}

  /** The effective preferences; the defaults (in-app for everything) when none were set. */
  @Get()
  async get(@Param('householdId', new ZodParamPipe(householdIdSchema, 'householdId')) householdId: string) {
    return publicView(await this.store.get(this.dataSource.manager, householdId));
  }

  /** Replaces the household's preferences; 400 listing every problem. */
  @Put()
  async put(
    @Param('householdId', new ZodParamPipe(householdIdSchema, 'householdId')) householdId: string,
    @Body(new ZodBodyPipe(preferencesRequestSchema)) body: PreferencesRequest,
  ) {
    return publicView(await this.store.put(this.dataSource.manager, householdId, body));
  }
}
