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
import type { Projection, SqlExecutor } from '@camel/event-store';

type IdentityEvent = UserEvent | SessionEvent | ProjectMemberEvent | ApiKeyEvent;

const actorText = (event: RecordedEvent) => `${event.metadata.actor.type}:${event.metadata.actor.id}`;

/**
 * Who exists and who may do what: users, their sessions, project memberships and API keys. The auth
 * guard reads these on every request; commands wait for this projection before answering, so a
 * revocation is in force when its request returns.
 */
export const identityProjection: Projection = {
  name: 'identity',
  version: 1,
  tables: ['users', 'sessions', 'project_members', 'api_keys'],
  eventTypes: [...USER_EVENT_TYPES, ...SESSION_EVENT_TYPES, ...PROJECT_MEMBER_EVENT_TYPES, ...API_KEY_EVENT_TYPES],

  async createSchema(tx: SqlExecutor) {
    await tx.exec(`CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      global_role TEXT,
      status TEXT NOT NULL,
      has_password INTEGER NOT NULL,
      version INTEGER NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      last_login_at TEXT,
      sessions_valid_after TEXT
    )`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS sessions (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      generation INTEGER NOT NULL,
      status TEXT NOT NULL,
      started_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      revoked_reason TEXT
    )`);
    await tx.exec('CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id)');
    await tx.exec(`CREATE TABLE IF NOT EXISTS project_members (
      project_id TEXT NOT NULL,
      user_id TEXT NOT NULL,
      role TEXT NOT NULL,
      added_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (project_id, user_id)
    )`);
    await tx.exec('CREATE INDEX IF NOT EXISTS project_members_user ON project_members (user_id)');
    await tx.exec(`CREATE TABLE IF NOT EXISTS api_keys (
      id TEXT PRIMARY KEY,
      project_id TEXT NOT NULL,
      name TEXT NOT NULL,
      role TEXT NOT NULL,
      prefix TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      revoked_at TEXT
    )`);
    await tx.exec('CREATE INDEX IF NOT EXISTS api_keys_project ON api_keys (project_id, created_at)');
  },

  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as IdentityEvent;
    const time = recorded.metadata.time;
    const touchUser = (userId: string, set: string, params: unknown[] = []) =>
      tx.query(`UPDATE users SET ${set}${set ? ', ' : ''}version = $2, updated_at = $3 WHERE id = $1`, [
        userId,
        recorded.streamVersion,
        time,
        ...params,
      ]);
    switch (event.type) {
      case 'UserCreated':
        await tx.query(
          `INSERT INTO users (id, email, name, global_role, status, has_password, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $7)`,
          [event.data.userId, event.data.email, event.data.name, event.data.globalRole, event.data.status, recorded.streamVersion, time],
        );
        return;
      case 'UserRenamed':
        await touchUser(event.data.userId, 'name = $4', [event.data.name]);
        return;
      case 'UserGlobalRoleChanged':
        await touchUser(event.data.userId, 'global_role = $4', [event.data.globalRole]);
        return;
      case 'UserPasswordSet':
        await touchUser(event.data.userId, `has_password = 1, status = CASE WHEN status = 'invited' THEN 'active' ELSE status END`);
        return;
      case 'UserPasswordResetIssued':
        // A reset ends every session started before it (someone else may know the old password).
        await touchUser(event.data.userId, 'sessions_valid_after = $3');
        return;
      case 'UserDisabled':
        await touchUser(event.data.userId, `status = 'disabled'`);
        return;
      case 'UserEnabled':
        await touchUser(event.data.userId, `status = CASE WHEN has_password = 1 THEN 'active' ELSE 'invited' END`);
        return;
      case 'SessionStarted':
        await tx.query(
          `INSERT INTO sessions (id, user_id, generation, status, started_at, expires_at) VALUES ($1, $2, 0, 'active', $3, $4)`,
          [event.data.sessionId, event.data.userId, time, event.data.expiresAt],
        );
        await tx.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [event.data.userId, time]);
        return;
      case 'SessionRefreshed':
        await tx.query('UPDATE sessions SET generation = $2, expires_at = $3 WHERE id = $1', [
          event.data.sessionId,
          event.data.generation,
          event.data.expiresAt,
        ]);
        return;
      case 'SessionRevoked':
        await tx.query(`UPDATE sessions SET status = 'revoked', revoked_reason = $2 WHERE id = $1`, [event.data.sessionId, event.data.reason]);
        return;
      case 'ProjectMemberAdded':
        await tx.query(
          `INSERT INTO project_members (project_id, user_id, role, added_at, updated_at) VALUES ($1, $2, $3, $4, $4)
           ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at`,
          [event.data.projectId, event.data.userId, event.data.role, time],
        );
        return;
      case 'ProjectMemberRoleChanged':
        await tx.query('UPDATE project_members SET role = $3, updated_at = $4 WHERE project_id = $1 AND user_id = $2', [
          event.data.projectId,
          event.data.userId,
          event.data.role,
          time,
        ]);
        return;
      case 'ProjectMemberRemoved':
        await tx.query('DELETE FROM project_members WHERE project_id = $1 AND user_id = $2', [event.data.projectId, event.data.userId]);
        return;
      case 'ApiKeyCreated':
        await tx.query(
          `INSERT INTO api_keys (id, project_id, name, role, prefix, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [event.data.keyId, event.data.projectId, event.data.name, event.data.role, event.data.prefix, time, actorText(recorded)],
        );
        return;
      case 'ApiKeyRevoked':
        await tx.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1', [event.data.keyId, time]);
        return;
      default: {
        const unknown: never = event;
        throw new Error(`identity projection: unhandled event ${JSON.stringify(unknown)}`);
      }
    }
  },
};
