import { hasPermission, type Actor, type GlobalRole, type Permission, type ProjectRole } from '@camel/contracts';

/** The authenticated caller of a request or socket: a signed-in user or a project's API key. */
export interface Principal {
  readonly actor: Actor;
  readonly name: string;
  readonly email?: string;
  readonly userId?: string;
  readonly sessionId?: string;
  readonly keyId?: string;
  readonly globalRole: GlobalRole | null;
  /** Project id → role held there (an API key holds exactly one). */
  readonly roles: ReadonlyMap<string, ProjectRole>;
  /** When the credential stops being valid (ms since epoch): the access token's exp; none for API keys. */
  readonly expiresAt?: number;
}

export const isOwner = (principal: Principal): boolean => principal.globalRole === 'owner';

/** May the principal use `permission` in `projectId` (or, without a project, installation-wide)? */
export function can(principal: Principal, permission: Permission, projectId?: string): boolean {
  if (principal.globalRole && hasPermission(principal.globalRole, permission)) return true;
  if (projectId === undefined) return false;
  const role = principal.roles.get(projectId);
  return role !== undefined && hasPermission(role, permission);
}

/** Projects where the principal holds `permission`; `'all'` for owners. */
export function projectsWith(principal: Principal, permission: Permission): 'all' | string[] {
  if (principal.globalRole && hasPermission(principal.globalRole, permission)) return 'all';
  return [...principal.roles].filter(([, role]) => hasPermission(role, permission)).map(([id]) => id);
}

export const canInSomeProject = (principal: Principal, permission: Permission): boolean => {
  const projects = projectsWith(principal, permission);
  return projects === 'all' || projects.length > 0;
};

/** A project the principal is not a member of does not exist for it. */
export const seesProject = (principal: Principal, projectId: string): boolean => isOwner(principal) || principal.roles.has(projectId);
