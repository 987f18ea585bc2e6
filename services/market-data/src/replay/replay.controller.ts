import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Post } from '@nestjs/common';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { z } from 'zod';
import { ReplayService, type ReplayStatus } from './replay.service';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date in YYYY-MM-DD form');
export const replayRequestSchema = z
  .object({
    file: z.string().min(1, 'must name a CSV file in the replay folder'),
    intervalMs: z.number().int().min(0).max(86_400_000).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .strict();

@Controller('replay')
export class ReplayController {
  constructor(private readonly replay: ReplayService) {}

  /** Starts replaying a prices file; 409 while another replay runs. */
  @Post()
  @HttpCode(202)
  start(
    @Body(new ZodBodyPipe(replayRequestSchema)) body: z.infer<typeof replayRequestSchema>,
  ): Promise<ReplayStatus> {
    return this.replay.replay(body);
  }

  @Get()
  status(): ReplayStatus {
    const status = this.replay.status();
    if (status === null) throw new NotFoundException('no replay has run since this instance started');
    return status;
  }

  @Delete()
  stop(): ReplayStatus {
    const status = this.replay.stopReplay();
    if (status === null) throw new NotFoundException('no replay has run since this instance started');
    return status;
  }
}
