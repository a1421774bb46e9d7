import { apiKeyStreamId, projectStreamId, sessionStreamId, userStreamId, type Actor } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { apiKeyDecider, sessionDecider, userDecider, userIdForEmail, type ApiKeyCommand, type SessionCommand, type UserCommand } from '@camel/identity';
import { projectDecider, type ProjectCommand } from '@camel/projects';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import type { EntityManager } from 'typeorm';
import { ApiKeyRecord } from './api-key.entity';
import { identityProjection } from './identity.projection';
import { IdentityReadModel } from './identity.read-model';
import { ProjectMemberRecord } from './project-member.entity';
import { SessionRecord } from './session.entity';
import { UserRecord } from './user.entity';

const OWNER: Actor = { type: 'user', id: 'u-owner' };
const P1 = '0190a000-0000-7000-8000-000000000021';
const ANN = userIdForEmail('ann@example.test');
const BEN = userIdForEmail('ben@example.test');
const S1 = '0190a000-0000-7000-8000-0000000000a1';
const K1 = '0190a000-0000-7000-8000-0000000000b1';
const K2 = '0190a000-0000-7000-8000-0000000000b2';
const PASSWORD = 'a-long-enough-password';
const LATER = '2026-02-01T00:00:00.000Z';

const users = (manager: EntityManager) => manager.find(UserRecord, { order: { email: 'ASC' } });
const members = (manager: EntityManager) => manager.find(ProjectMemberRecord, { order: { userId: 'ASC' } });

