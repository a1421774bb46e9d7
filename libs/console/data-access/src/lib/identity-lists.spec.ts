import type { ApiKeyView, MemberView, RecordedEvent, UserView } from '@camel/contracts';
import { applyApiKeyEvents } from './api-key-list';
import { applyMemberEvents, fillMembers, isPendingMember } from './member-list';
import { applyUserEvents, mergeFreshUsers, replaceUser } from './user-list';

const T0 = '2026-01-01T10:00:00.000Z';
const T1 = '2026-01-01T11:00:00.000Z';
const T2 = '2026-01-01T12:00:00.000Z';
let nextPosition = 0;

function recorded(type: string, data: object, streamVersion: number, time = T1, streamId = 'x'): RecordedEvent {
  nextPosition += 1;
  return {
    position: nextPosition,
    streamId,
    streamType: streamId.split('-')[0] ?? 'x',
    streamVersion,
    id: `e${nextPosition}`,
    type,
    schemaVersion: 1,
    data,
    metadata: { actor: { type: 'user', id: 'owner' }, correlationId: 'c', time, projectId: (data as { projectId?: string }).projectId },
    hash: 'h',
    recordedAt: time,
  };
}

const user = (id: string, email: string, patch: Partial<UserView> = {}): UserView => ({
  id,
  email,
  name: id.toUpperCase(),
  globalRole: null,
  status: 'active',
  createdAt: T0,
  updatedAt: T0,
  lastLoginAt: null,
  version: 1,
  ...patch,
});

describe('applyUserEvents', () => {
  it('adds created users in the api order (by email) and folds later changes', () => {
    const list = [user('u1', 'b@example.test')];
    const { users, refetch } = applyUserEvents(list, [
      recorded('UserCreated', { userId: 'u2', email: 'a@example.test', name: 'Ann', globalRole: null, status: 'invited' }, 1),
      recorded('UserRenamed', { userId: 'u1', name: 'Bea' }, 2),
      recorded('UserGlobalRoleChanged', { userId: 'u1', globalRole: 'owner', previousRole: null }, 3, T2),
      recorded('UserPasswordSet', { userId: 'u2', reason: 'invite-accepted' }, 2),
    ]);
    expect(refetch).toEqual([]);
    expect(users).toEqual([
      { id: 'u2', email: 'a@example.test', name: 'Ann', globalRole: null, status: 'active', createdAt: T1, updatedAt: T1, lastLoginAt: null, version: 2 },
      user('u1', 'b@example.test', { name: 'Bea', globalRole: 'owner', version: 3, updatedAt: T2 }),
    ]);
    expect(list).toEqual([user('u1', 'b@example.test')]);
  });

  it('skips events the row already reflects (by stream version)', () => {
    const list = [user('u1', 'a@example.test', { name: 'New', version: 2 })];
    const { users } = applyUserEvents(list, [recorded('UserRenamed', { userId: 'u1', name: 'Old' }, 2)]);
    expect(users).toEqual(list);
  });

  it('disables live, and asks to refetch an enabled user (active or invited depends on a password)', () => {
    const list = [user('u1', 'a@example.test')];
    const disabled = applyUserEvents(list, [recorded('UserDisabled', { userId: 'u1' }, 2)]);
    expect(disabled.users[0]?.status).toBe('disabled');
    const enabled = applyUserEvents(disabled.users, [recorded('UserEnabled', { userId: 'u1' }, 3)]);
    expect(enabled.refetch).toEqual(['u1']);
    expect(replaceUser(enabled.users, user('u1', 'a@example.test', { status: 'invited', version: 3 }))[0]?.status).toBe('invited');
    // An older fetch never replaces a newer row.
    expect(replaceUser(enabled.users, user('u1', 'a@example.test', { version: 1 }))[0]?.version).toBe(3);
  });

  it('records the last sign-in from SessionStarted and ignores unknown types', () => {
    const list = [user('u1', 'a@example.test')];
    const { users } = applyUserEvents(list, [
      recorded('SessionStarted', { sessionId: 's1', userId: 'u1', expiresAt: T2 }, 1, T2, 'session-s1'),
      recorded('SessionStarted', { sessionId: 's0', userId: 'u1', expiresAt: T2 }, 1, T1, 'session-s0'),
      recorded('ProjectCreated', { projectId: 'p1', name: 'P', description: '' }, 1),
    ]);
    expect(users[0]?.lastLoginAt).toBe(T2);
    expect(users[0]?.version).toBe(1);
  });

  it('asks to refetch a user whose sign-in arrives before their creation (two subscriptions)', () => {
    const signIn = recorded('SessionStarted', { sessionId: 's2', userId: 'u2', expiresAt: T2 }, 1, T2, 'session-s2');
    const early = applyUserEvents([user('u1', 'a@example.test')], [signIn]);
    expect(early.refetch).toEqual(['u2']);
    expect(early.users.map((row) => row.id)).toEqual(['u1']);

    const fresh = user('u2', 'b@example.test', { lastLoginAt: T2 });
    expect(mergeFreshUsers(early.users, { items: [user('u1', 'a@example.test'), fresh], position: 9 })).toEqual({
      items: [user('u1', 'a@example.test'), fresh],
      stale: false,
    });
    // A read model behind the live rows stays stale: read again later.
    expect(mergeFreshUsers([user('u1', 'a@example.test', { version: 3 })], { items: [user('u1', 'a@example.test', { version: 2 })], position: 9 }).stale).toBe(true);
  });
});

