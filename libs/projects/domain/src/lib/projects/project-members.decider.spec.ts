import { PROJECT_ROLES, type ProjectRole } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { projectDecider, type ProjectState, type ProjectStreamEvent } from './project.decider';

const id = 'p1';
const ada = 'u-ada';
const grace = 'u-grace';
const spec = deciderSpec(projectDecider);
const fold = (events: readonly ProjectStreamEvent[]): ProjectState => events.reduce(projectDecider.evolve, projectDecider.initialState);

const created: ProjectStreamEvent = { type: 'ProjectCreated', data: { projectId: id, name: 'Alpha', description: '' } };
const added = (userId: string, role: ProjectRole): ProjectStreamEvent => ({
  type: 'ProjectMemberAdded',
  data: { projectId: id, userId, role },
});
const changed = (userId: string, role: ProjectRole, previousRole: ProjectRole): ProjectStreamEvent => ({
  type: 'ProjectMemberRoleChanged',
  data: { projectId: id, userId, role, previousRole },
});
const removed = (userId: string, previousRole: ProjectRole): ProjectStreamEvent => ({
  type: 'ProjectMemberRemoved',
  data: { projectId: id, userId, previousRole },
});

const addMember = (overrides: Record<string, unknown> = {}) =>
  ({ type: 'AddMember', projectId: id, userId: ada, role: 'engineer', userStatus: 'active', ...overrides }) as never;