describe.each(ENGINES)('identity projection on %s', (engine) => {
  const spec = projectionSpec(engine, identityProjection);
  let timeline: EventTimeline;
  const user = (command: UserCommand) => timeline.decide(userDecider, userStreamId(command.userId), command, { actor: OWNER });
  const session = (command: SessionCommand, userId: string) =>
    timeline.decide(sessionDecider, sessionStreamId(command.sessionId), command, { actor: { type: 'user', id: userId } });
  const project = (command: ProjectCommand) => timeline.decide(projectDecider, projectStreamId(command.projectId), command, { actor: OWNER, projectId: command.projectId });
  const apiKey = (command: ApiKeyCommand) => timeline.decide(apiKeyDecider, apiKeyStreamId(command.keyId), command, { actor: OWNER, projectId: command.projectId });
  const createUser = (userId: string, email: string, extra: Partial<Extract<UserCommand, { type: 'CreateUser' }>> = {}) =>
    user({ type: 'CreateUser', userId, email, name: email.split('@')[0], globalRole: null, password: PASSWORD, ...extra });

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('a user created with a password is active; an invited one becomes active when it sets its password', async () => {
    createUser(ANN, 'Ann@Example.test', { globalRole: 'owner' });
    createUser(BEN, 'ben@example.test', { password: undefined, inviteExpiresAt: LATER });
    user({ type: 'SetPassword', userId: BEN, password: PASSWORD, reason: 'reset' });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await users(manager)).toEqual([
        { id: ANN, email: 'ann@example.test', name: 'Ann', globalRole: 'owner', status: 'active', hasPassword: true, version: 2, createdAt: timelineTime(0), updatedAt: timelineTime(0), lastLoginAt: null, passwordChangeRequired: false, sessionsValidAfter: null, keptSessionId: null },
        // Setting the password ends every session started before it (none here).
        { id: BEN, email: 'ben@example.test', name: 'ben', globalRole: null, status: 'active', hasPassword: true, version: 3, createdAt: timelineTime(1), updatedAt: timelineTime(2), lastLoginAt: null, passwordChangeRequired: false, sessionsValidAfter: timelineTime(2), keptSessionId: null },
      ]);
    });
  });

  it('a generated password asks for a change', async () => {
    createUser(ANN, 'ann@example.test', { globalRole: 'owner', passwordGenerated: true });
    createUser(BEN, 'ben@example.test');
    await spec.given(timeline).then(async ({ manager }) => {
      expect((await users(manager)).map((row) => row.passwordChangeRequired)).toEqual([true, false]);
    });
  });

  it('the next password set ends the request to change it', async () => {
    createUser(ANN, 'ann@example.test', { globalRole: 'owner', passwordGenerated: true });
    user({ type: 'SetPassword', userId: ANN, password: `${PASSWORD}-2`, reason: 'changed' });
    await spec.given(timeline).then(async ({ manager }) => {
      expect((await users(manager)).map((row) => row.passwordChangeRequired)).toEqual([false]);
    });
  });

  it('rename, role change, reset, disable and enable update the row; enabling restores active (password) or invited (none)', async () => {
    createUser(ANN, 'ann@example.test');
    user({ type: 'RenameUser', userId: ANN, name: 'Ann Smith' });
    user({ type: 'ChangeGlobalRole', userId: ANN, globalRole: 'owner' });
    user({ type: 'IssuePasswordReset', userId: ANN, expiresAt: LATER });
    user({ type: 'DisableUser', userId: ANN });
    user({ type: 'EnableUser', userId: ANN });
    createUser(BEN, 'ben@example.test', { password: undefined, inviteExpiresAt: LATER });
    user({ type: 'DisableUser', userId: BEN });
    user({ type: 'EnableUser', userId: BEN });
    await spec.given(timeline).then(async ({ manager, dataSource }) => {
      expect(await users(manager)).toEqual([
        { id: ANN, email: 'ann@example.test', name: 'Ann Smith', globalRole: 'owner', status: 'active', hasPassword: true, version: 7, createdAt: timelineTime(0), updatedAt: timelineTime(5), lastLoginAt: null, passwordChangeRequired: false, sessionsValidAfter: timelineTime(4), keptSessionId: null },
        // Disabling cuts like a reset: enabling again does not revive what was issued before.
        { id: BEN, email: 'ben@example.test', name: 'ben', globalRole: null, status: 'invited', hasPassword: false, version: 4, createdAt: timelineTime(6), updatedAt: timelineTime(8), lastLoginAt: null, passwordChangeRequired: false, sessionsValidAfter: timelineTime(7), keptSessionId: null },
      ]);
      const readModel = new IdentityReadModel(dataSource.getRepository(UserRecord), dataSource.getRepository(SessionRecord), dataSource.getRepository(ProjectMemberRecord), dataSource.getRepository(ApiKeyRecord));
      expect(await readModel.account(ANN)).toEqual({ id: ANN, email: 'ann@example.test', name: 'Ann Smith', globalRole: 'owner', status: 'active', passwordChangeRequired: false, sessionsValidAfter: timelineTime(4), keptSessionId: null });
    });
  });

  it("sessions: started (the user's last login), revoked with its reason; rotations of older logs change nothing; the user's version ignores them", async () => {
    createUser(ANN, 'ann@example.test');
    session({ type: 'StartSession', sessionId: S1, userId: ANN, expiresAt: '2026-01-15T00:00:00.000Z', userStatus: 'active' }, ANN);
    // Logs written before rotations left the log carry SessionRefreshed: the refresh_tokens credential table has the generation.
    timeline.record(sessionStreamId(S1), [{ type: 'SessionRefreshed', data: { sessionId: S1, userId: ANN, generation: 1, expiresAt: '2026-01-16T00:00:00.000Z' } }], { actor: { type: 'user', id: ANN } });
    // A spent refresh token presented again: the family is revoked for reuse.
    session({ type: 'RevokeSession', sessionId: S1, reason: 'refresh-reuse' }, ANN);
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(SessionRecord)).toEqual([
        { id: S1, userId: ANN, status: 'revoked', startedAt: timelineTime(1), expiresAt: '2026-01-15T00:00:00.000Z', revokedReason: 'refresh-reuse' },
      ]);
      expect(await manager.findOneBy(UserRecord, { id: ANN })).toMatchObject({ version: 2, updatedAt: timelineTime(0), lastLoginAt: timelineTime(1) });
    });
  });

  it('a password change keeps the changing session and cuts the others', async () => {
    createUser(ANN, 'ann@example.test');
    user({ type: 'SetPassword', userId: ANN, password: 'another-long-password', reason: 'changed', sessionId: S1 });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.findOneBy(UserRecord, { id: ANN })).toMatchObject({ sessionsValidAfter: timelineTime(1), keptSessionId: S1 });
    });
  });

  it('a reset after a password change keeps no session', async () => {
    createUser(ANN, 'ann@example.test');
    user({ type: 'SetPassword', userId: ANN, password: 'another-long-password', reason: 'changed', sessionId: S1 });
    user({ type: 'IssuePasswordReset', userId: ANN, expiresAt: LATER });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.findOneBy(UserRecord, { id: ANN })).toMatchObject({ sessionsValidAfter: timelineTime(2), keptSessionId: null });
    });
  });

  it('members: added, role changed, removed; an added event for a current member changes its role and keeps added_at', async () => {
    createUser(ANN, 'ann@example.test');
    createUser(BEN, 'ben@example.test');
    project({ type: 'CreateProject', projectId: P1, name: 'Alpha' });
    project({ type: 'AddMember', projectId: P1, userId: ANN, role: 'viewer', userStatus: 'active' });
    project({ type: 'AddMember', projectId: P1, userId: BEN, role: 'viewer', userStatus: 'active' });
    project({ type: 'ChangeMemberRole', projectId: P1, userId: ANN, role: 'engineer' });
    project({ type: 'RemoveMember', projectId: P1, userId: BEN });
    // The decider refuses adding a current member; the projection still applies such an event as a role change.
    timeline.record(projectStreamId(P1), [{ type: 'ProjectMemberAdded', data: { projectId: P1, userId: ANN, role: 'admin' } }], { actor: OWNER, projectId: P1 });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await members(manager)).toEqual(
        [{ projectId: P1, userId: ANN, role: 'admin', addedAt: timelineTime(3), updatedAt: timelineTime(7) }],
      );
    });
  });

  it('a member removed and added again is a new membership: its role and added_at are the new ones', async () => {
    createUser(BEN, 'ben@example.test');
    project({ type: 'CreateProject', projectId: P1, name: 'Alpha' });
    project({ type: 'AddMember', projectId: P1, userId: BEN, role: 'admin', userStatus: 'active' });
    project({ type: 'RemoveMember', projectId: P1, userId: BEN });
    project({ type: 'AddMember', projectId: P1, userId: BEN, role: 'viewer', userStatus: 'active' });
    await spec.given(timeline).then(async ({ manager, dataSource }) => {
      expect(await members(manager)).toEqual([{ projectId: P1, userId: BEN, role: 'viewer', addedAt: timelineTime(4), updatedAt: timelineTime(4) }]);
      const readModel = new IdentityReadModel(dataSource.getRepository(UserRecord), dataSource.getRepository(SessionRecord), dataSource.getRepository(ProjectMemberRecord), dataSource.getRepository(ApiKeyRecord));
      expect(await readModel.rolesOf(BEN)).toEqual(new Map([[P1, 'viewer']]));
      expect(await readModel.members(P1)).toEqual([
        { projectId: P1, userId: BEN, email: 'ben@example.test', name: 'ben', role: 'viewer', addedAt: timelineTime(4), updatedAt: timelineTime(4) },
      ]);
    });
  });

  it('API keys: created with their creator, revoked with the time; project and config events are ignored', async () => {
    project({ type: 'CreateProject', projectId: P1, name: 'Alpha' });
    apiKey({ type: 'CreateApiKey', keyId: K1, projectId: P1, name: ' ci ', role: 'engineer', prefix: 'camel_ab12', projectStatus: 'active' });
    project({ type: 'RenameProject', projectId: P1, name: 'Alpha 2' });
    apiKey({ type: 'RevokeApiKey', keyId: K1, projectId: P1 });
    apiKey({ type: 'CreateApiKey', keyId: K2, projectId: P1, name: 'temp', role: 'viewer', prefix: 'camel_cd34', projectStatus: 'active', expiresAt: LATER });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(ApiKeyRecord, { order: { createdAt: 'ASC' } })).toEqual([
        { id: K1, projectId: P1, name: 'ci', role: 'engineer', prefix: 'camel_ab12', createdAt: timelineTime(1), createdBy: 'user:u-owner', revokedAt: timelineTime(3), expiresAt: null },
        { id: K2, projectId: P1, name: 'temp', role: 'viewer', prefix: 'camel_cd34', createdAt: timelineTime(4), createdBy: 'user:u-owner', revokedAt: null, expiresAt: LATER },
      ]);
      expect(await users(manager)).toEqual([]);
      expect(await members(manager)).toEqual([]);
      expect(await manager.find(SessionRecord)).toEqual([]);
    });
  });
});
