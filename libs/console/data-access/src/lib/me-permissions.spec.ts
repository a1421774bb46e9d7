import { permissions, type Me, type Membership } from '@camel/contracts';
import { canAnywhere, canGlobally, canInProject, isOwner, projectsWith, roleIn } from './me-permissions';

const me = (patch: Partial<Me> = {}): Me => ({
  actor: { type: 'user', id: 'u1' },
  email: 'u1@example.test',
  name: 'U1',
  globalRole: null,
  memberships: [],
  globalPermissions: [],
  ...patch,
});
const member = (projectId: string, role: Membership['role']): Membership => ({ projectId, projectName: projectId.toUpperCase(), role });

describe('permissions from Me', () => {
  const owner = me({ globalRole: 'owner', globalPermissions: Object.values(permissions) });
  const annotator = me({ memberships: [member('p1', 'annotator'), member('p2', 'annotator')] });
  const mixed = me({ memberships: [member('p1', 'annotator'), member('p2', 'viewer'), member('p3', 'admin')] });

  // The same question to each principal, with its expected answer (a permission table).
  it.each([
    ['owner', owner, permissions.readTraining, 'p9', true, true, true],
    ['owner', owner, permissions.manageUsers, 'p9', true, true, true],
    ['annotator', annotator, permissions.readTraining, 'p1', false, false, false],
    ['annotator', annotator, permissions.writeAnnotation, 'p1', false, true, true],
    ['annotator', annotator, permissions.writeAnnotation, 'p9', false, true, false],
    ['mixed', mixed, permissions.readTraining, 'p1', false, true, false],
    ['mixed', mixed, permissions.readTraining, 'p2', false, true, true],
    ['mixed', mixed, permissions.manageMembers, 'p2', false, true, false],
    ['mixed', mixed, permissions.manageMembers, 'p3', false, true, true],
    ['mixed', mixed, permissions.manageUsers, 'p3', false, false, false],
    ['signed out', null, permissions.readProject, 'p1', false, false, false],
  ] as const)('%s · %s in %s: global %s, anywhere %s, in project %s', (_who, principal, permission, projectId, global, anywhere, inProject) => {
    expect(canGlobally(principal, permission)).toBe(global);
    expect(canAnywhere(principal, permission)).toBe(anywhere);
    expect(canInProject(principal, permission, projectId)).toBe(inProject);
  });

  it('lists the projects where a permission is held', () => {
    expect(projectsWith(owner, permissions.manageApiKeys)).toBe('all');
    expect(projectsWith(mixed, permissions.manageApiKeys)).toEqual(['p3']);
    expect(projectsWith(mixed, permissions.readProject)).toEqual(['p1', 'p2', 'p3']);
    expect(projectsWith(null, permissions.readProject)).toEqual([]);
  });

  it('names roles', () => {
    expect(roleIn(mixed, 'p2')).toBe('viewer');
    expect(roleIn(mixed, 'p9')).toBeUndefined();
    expect(isOwner(owner)).toBe(true);
    expect(isOwner(mixed)).toBe(false);
  });
});