const key = (id: string, patch: Partial<ApiKeyView> = {}): ApiKeyView => ({
  id,
  projectId: 'p1',
  name: id,
  role: 'viewer',
  prefix: 'camel_12345678',
  createdAt: T0,
  createdBy: 'user:owner',
  revokedAt: null,
  expiresAt: null,
  lastUsedAt: null,
  ...patch,
});

describe('applyApiKeyEvents', () => {
  it('adds created keys of the project and marks revoked ones; replays change nothing', () => {
    const events = [
      recorded('ApiKeyCreated', { keyId: 'k2', projectId: 'p1', name: 'ci', role: 'engineer', prefix: 'camel_abcdef01' }, 1),
      recorded('ApiKeyCreated', { keyId: 'k9', projectId: 'p2', name: 'other', role: 'viewer', prefix: 'camel_ffffffff' }, 1),
      recorded('ApiKeyRevoked', { keyId: 'k1', projectId: 'p1' }, 2, T2),
    ];
    const once = applyApiKeyEvents([key('k1', { lastUsedAt: T1 })], events, 'p1');
    expect(once).toEqual([
      key('k1', { lastUsedAt: T1, revokedAt: T2 }),
      key('k2', { name: 'ci', role: 'engineer', prefix: 'camel_abcdef01', createdAt: T1 }),
    ]);
    expect(applyApiKeyEvents(once, events, 'p1')).toEqual(once);
  });
});

const member = (userId: string, email: string, patch: Partial<MemberView> = {}): MemberView => ({
  projectId: 'p1',
  userId,
  email,
  name: userId.toUpperCase(),
  role: 'viewer',
  addedAt: T0,
  updatedAt: T0,
  ...patch,
});

describe('applyMemberEvents', () => {
  const added = (userId: string, role: string, projectId = 'p1') => recorded('ProjectMemberAdded', { projectId, userId, role }, 2);
  const changed = (userId: string, role: string) => recorded('ProjectMemberRoleChanged', { projectId: 'p1', userId, role, previousRole: 'viewer' }, 3, T2);
  const removed = (userId: string) => recorded('ProjectMemberRemoved', { projectId: 'p1', userId, previousRole: 'viewer' }, 4);

  it('changes roles and removes members; an added member waits for its email and name', () => {
    const list = [member('u1', 'a@example.test'), member('u2', 'b@example.test')];
    const result = applyMemberEvents(list, [changed('u1', 'admin'), removed('u2'), added('u3', 'engineer'), added('u9', 'admin', 'p2')], 'p1');
    expect(result).toEqual([
      { projectId: 'p1', userId: 'u3', email: '', name: '', role: 'engineer', addedAt: T1, updatedAt: T1 },
      member('u1', 'a@example.test', { role: 'admin', updatedAt: T2 }),
    ]);
    expect(result.filter(isPendingMember).map((m) => m.userId)).toEqual(['u3']);

    // A list read before the projection caught up: names come from it, roles stay as the events say.
    const filled = fillMembers(result, [member('u1', 'a@example.test'), member('u3', 'c@example.test', { role: 'viewer' })]);
    expect(filled).toEqual([
      member('u1', 'a@example.test', { role: 'admin', updatedAt: T2 }),
      { projectId: 'p1', userId: 'u3', email: 'c@example.test', name: 'U3', role: 'engineer', addedAt: T1, updatedAt: T1 },
    ]);
  });

  it('ends in the right list when the whole history is replayed over a current list', () => {
    const current = [member('u1', 'a@example.test', { role: 'admin' })];
    const history = [added('u1', 'viewer'), changed('u1', 'admin'), added('u2', 'viewer'), removed('u2')];
    expect(applyMemberEvents(current, history, 'p1').map((m) => [m.userId, m.role])).toEqual([['u1', 'admin']]);
  });
});
