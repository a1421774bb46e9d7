import { DomainError, type ApiKeyView, type AuditEntry, type AuditPage, type AuditQuery, type MemberView, type UserView } from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  global_role: UserView['globalRole'];
  status: UserView['status'];
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  version: number;
}

const USER_COLUMNS = 'id, email, name, global_role, status, created_at, updated_at, last_login_at, version';
const toUser = (row: UserRow): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  globalRole: row.global_role ?? null,
  status: row.status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  lastLoginAt: row.last_login_at,
  version: Number(row.version),
});

/** Reads of the identity and audit read models (never the log). */
@Injectable()
export class IdentityQueries {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async users(): Promise<UserView[]> {
    const rows = await this.store.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY email`);
    return rows.map(toUser);
  }

  async user(id: string): Promise<UserView> {
    const rows = await this.store.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    if (!rows[0]) throw DomainError.notFound('user.not-found', `user ${id} does not exist`);
    return toUser(rows[0]);
  }

  async members(projectId: string): Promise<MemberView[]> {
    const rows = await this.store.db.query<{
      project_id: string;
      user_id: string;
      email: string;
      name: string;
      role: MemberView['role'];
      added_at: string;
      updated_at: string;
    }>(
      `SELECT m.project_id, m.user_id, u.email, u.name, m.role, m.added_at, m.updated_at
         FROM project_members m JOIN users u ON u.id = m.user_id
        WHERE m.project_id = $1 ORDER BY u.email`,
      [projectId],
    );
    return rows.map((row) => ({
      projectId: row.project_id,
      userId: row.user_id,
      email: row.email,
      name: row.name,
      role: row.role,
      addedAt: row.added_at,
      updatedAt: row.updated_at,
    }));
  }

  /** A project's API keys (never the keys), with last use; one key when `keyId` is given. */
  async apiKeys(projectId: string, keyId?: string): Promise<ApiKeyView[]> {
    const rows = await this.store.db.query<{
      id: string;
      project_id: string;
      name: string;
      role: ApiKeyView['role'];
      prefix: string;
      created_at: string;
      created_by: string;
      revoked_at: string | null;
      last_used_at: string | null;
    }>(
      `SELECT k.id, k.project_id, k.name, k.role, k.prefix, k.created_at, k.created_by, k.revoked_at, u.last_used_at
         FROM api_keys k LEFT JOIN api_key_usage u ON u.key_id = k.id
        WHERE k.project_id = $1 ${keyId ? 'AND k.id = $2' : ''} ORDER BY k.created_at, k.id`,
      keyId ? [projectId, keyId] : [projectId],
    );
    return rows.map((row) => ({
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      role: row.role,
      prefix: row.prefix,
      createdAt: row.created_at,
      createdBy: row.created_by,
      revokedAt: row.revoked_at,
      lastUsedAt: row.last_used_at,
    }));
  }
  /** Newest first. `projects` narrows to those projects ('all' = no narrowing, for owners). */
  async audit(query: AuditQuery, projects: 'all' | readonly string[]): Promise<AuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (projects !== 'all') {
      if (projects.length === 0) return { entries: [], nextBefore: null };
      where.push(`project_id IN (${projects.map((id) => param(id)).join(', ')})`);
    }
    if (query.projectId) where.push(`project_id = ${param(query.projectId)}`);
    if (query.actor) {
      const index = query.actor.indexOf(':');
      where.push(`actor_type = ${param(query.actor.slice(0, index))} AND actor_id = ${param(query.actor.slice(index + 1))}`);
    }
    if (query.type) {
      if (query.type.endsWith('*')) where.push(`type LIKE ${param(`${query.type.slice(0, -1)}%`)}`);
      else where.push(`type = ${param(query.type)}`);
    }
    if (query.from) where.push(`time >= ${param(new Date(query.from).toISOString())}`);
    if (query.to) where.push(`time < ${param(new Date(query.to).toISOString())}`);
    if (query.before) where.push(`position < ${param(query.before)}`);
    const limit = query.limit ?? 100;
    const rows = await this.store.db.query<{
      position: string | number;
      event_id: string;
      type: string;
      stream_id: string;
      stream_version: number;
      project_id: string | null;
      actor_type: AuditEntry['actor']['type'];
      actor_id: string;
      request_id: string | null;
      correlation_id: string;
      time: string;
    }>(
      `SELECT position, event_id, type, stream_id, stream_version, project_id, actor_type, actor_id, request_id, correlation_id, time
         FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY position DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    const entries = rows.slice(0, limit).map((row) => ({
      position: Number(row.position),
      eventId: row.event_id,
      type: row.type,
      streamId: row.stream_id,
      streamVersion: Number(row.stream_version),
      projectId: row.project_id,
      actor: { type: row.actor_type, id: row.actor_id },
      requestId: row.request_id,
      correlationId: row.correlation_id,
      time: row.time,
    }));
    return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1].position : null };
  }

  /** Streams that hold events of the project (their chains are what a project admin may verify). */
  async projectStreams(projectId: string): Promise<string[]> {
    const rows = await this.store.db.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM audit_log WHERE project_id = $1', [projectId]);
    return rows.map((row) => row.stream_id);
  }
}
