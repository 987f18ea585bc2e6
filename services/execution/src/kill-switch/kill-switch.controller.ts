import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ZodBodyPipe } from '@ballast/platform-runtime';
import { z } from 'zod';
import { KillSwitchService, type KillSwitchView } from './kill-switch.service';

const engageRequestSchema = z
  .object({ reason: z.string().min(1).max(500).optional() })
  .strict()
  .default({});

/**
 * The runtime kill switch. Operators' endpoint on the service's internal port: it is not exposed
 * through the api's authenticated routes (see README, Security).
 */
@Controller('kill-switch')
export class KillSwitchController {
  constructor(private readonly killSwitch: KillSwitchService) {}

  @Get()
  get(): Promise<KillSwitchView> {
    return this.killSwitch.state();
  }

  /** Engages the switch: every order not yet at the broker is rejected with `kill-switch`. */
  @Post()
  @HttpCode(200)
  engage(
    @Body(new ZodBodyPipe(engageRequestSchema)) body: z.infer<typeof engageRequestSchema>,
  ): Promise<KillSwitchView> {
    return this.killSwitch.set(true, body.reason ?? null);
  }

  @Delete()
  release(): Promise<KillSwitchView> {
    return this.killSwitch.set(false, null);
  }
}
