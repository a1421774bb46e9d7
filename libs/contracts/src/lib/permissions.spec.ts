import { PROJECT_ROLES, getPermissions, hasPermission, permissions, type Permission, type Role } from './permissions';

/** The role × permission table, spelled out: changing a grant means changing this table too. */
const EXPECTED: Record<Permission, readonly Role[]> = {
  'project:read': ['owner', 'admin', 'engineer', 'annotator', 'viewer'],
  'project:create': ['owner'],
  'project:update': ['owner', 'admin'],
  'project:archive': ['owner', 'admin'],
  'project:members:manage': ['owner', 'admin'],
  'project:api-keys:manage': ['owner', 'admin'],
  'events:subscribe': ['owner', 'admin', 'engineer', 'annotator', 'viewer'],
  'config:read': ['owner', 'admin', 'engineer', 'annotator', 'viewer'],
  'config:write': ['owner', 'admin', 'engineer'],
  'run:read': ['owner', 'admin', 'engineer', 'annotator', 'viewer'],
  'run:start': ['owner', 'admin', 'engineer'],
  'run:control': ['owner', 'admin', 'engineer'],
  'annotation:read': ['owner', 'admin', 'engineer', 'annotator', 'viewer'],
  'annotation:write': ['owner', 'admin', 'engineer', 'annotator'],
  'annotation:manage': ['owner', 'admin', 'engineer'],
  'dataset:read': ['owner', 'admin', 'engineer', 'annotator', 'viewer'],
  'dataset:create': ['owner', 'admin', 'engineer'],
  'training:read': ['owner', 'admin', 'engineer', 'viewer'],
  'training:start': ['owner', 'admin', 'engineer'],
  'model:read': ['owner', 'admin', 'engineer', 'viewer'],
  'model:manage': ['owner', 'admin', 'engineer'],
  'webhook:manage': ['owner', 'admin'],
  'audit:read': ['owner', 'admin'],
  'audit:verify': ['owner', 'admin'],
  'users:manage': ['owner'],
};

const ROLES: readonly Role[] = ['owner', ...PROJECT_ROLES];

describe('permission map', () => {
  it('covers every permission in the table', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(permissions).sort());
  });

  it.each(Object.entries(EXPECTED))('%s is granted to exactly %j', (permission, allowed) => {
    for (const role of ROLES) {
      expect([role, hasPermission(role, permission as Permission)]).toEqual([role, allowed.includes(role)]);
    }
  });

  it('lists a role’s permissions consistently with hasPermission', () => {
    for (const role of ROLES) {
      expect(getPermissions(role)).toEqual(
        (Object.values(permissions) as Permission[]).filter((p) => hasPermission(role, p)).sort(),
      );
    }
  });

  it('denies by default: no role, unknown roles, empty lists', () => {
    expect(hasPermission(undefined, permissions.readProject)).toBe(false);
    expect(hasPermission(null, permissions.readProject)).toBe(false);
    expect(hasPermission([], permissions.readProject)).toBe(false);
    expect(hasPermission(['superuser' as Role], permissions.readProject)).toBe(false);
  });

  it('grants when any of several roles does', () => {
    expect(hasPermission(['annotator', 'engineer'], permissions.startTraining)).toBe(true);
    expect(hasPermission(['annotator'], permissions.readTraining)).toBe(false);
  });
});