describe('project decider: membership', () => {
  describe('AddMember', () => {
    it.each(PROJECT_ROLES.map((role) => [role]))('adds a member with the %s role', (role) =>
      spec
        .given([created])
        .when(addMember({ role }))
        .then([added(ada, role)]));

    it('adds an invited user', () => spec.given([created]).when(addMember({ userStatus: 'invited' })).then([added(ada, 'engineer')]));

    it('adds a second member next to the first', () =>
      spec
        .given([created, added(ada, 'admin')])
        .when(addMember({ userId: grace, role: 'viewer' }))
        .then([added(grace, 'viewer')]));

    it.each([['owner'], ['Admin'], [''], [undefined], [null]])('refuses the role %p, naming the field', (role) =>
      spec.given([created]).when(addMember({ role })).thenThrows({ kind: 'validation', code: 'role.invalid', field: 'role' }));

    it('refuses a user that does not exist, naming the userId field', () =>
      spec.given([created]).when(addMember({ userStatus: 'none' })).thenThrows({
        kind: 'validation',
        code: 'user.not-found',
        field: 'userId',
      }));

    it('refuses to add a member twice', () =>
      spec.given([created, added(ada, 'viewer')]).when(addMember({ role: 'admin' })).thenThrows({
        kind: 'conflict',
        code: 'member.exists',
      }));

    it('refuses to add a member twice even with the same role', () =>
      spec.given([created, added(ada, 'engineer')]).when(addMember()).thenThrows({ kind: 'conflict', code: 'member.exists' }));

    it('refuses a member whose role was changed since', () =>
      spec
        .given([created, added(ada, 'viewer'), changed(ada, 'admin', 'viewer')])
        .when(addMember())
        .thenThrows({ kind: 'conflict', code: 'member.exists' }));

    it('adds a removed member again', () =>
      spec
        .given([created, added(ada, 'viewer'), removed(ada, 'viewer')])
        .when(addMember({ role: 'admin' }))
        .then([added(ada, 'admin')]));

    it('refuses a project that does not exist', () =>
      spec.given([]).when(addMember()).thenThrows({ kind: 'not-found', code: 'project.not-found' }));
  });

  describe('ChangeMemberRole', () => {
    it('changes the role, recording the previous one', () =>
      spec
        .given([created, added(ada, 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'admin' })
        .then([changed(ada, 'admin', 'viewer')]));

    it('uses the latest role as the previous one', () =>
      spec
        .given([created, added(ada, 'viewer'), changed(ada, 'annotator', 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'engineer' })
        .then([changed(ada, 'engineer', 'annotator')]));

    it('decides nothing when the role does not change', () =>
      spec.given([created, added(ada, 'viewer')]).when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'viewer' }).then([]));

    it('decides nothing when the role is changed back to the current one', () =>
      spec
        .given([created, added(ada, 'viewer'), changed(ada, 'admin', 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'admin' })
        .then([]));

    it('changes only the named member', () =>
      spec
        .given([created, added(ada, 'viewer'), added(grace, 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: grace, role: 'engineer' })
        .then([changed(grace, 'engineer', 'viewer')]));

    it('refuses a user who is not a member', () =>
      spec
        .given([created, added(grace, 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'admin' })
        .thenThrows({ kind: 'not-found', code: 'member.not-found' }));

    it('refuses a member who was removed', () =>
      spec
        .given([created, added(ada, 'viewer'), removed(ada, 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'admin' })
        .thenThrows({ kind: 'not-found', code: 'member.not-found' }));

    it('refuses an unknown role, naming the field', () =>
      spec
        .given([created, added(ada, 'viewer')])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'owner' as ProjectRole })
        .thenThrows({ kind: 'validation', code: 'role.invalid', field: 'role' }));

    it('refuses a project that does not exist', () =>
      spec
        .given([])
        .when({ type: 'ChangeMemberRole', projectId: id, userId: ada, role: 'admin' })
        .thenThrows({ kind: 'not-found', code: 'project.not-found' }));
  });

  describe('RemoveMember', () => {
    it('removes a member, recording the role they had', () =>
      spec
        .given([created, added(ada, 'annotator')])
        .when({ type: 'RemoveMember', projectId: id, userId: ada })
        .then([removed(ada, 'annotator')]));

    it('records the latest role as the previous one', () =>
      spec
        .given([created, added(ada, 'viewer'), changed(ada, 'admin', 'viewer')])
        .when({ type: 'RemoveMember', projectId: id, userId: ada })
        .then([removed(ada, 'admin')]));

    it('refuses a user who is not a member', () =>
      spec.given([created, added(grace, 'viewer')]).when({ type: 'RemoveMember', projectId: id, userId: ada }).thenThrows({
        kind: 'not-found',
        code: 'member.not-found',
      }));

    it('refuses to remove a member twice', () =>
      spec
        .given([created, added(ada, 'viewer'), removed(ada, 'viewer')])
        .when({ type: 'RemoveMember', projectId: id, userId: ada })
        .thenThrows({ kind: 'not-found', code: 'member.not-found' }));

    it('refuses a project that does not exist', () =>
      spec.given([]).when({ type: 'RemoveMember', projectId: id, userId: ada }).thenThrows({
        kind: 'not-found',
        code: 'project.not-found',
      }));
  });

  describe('evolve', () => {
    it('starts a project without members', () => expect(fold([created])).toMatchObject({ members: {} }));

    it('keeps the member map through add, change, remove and re-add', () => {
      const history: ProjectStreamEvent[] = [created];
      const step = (event: ProjectStreamEvent) => {
        history.push(event);
        return fold(history);
      };
      expect(step(added(ada, 'viewer'))).toMatchObject({ members: { [ada]: 'viewer' } });
      expect(step(added(grace, 'annotator'))).toMatchObject({ members: { [ada]: 'viewer', [grace]: 'annotator' } });
      expect(step(changed(ada, 'admin', 'viewer'))).toMatchObject({ members: { [ada]: 'admin', [grace]: 'annotator' } });
      expect(step(removed(grace, 'annotator'))).toEqual({ status: 'active', id, name: 'Alpha', members: { [ada]: 'admin' } });
      expect(step(added(grace, 'engineer'))).toEqual({
        status: 'active',
        id,
        name: 'Alpha',
        members: { [ada]: 'admin', [grace]: 'engineer' },
      });
      expect(step(removed(ada, 'admin'))).toEqual({ status: 'active', id, name: 'Alpha', members: { [grace]: 'engineer' } });
    });

    it('does not mutate an earlier state', () => {
      const before = fold([created, added(ada, 'viewer')]);
      const snapshot = structuredClone(before);
      projectDecider.evolve(before, changed(ada, 'admin', 'viewer'));
      projectDecider.evolve(before, removed(ada, 'viewer'));
      projectDecider.evolve(before, added(grace, 'viewer'));
      expect(before).toEqual(snapshot);
    });

    it('keeps the members through a rename and an archive', () =>
      expect(
        fold([
          created,
          added(ada, 'viewer'),
          { type: 'ProjectRenamed', data: { projectId: id, name: 'Beta', previousName: 'Alpha' } },
          { type: 'ProjectArchived', data: { projectId: id } },
        ]),
      ).toEqual({ status: 'archived', id, name: 'Beta', members: { [ada]: 'viewer' } }));

    it('decides from the folded members after a re-add', () =>
      spec
        .given([created, added(ada, 'viewer'), removed(ada, 'viewer'), added(ada, 'engineer')])
        .when({ type: 'RemoveMember', projectId: id, userId: ada })
        .then([removed(ada, 'engineer')]));

    it('ignores membership events before the project exists', () =>
      expect(fold([added(ada, 'viewer'), removed(ada, 'viewer')])).toEqual({ status: 'none' }));
  });
});
