import { timingSafeEqual } from 'node:crypto';
import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { APP_CONFIG } from '@ballast/platform-config';
import { type NotificationConfig } from '../config/notification.config';

/**
 * The preference and feed routes answer callers inside the platform (the api service, which owns
 * user identity and checks household membership before it calls here). With NOTIFICATION_API_TOKEN
 * set they need `Authorization: Bearer <token>`; without it they rely on being cluster-internal.
 */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) config: NotificationConfig) {
    this.expected =
      config.NOTIFICATION_API_TOKEN === undefined ? undefined : Buffer.from(config.NOTIFICATION_API_TOKEN);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    const header =
      context.switchToHttp().getRequest<{ headers: { authorization?: string } }>().headers.authorization ??
      '';
    const match = /^Bearer (.+)$/.exec(header);
    const given = Buffer.from(match?.[1] ?? '');
    // Constant-time comparison: the time taken must not tell how much of a guess was right.
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new UnauthorizedException({
        error: 'Unauthorized',
        message: 'a valid bearer token (NOTIFICATION_API_TOKEN) is required',
      });
    }
    return true;
  }
}
