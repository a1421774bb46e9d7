import type { MemberView, ProjectRole, UserView } from '@camel/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ApiKeyRecord } from './api-key.entity';
import { ProjectMemberRecord } from './project-member.entity';
import { SessionRecord } from './session.entity';
import { UserRecord } from './user.entity';

/** What authentication and the commands need to know of a user. */
export type Account = Pick<UserRecord, 'id' | 'email' | 'name' | 'globalRole' | 'status' | 'sessionsValidAfter' | 'passwordChangeRequired' | 'keptSessionId'>;
export type SessionFacts = Pick<SessionRecord, 'id' | 'userId' | 'status' | 'startedAt'>;

const toUserView = (row: UserRecord): UserView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  globalRole: row.globalRole ?? null,
  status: row.status,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  lastLoginAt: row.lastLoginAt,
  version: Number(row.version),
});

const ACCOUNT = { id: true, email: true, name: true, globalRole: true, status: true, sessionsValidAfter: true, passwordChangeRequired: true, keptSessionId: true } as const;

/** A session with its user and the user's roles, as authentication reads them (`sessionStanding`). */
export interface SessionStanding {
  readonly account: Account;
  readonly session: SessionFacts;
  readonly roles: Map<string, ProjectRole>;
}

interface StandingRow {
  sessionStatus: SessionFacts['status'];
  startedAt: string;
  email: string;
  name: string;
  globalRole: Account['globalRole'];
  status: Account['status'];
  sessionsValidAfter: string | null;
  passwordChangeRequired: number | string | null;
  keptSessionId: string | null;
  projectId: string | null;
  role: ProjectRole | null;
}

/**
 * A session started before the user's last password reset, password change or disable no longer
 * authenticates (access and refresh tokens alike), except the session that changed the password.
 */
export const sessionPredatesReset = (account: Account, session: Pick<SessionRecord, 'id' | 'startedAt'>): boolean =>
  account.sessionsValidAfter !== null && session.startedAt < account.sessionsValidAfter && session.id !== account.keptSessionId;

/** The only code that reads `users`, `sessions`, `project_members` and `api_keys`. */
@Injectable()
export class IdentityReadModel {
  constructor(
    @InjectRepository(UserRecord) private readonly userRows: Repository<UserRecord>,
    @InjectRepository(SessionRecord) private readonly sessionRows: Repository<SessionRecord>,
    @InjectRepository(ProjectMemberRecord) private readonly memberRows: Repository<ProjectMemberRecord>,
    @InjectRepository(ApiKeyRecord) private readonly keyRows: Repository<ApiKeyRecord>,
  ) {}

  countUsers(): Promise<number> {
    return this.userRows.count();
  }

  async users(): Promise<UserView[]> {
    return (await this.userRows.find({ order: { email: 'ASC' } })).map(toUserView);
  }

  async user(userId: string): Promise<UserView | null> {
    const row = await this.userRows.findOneBy({ id: userId });
    return row ? toUserView(row) : null;
  }

  account(userId: string): Promise<Account | null> {
    return this.userRows.findOne({ where: { id: userId }, select: ACCOUNT });
  }

  session(sessionId: string): Promise<SessionFacts | null> {
    return this.sessionRows.findOne({ where: { id: sessionId }, select: { id: true, userId: true, status: true, startedAt: true } });
  }

  /**
   * What authenticating a session needs, in one statement: the session, its user (only if the session
   * is that user's) and the user's memberships, a row per membership (one with no project when there is
   * none). Null when the session or the user does not exist, or the session is another user's.
   */
  async sessionStanding(userId: string, sessionId: string): Promise<SessionStanding | null> {
    const rows = await this.sessionRows
      .createQueryBuilder('s')
      .innerJoin(UserRecord, 'u', 'u.id = s.userId')
      .leftJoin(ProjectMemberRecord, 'm', 'm.userId = u.id')
      .select('s.status', 'sessionStatus')
      .addSelect('s.startedAt', 'startedAt')
      .addSelect('u.email', 'email')
      .addSelect('u.name', 'name')
      .addSelect('u.globalRole', 'globalRole')
      .addSelect('u.status', 'status')
      .addSelect('u.sessionsValidAfter', 'sessionsValidAfter')
      .addSelect('u.passwordChangeRequired', 'passwordChangeRequired')
      .addSelect('u.keptSessionId', 'keptSessionId')
      .addSelect('m.projectId', 'projectId')
      .addSelect('m.role', 'role')
      .where('s.id = :sessionId AND s.userId = :userId', { sessionId, userId })
      .getRawMany<StandingRow>();
    const first = rows[0];
    if (!first) return null;
    return {
      account: {
        id: userId,
        email: first.email,
        name: first.name,
        globalRole: first.globalRole ?? null,
        status: first.status,
        sessionsValidAfter: first.sessionsValidAfter ?? null,
        passwordChangeRequired: Number(first.passwordChangeRequired) === 1,
        keptSessionId: first.keptSessionId ?? null,
      },
      session: { id: sessionId, userId, status: first.sessionStatus, startedAt: first.startedAt },
      roles: new Map(rows.flatMap((row) => (row.projectId && row.role ? [[row.projectId, row.role] as const] : []))),
    };
  }

  async rolesOf(userId: string): Promise<Map<string, ProjectRole>> {
    const rows = await this.memberRows.find({ where: { userId }, select: { projectId: true, role: true } });
    return new Map(rows.map((row) => [row.projectId, row.role]));
  }

  /** A project's members with their names, by email. */
  members(projectId: string): Promise<MemberView[]> {
    return this.memberRows
      .createQueryBuilder('m')
      .innerJoin(UserRecord, 'u', 'u.id = m.userId')
      .select('m.projectId', 'projectId')
      .addSelect('m.userId', 'userId')
      .addSelect('u.email', 'email')
      .addSelect('u.name', 'name')
      .addSelect('m.role', 'role')
      .addSelect('m.addedAt', 'addedAt')
      .addSelect('m.updatedAt', 'updatedAt')
      .where('m.projectId = :projectId', { projectId })
      .orderBy('u.email', 'ASC')
      .getRawMany<MemberView>();
  }

  /** A project's keys, oldest first; one key when `keyId` is given. */
  apiKeys(projectId: string, keyId?: string): Promise<ApiKeyRecord[]> {
    return this.keyRows.find({ where: { projectId, ...(keyId ? { id: keyId } : {}) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Names of the given users and API keys that exist (id → name), for the audit trail. */
  async namesOf(userIds: readonly string[], keyIds: readonly string[]): Promise<{ users: Map<string, string>; apiKeys: Map<string, string> }> {
    const [users, keys] = await Promise.all([
      userIds.length ? this.userRows.find({ where: { id: In([...userIds]) }, select: { id: true, name: true } }) : [],
      keyIds.length ? this.keyRows.find({ where: { id: In([...keyIds]) }, select: { id: true, name: true } }) : [],
    ]);
    return { users: new Map(users.map((row) => [row.id, row.name])), apiKeys: new Map(keys.map((row) => [row.id, row.name])) };
  }

  async apiKeyName(keyId: string): Promise<string | undefined> {
    return (await this.keyRows.findOne({ where: { id: keyId }, select: { name: true } }))?.name;
  }
}
