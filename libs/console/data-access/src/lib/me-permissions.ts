import { hasPermission, type Me, type Permission, type ProjectRole } from '@camel/contracts';

/**
 * What the signed-in principal may do, from `Me` alone — the same rule as the api's guard: an owner
 * may do everything everywhere; anyone else what the role held in a project grants there.
 * The console hides or disables what these answer false for; the api decides regardless.
 */

/** May `me` use `permission` without naming a project (installation-wide)? */
export function canGlobally(me: Me | null | undefined, permission: Permission): boolean {
  if (!me) return false;
  return me.globalPermissions.includes(permission) || (me.globalRole !== null && hasPermission(me.globalRole, permission));
}

/** May `me` use `permission` in `projectId`? */
export function canInProject(me: Me | null | undefined, permission: Permission, projectId: string): boolean {
  if (!me) return false;
  if (canGlobally(me, permission)) return true;
  const role = roleIn(me, projectId);
  return role !== undefined && hasPermission(role, permission);
}

/** May `me` use `permission` somewhere (globally or in at least one project)? Drives navigation. */
export function canAnywhere(me: Me | null | undefined, permission: Permission): boolean {
  if (!me) return false;
  return canGlobally(me, permission) || me.memberships.some((membership) => hasPermission(membership.role, permission));
}

/** Projects where `me` holds `permission` through a membership; `'all'` when it holds it globally. */
export function projectsWith(me: Me | null | undefined, permission: Permission): 'all' | string[] {
  if (!me) return [];
  if (canGlobally(me, permission)) return 'all';
  return me.memberships.filter((membership) => hasPermission(membership.role, permission)).map((membership) => membership.projectId);
}

export function roleIn(me: Me | null | undefined, projectId: string): ProjectRole | undefined {
  return me?.memberships.find((membership) => membership.projectId === projectId)?.role;
}

export function isOwner(me: Me | null | undefined): boolean {
  return me?.globalRole === 'owner';
}
