import { DomainError, type Permission } from '@camel/contracts';
import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { can, canInSomeProject, isOwner, type Principal } from './principal';

/**
 * How a route is guarded. Every route declares one (the guard refuses undeclared routes, and the
 * role × route matrix test reads these to know what to expect):
 * - public: no credentials (sign-in, health)
 * - authenticated: any signed-in user or API key (e.g. "who am I")
 * - installation: a permission held installation-wide (owner)
 * - project: a permission in the project named by a route parameter; non-members get 404
 * - some-project: a permission in at least one project (the handler narrows to those projects)
 */
export type RouteAccess =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'installation'; readonly permission: Permission }
  | { readonly kind: 'project'; readonly permission: Permission; readonly param: string }
  | { readonly kind: 'some-project'; readonly permission: Permission };

export const ROUTE_ACCESS = 'camel:route-access';

const declare = (access: RouteAccess, ...docs: MethodDecorator[]) =>
  applyDecorators(SetMetadata(ROUTE_ACCESS, access), ...(docs as (ClassDecorator & MethodDecorator)[]));

const secured = () => [
  ApiBearerAuth(),
  ApiUnauthorizedResponse({ description: 'No valid access token or API key' }),
] as MethodDecorator[];

export const Public = () => declare({ kind: 'public' });
export const Authenticated = () => declare({ kind: 'authenticated' }, ...secured());
export const RequiresInstallation = (permission: Permission) =>
  declare({ kind: 'installation', permission }, ...secured(), ApiForbiddenResponse({ description: `Needs ${permission} (owner)` }));
export const RequiresProject = (permission: Permission, param = 'id') =>
  declare(
    { kind: 'project', permission, param },
    ...secured(),
    ApiForbiddenResponse({ description: `Needs ${permission} in the project; other projects answer 404` }),
  );
export const RequiresSomeProject = (permission: Permission) =>
  declare({ kind: 'some-project', permission }, ...secured(), ApiForbiddenResponse({ description: `Needs ${permission} in some project` }));

export interface GuardedRequest {
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  principal?: Principal;
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/** The authenticated caller, as the guard resolved it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<GuardedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

/** Throws the 404 for non-members; returns whether the declared permission is held. */
export function allowed(principal: Principal, access: RouteAccess, params: Record<string, string>): boolean {
  switch (access.kind) {
    case 'public':
    case 'authenticated':
      return true;
    case 'installation':
      return can(principal, access.permission);
    case 'some-project':
      return canInSomeProject(principal, access.permission);
    case 'project': {
      const projectId = params[access.param];
      if (!isOwner(principal) && !principal.roles.has(projectId)) {
        throw DomainError.notFound('project.not-found', `project ${projectId} does not exist`);
      }
      return can(principal, access.permission, projectId);
    }
  }
}
