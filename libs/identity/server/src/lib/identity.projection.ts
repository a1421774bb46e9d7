import {
  API_KEY_EVENT_TYPES,
  PROJECT_MEMBER_EVENT_TYPES,
  SESSION_EVENT_TYPES,
  USER_EVENT_TYPES,
  type ApiKeyEvent,
  type ProjectMemberEvent,
  type RecordedEvent,
  type SessionEvent,
  type UserEvent,
} from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import type { EntityManager } from 'typeorm';
import { ApiKeyRecord } from './api-key.entity';
import { ProjectMemberRecord } from './project-member.entity';
import { SessionRecord } from './session.entity';
import { UserRecord } from './user.entity';

type IdentityEvent = UserEvent | SessionEvent | ProjectMemberEvent | ApiKeyEvent;

/**
 * Who exists and who may do what: users, their sessions, project memberships and API keys. The auth
 * guard reads these on every request; commands wait for this projection before answering, so a
 * revocation is in force when its request returns.
 */
export const identityProjection: ReadModelProjection = {
  name: 'identity',
  // 3: users.password_change_required (a generated first password); 4: with sessions_valid_after / kept_session_id on change and disable;
  // 5: sessions.generation dropped (the refresh_tokens credential table keeps it).
  version: 5,
  entities: [UserRecord, SessionRecord, ProjectMemberRecord, ApiKeyRecord],
  eventTypes: [...USER_EVENT_TYPES, ...SESSION_EVENT_TYPES, ...PROJECT_MEMBER_EVENT_TYPES, ...API_KEY_EVENT_TYPES],

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as IdentityEvent;
    const time = recorded.metadata.time;
    const users = manager.getRepository(UserRecord);
    const sessions = manager.getRepository(SessionRecord);
    const members = manager.getRepository(ProjectMemberRecord);
    const keys = manager.getRepository(ApiKeyRecord);
    const touchUser = (userId: string, changes: Partial<UserRecord> = {}) =>
      users.update(userId, { ...changes, version: recorded.streamVersion, updatedAt: time });
    switch (event.type) {
      case 'UserCreated':
        await users.insert({
          id: event.data.userId,
          email: event.data.email,
          name: event.data.name,
          globalRole: event.data.globalRole,
          status: event.data.status,
          hasPassword: false,
          passwordChangeRequired: false,
          version: recorded.streamVersion,
          createdAt: time,
          updatedAt: time,
          lastLoginAt: null,
          sessionsValidAfter: null,
          keptSessionId: null,
        });
        return;
      case 'UserRenamed':
        await touchUser(event.data.userId, { name: event.data.name });
        return;
      case 'UserGlobalRoleChanged':
        await touchUser(event.data.userId, { globalRole: event.data.globalRole });
        return;
      case 'UserPasswordSet': {
        const user = await users.findOneBy({ id: event.data.userId });
        if (!user) return;
        const status = user.status === 'invited' ? 'active' : user.status;
        // A new password ends every session started before it but the one that changed it (if any).
        const cut = event.data.reason === 'initial' ? {} : { sessionsValidAfter: time, keptSessionId: event.data.sessionId ?? null };
        await touchUser(user.id, { hasPassword: true, passwordChangeRequired: event.data.reason === 'generated', status, ...cut });
        return;
      }
      case 'UserPasswordResetIssued':
        // A reset ends every session started before it (someone else may know the old password).
        await touchUser(event.data.userId, { sessionsValidAfter: time, keptSessionId: null });
        return;
      case 'UserInvited':
        await touchUser(event.data.userId);
        return;
      case 'UserDisabled':
        // Re-enabling later must not revive what was issued before the disable.
        await touchUser(event.data.userId, { status: 'disabled', sessionsValidAfter: time, keptSessionId: null });
        return;
      case 'UserEnabled': {
        const user = await users.findOneBy({ id: event.data.userId });
        if (user) await touchUser(user.id, { status: user.hasPassword ? 'active' : 'invited' });
        return;
      }
      case 'SessionStarted':
        await sessions.insert({
          id: event.data.sessionId,
          userId: event.data.userId,
          status: 'active',
          startedAt: time,
          expiresAt: event.data.expiresAt,
          revokedReason: null,
        });
        await users.update(event.data.userId, { lastLoginAt: time });
        return;
      case 'SessionRefreshed':
        // Older logs only: token rotations are kept in the refresh_tokens credential table, not here.
        return;
      case 'SessionRevoked':
        await sessions.update(event.data.sessionId, { status: 'revoked', revokedReason: event.data.reason });
        return;
      case 'ProjectMemberAdded':
        // Re-adding keeps the first added_at: the membership's history is in the project stream.
        await manager
          .createQueryBuilder()
          .insert()
          .into(ProjectMemberRecord)
          .values({ projectId: event.data.projectId, userId: event.data.userId, role: event.data.role, addedAt: time, updatedAt: time })
          .orUpdate(['role', 'updated_at'], ['project_id', 'user_id'])
          .execute();
        return;
      case 'ProjectMemberRoleChanged':
        await members.update({ projectId: event.data.projectId, userId: event.data.userId }, { role: event.data.role, updatedAt: time });
        return;
      case 'ProjectMemberRemoved':
        await members.delete({ projectId: event.data.projectId, userId: event.data.userId });
        return;
      case 'ApiKeyCreated':
        await keys.insert({
          id: event.data.keyId,
          projectId: event.data.projectId,
          name: event.data.name,
          role: event.data.role,
          prefix: event.data.prefix,
          createdAt: time,
          createdBy: `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`,
          revokedAt: null,
          expiresAt: event.data.expiresAt ?? null,
        });
        return;
      case 'ApiKeyRevoked':
        await keys.update(event.data.keyId, { revokedAt: time });
        return;
      default: {
        const unknown: never = event;
        throw new Error(`identity projection: unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
