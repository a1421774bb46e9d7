import { DomainError } from '@camel/contracts';
import { allowed, bearerToken, type GuardedRequest, ROUTE_ACCESS, type RouteAccess, setRequestActor } from '@camel/server';
import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator';

/**
 * The global guard: deny by default. Resolves the bearer credential, names the caller in the
 * request context (so events carry the actor), then checks the route's declared permission with the
 * one permission map. A project the caller does not belong to answers 404, as if it did not exist.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('AccessGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // the gateway authenticates its own handshake
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    if (!access) {
      this.logger.error(`route ${context.getClass().name}.${context.getHandler().name} declares no access: refused`);
      throw DomainError.forbidden('auth.undeclared', 'this route declares no permission and is refused');
    }
    if (access.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = await this.authenticator.authenticate(bearerToken(request.headers['authorization']));
    request.principal = principal;
    setRequestActor(principal.actor);
    if (allowed(principal, access, request.params ?? {})) return true;
    throw DomainError.forbidden('auth.forbidden', `you lack the ${'permission' in access ? access.permission : ''} permission`);
  }
}

