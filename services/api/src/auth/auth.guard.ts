import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator.service';
import { type Action, type Principal, roleAllows, rolesFor } from './roles';

const PUBLIC = 'ballast:public';
const REQUIRES = 'ballast:requires';

/** A route anyone may call (the OpenAPI document). Health probes and metrics are exempt by path. */
export const Public = () => SetMetadata(PUBLIC, true);
/** The action a route performs; the caller's role must allow it (403 otherwise). */
export const Requires = (action: Action) => SetMetadata(REQUIRES, action);

/** Probes and scrapes of the platform's health module: the kubelet and Prometheus carry no credential. */
const UNAUTHENTICATED_PATHS = ['/health/live', '/health/ready', '/metrics'];

/** The parts of an Express request the guard reads and writes. */
interface AuthenticatedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  principal?: Principal;
}

interface HeaderSetter {
  setHeader(name: string, value: string): void;
}

/**
 * Global guard: every HTTP route needs a credential (401 without a valid one) and a role that
 * allows the route's action (403). Whether the caller may see the object (household membership) is
 * decided in the services, which answer 404 for another household's objects.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers share the app's global guards (inheritAppConfig): they are not HTTP requests.
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets) === true) return true;
    if (UNAUTHENTICATED_PATHS.includes(request.path)) return true;
    try {
      request.principal = await this.authenticator.authenticate(request.headers);
    } catch (error) {
      context
        .switchToHttp()
        .getResponse<HeaderSetter>()
        .setHeader('WWW-Authenticate', 'Bearer realm="ballast"');
      throw error;
    }
    const action = this.reflector.getAllAndOverride<Action | undefined>(REQUIRES, targets) ?? 'read';
    if (!roleAllows(request.principal.role, action)) {
      throw new ForbiddenException({
        error: 'Forbidden',
        message: `role "${request.principal.role}" may not ${action} (needs ${rolesFor(action).join(' or ')})`,
      });
    }
    return true;
  }
}

/** The authenticated caller of the current request (set by AuthGuard). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  // Only reachable if a route is marked public and still asks for a principal: a programming error.
  if (principal === undefined) throw new Error('no authenticated principal on this request');
  return principal;
});
