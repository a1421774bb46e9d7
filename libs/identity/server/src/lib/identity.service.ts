import {
  API_KEY_PREFIX,
  API_KEY_STREAM_TYPE,
  DomainError,
  PROJECT_STREAM_TYPE,
  SESSION_STREAM_TYPE,
  USER_STREAM_TYPE,
  apiKeyStreamId,
  getPermissions,
  projectStreamId,
  sessionStreamId,
  userStreamId,
  type AddMemberRequest,
  type ApiKeyCreatedResponse,
  type CommandAccepted,
  type CreateApiKeyRequest,
  type CreateUserRequest,
  type GlobalRole,
  type Me,
  type PasswordResetResponse,
  type ProjectRole,
  type TokenResponse,
  type UpdateUserRequest,
  type UserCreatedResponse,
} from '@camel/contracts';
import { formatUuid, type Clock } from '@camel/kernel';
import { type EventStore, type ProjectionRunner } from '@camel/event-store';
import {
  apiKeyDecider,
  checkPasswordPolicy,
  normalizeEmail,
  sessionDecider,
  userDecider,
  userIdForEmail,
  type UserCommand,
} from '@camel/identity';
import { projectDecider } from '@camel/projects';
import { ProjectsReadModel } from '@camel/projects/server';
import { APP_CONFIG, type AppConfig, CLOCK, CommandExecutor, EVENT_STORE, ID_GENERATOR, type IdGenerator, type Principal, PROJECTION_RUNNER, setRequestActor, SYSTEM_ACTOR } from '@camel/server';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CredentialStore, randomToken, sameDigest, sha256 } from './credentials';
import { IdentityQueries } from './identity.queries';
import { hashPassword, verifyPassword } from './passwords';
import { TokenService } from './tokens';

const INVITE_TTL_MS = 7 * 86_400_000;
const RESET_TTL_MS = 86_400_000;
const API_KEY_PATTERN = /^camel_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
/** Last-used times are written at most this often per key (operational data, not events). */
const API_KEY_TOUCH_INTERVAL_MS = 60_000;

interface UserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  global_role: GlobalRole | null;
  status: 'invited' | 'active' | 'disabled';
  sessions_valid_after: string | null;
}

const invalidCredentials = () => DomainError.unauthorized('auth.invalid-credentials', 'email or password is incorrect');
const accepted = (id: string, outcome: { version: number; position: number }): CommandAccepted => ({
  id,
  version: outcome.version,
  position: outcome.position,
});

/**
 * Identity's application service: turns sign-in, token, user, membership and API key requests into
 * commands of the pure deciders (libs/identity), keeps secrets in the credential store, and resolves
 * bearer credentials into a Principal for the guard and the gateway.
 */
@Injectable()
export class IdentityService implements OnModuleInit {
  private readonly logger = new Logger('Identity');
  private readonly credentials: CredentialStore;
  private tokenService?: TokenService;
  private readonly apiKeyTouched = new Map<string, number>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    private readonly executor: CommandExecutor,
    private readonly queries: IdentityQueries,
    private readonly projectsReadModel: ProjectsReadModel,
  ) {
    this.credentials = new CredentialStore(store.db);
  }

  async onModuleInit(): Promise<void> {
    await this.credentials.migrate();
    const secret = this.config.auth.jwtSecret ?? (await this.credentials.serverSecret('jwt', this.clock.now().toISOString()));
    this.tokenService = new TokenService(secret, this.config.auth.accessTokenTtlSeconds, this.config.auth.refreshTokenTtlSeconds);
  }

  get tokens(): TokenService {
    if (!this.tokenService) throw new Error('IdentityService used before init');
    return this.tokenService;
  }

  // ---- first owner ------------------------------------------------------------------------------

  /**
   * At first start (no user in the log), creates the owner from ADMIN_EMAIL/ADMIN_PASSWORD, or with a
   * random password printed once to stdout. Replicas racing here create one user: the id is the
   * email's, and the stream can be created only once.
   */
  async ensureFirstOwner(): Promise<void> {
    await this.projections.waitFor(await this.store.headPosition(), { names: ['identity'], timeoutMs: 120_000 });
    const [{ count }] = await this.store.db.query<{ count: string | number }>('SELECT COUNT(*) AS count FROM users');
    if (Number(count) > 0) return;
    const email = this.config.auth.adminEmail ?? 'admin@localhost.localdomain';
    const generated = this.config.auth.adminPassword === undefined;
    const password = this.config.auth.adminPassword ?? randomToken(18);
    try {
      await this.createUser({ email, name: 'Owner', globalRole: 'owner', password }, SYSTEM_ACTOR.id);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'user.exists') return;
      if (error instanceof Error && error.name === 'ConcurrencyError') return;
      throw error;
    }
    if (generated) {
      // The one place a password is ever printed: the generated first password, once.
      process.stdout.write(
        `\n  First owner account created:\n    email:    ${email}\n    password: ${password}\n` +
          `  It is shown only this once. Sign in and change it (or set ADMIN_EMAIL/ADMIN_PASSWORD before the first start).\n\n`,
      );
    } else {
      this.logger.log(`first owner ${email} created from ADMIN_EMAIL`);
    }
  }

  // ---- credentials → principal ------------------------------------------------------------------

  /** Resolves `Authorization: Bearer …` (access token or API key) into a principal, or a 401. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw DomainError.unauthorized('auth.required', 'sign in first: send Authorization: Bearer <access token or API key>');
    return token.startsWith(API_KEY_PREFIX) ? this.authenticateApiKey(token) : this.authenticateAccessToken(token);
  }

  private async authenticateAccessToken(token: string): Promise<Principal> {
    const claims = this.tokens.verifyAccess(token, this.clock.now());
    const rows = await this.store.db.query<UserRow & { session_status: string | null; started_at: string | null }>(
      `SELECT u.id, u.email, u.name, u.global_role, u.status, u.sessions_valid_after, s.status AS session_status, s.started_at
         FROM users u LEFT JOIN sessions s ON s.id = $2 AND s.user_id = u.id WHERE u.id = $1`,
      [claims.sub, claims.sid],
    );
    const user = rows[0];
    if (!user || user.session_status !== 'active' || sessionPredatesReset(user, user.started_at)) {
      throw DomainError.unauthorized('auth.session-invalid', 'the session has ended; sign in again');
    }
    if (user.status !== 'active') throw DomainError.unauthorized('auth.user-disabled', 'the account is disabled');
    return {
      actor: { type: 'user', id: user.id },
      name: user.name,
      email: user.email,
      userId: user.id,
      sessionId: claims.sid,
      globalRole: user.global_role,
      roles: await this.rolesOf(user.id),
      expiresAt: claims.exp * 1000,
    };
  }

  private async authenticateApiKey(token: string): Promise<Principal> {
    const invalid = DomainError.unauthorized('auth.api-key-invalid', 'the API key is not valid (revoked or unknown)');
    const match = API_KEY_PATTERN.exec(token);
    if (!match) throw invalid;
    const keyId = formatUuid(match[1]);
    const row = await this.credentials.apiKey(keyId);
    if (!row || !sameDigest(row.secretHash, sha256(match[2]))) throw invalid;
    const names = await this.store.db.query<{ name: string }>('SELECT name FROM api_keys WHERE id = $1', [keyId]);
    const now = this.clock.now().getTime();
    if ((this.apiKeyTouched.get(keyId) ?? 0) + API_KEY_TOUCH_INTERVAL_MS <= now) {
      this.apiKeyTouched.set(keyId, now);
      await this.credentials.touchApiKey(keyId, new Date(now).toISOString());
    }
    return {
      actor: { type: 'api-key', id: keyId },
      name: names[0]?.name ?? 'API key',
      keyId,
      globalRole: null,
      roles: new Map([[row.projectId, row.role as ProjectRole]]),
    };
  }

  private async rolesOf(userId: string): Promise<Map<string, ProjectRole>> {
    const rows = await this.store.db.query<{ project_id: string; role: ProjectRole }>(
      'SELECT project_id, role FROM project_members WHERE user_id = $1',
      [userId],
    );
    return new Map(rows.map((row) => [row.project_id, row.role]));
  }

  async me(principal: Principal): Promise<Me> {
    const names = await this.projectsReadModel.names([...principal.roles.keys()]);
    return {
      actor: principal.actor,
      ...(principal.email ? { email: principal.email } : {}),
      name: principal.name,
      globalRole: principal.globalRole,
      memberships: [...principal.roles]
        .map(([projectId, role]) => ({ projectId, projectName: names.get(projectId) ?? projectId, role }))
        .sort((a, b) => a.projectName.localeCompare(b.projectName)),
      globalPermissions: principal.globalRole ? getPermissions(principal.globalRole) : [],
    };
  }

  // ---- sessions ---------------------------------------------------------------------------------

  async login(emailInput: string, password: string): Promise<TokenResponse> {
    let userId: string;
    try {
      userId = userIdForEmail(emailInput);
    } catch {
      await verifyPassword(undefined, password);
      throw invalidCredentials();
    }
    const ok = await verifyPassword(await this.credentials.passwordHash(userId), password);
    if (!ok) throw invalidCredentials();
    const user = await this.userRow(userId);
    if (!user) throw invalidCredentials();
    if (user.status === 'disabled') throw DomainError.unauthorized('auth.user-disabled', 'the account is disabled');
    return this.startSession(user.id);
  }

  private async startSession(userId: string): Promise<TokenResponse> {
    setRequestActor({ type: 'user', id: userId });
    const sessionId = this.newId();
    const expiresAt = this.refreshExpiry();
    await this.executor.execute(sessionDecider, {
      streamId: sessionStreamId(sessionId),
      streamType: SESSION_STREAM_TYPE,
      command: { type: 'StartSession', sessionId, userId, expiresAt },
    });
    return this.issueTokens(userId, sessionId, 0, expiresAt);
  }

  async refresh(refreshToken: unknown): Promise<TokenResponse> {
    const { sessionId, generation } = this.tokens.parseRefresh(refreshToken);
    const sessions = await this.store.db.query<{ user_id: string; started_at: string }>(
      'SELECT user_id, started_at FROM sessions WHERE id = $1',
      [sessionId],
    );
    const userId = sessions[0]?.user_id;
    if (!userId) throw DomainError.unauthorized('auth.session-invalid', 'the refresh token is not valid; sign in again');
    // Refused before anything is appended: a refused refresh must not rotate (and so spend) the token.
    const user = await this.userRow(userId);
    if (!user || user.status !== 'active') throw DomainError.unauthorized('auth.user-disabled', 'the account is disabled');
    if (sessionPredatesReset(user, sessions[0]?.started_at ?? null)) {
      throw DomainError.unauthorized('auth.session-invalid', 'the password was reset; sign in again');
    }
    setRequestActor({ type: 'user', id: userId });
    const expiresAt = this.refreshExpiry();
    const outcome = await this.executor.execute(sessionDecider, {
      streamId: sessionStreamId(sessionId),
      streamType: SESSION_STREAM_TYPE,
      command: { type: 'RefreshSession', sessionId, generation, expiresAt },
    });
    if (outcome.events.some((event) => event.type === 'SessionRevoked')) {
      this.logger.warn(`refresh token reuse on session ${sessionId} (user ${userId}): session revoked`);
      throw DomainError.unauthorized('auth.session-invalid', 'this refresh token was already used; the session is revoked, sign in again');
    }
    const state = outcome.state;
    if (state.status !== 'active') throw DomainError.unauthorized('auth.session-invalid', 'the session has ended; sign in again');
    return this.issueTokens(userId, sessionId, state.generation, expiresAt);
  }

  /** Ends the session of the access token, or of the refresh token (e.g. an expired access token). */
  async logout(principal: Principal | undefined, refreshToken: unknown): Promise<void> {
    if (principal) setRequestActor(principal.actor);
    let sessionId = principal?.sessionId;
    if (!sessionId && refreshToken !== undefined) {
      try {
        sessionId = this.tokens.parseRefresh(refreshToken).sessionId;
      } catch {
        sessionId = undefined;
      }
    }
    if (!sessionId) return;
    if (!principal) {
      const sessions = await this.store.db.query<{ user_id: string }>('SELECT user_id FROM sessions WHERE id = $1', [sessionId]);
      if (!sessions[0]) return;
      setRequestActor({ type: 'user', id: sessions[0].user_id });
    }
    await this.executor.execute(sessionDecider, {
      streamId: sessionStreamId(sessionId),
      streamType: SESSION_STREAM_TYPE,
      command: { type: 'RevokeSession', sessionId, reason: 'logout' },
    });
  }

  private async issueTokens(userId: string, sessionId: string, generation: number, refreshExpiresAt: string): Promise<TokenResponse> {
    const now = this.clock.now();
    const accessToken = this.tokens.signAccess(userId, sessionId, now);
    const principal = await this.authenticateAccessToken(accessToken);
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.tokens.accessTtlSeconds,
      refreshToken: this.tokens.refreshToken(sessionId, generation),
      refreshExpiresAt,
      me: await this.me(principal),
    };
  }

  private refreshExpiry(): string {
    return new Date(this.clock.now().getTime() + this.tokens.refreshTtlSeconds * 1000).toISOString();
  }

  // ---- passwords --------------------------------------------------------------------------------

  async acceptInvite(token: unknown, password: string): Promise<TokenResponse> {
    const invalid = DomainError.validation('auth.invite-invalid', 'token', 'the link is not valid or was already used; ask for a new one');
    if (typeof token !== 'string' || token.length > 200) throw invalid;
    const found = await this.credentials.findOneTimeToken(sha256(token));
    if (!found) throw invalid;
    if (Date.parse(found.expiresAt) <= this.clock.now().getTime()) {
      throw DomainError.validation('auth.invite-expired', 'token', 'the link has expired; ask for a new one');
    }
    checkPasswordPolicy(password);
    setRequestActor({ type: 'user', id: found.userId });
    await this.setPassword(found.userId, password, found.purpose === 'invite' ? 'invite-accepted' : 'reset');
    return this.startSession(found.userId);
  }

  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    if (!principal.userId) throw DomainError.forbidden('auth.forbidden', 'API keys have no password');
    checkPasswordPolicy(newPassword, 'newPassword');
    if (!(await verifyPassword(await this.credentials.passwordHash(principal.userId), currentPassword))) {
      throw DomainError.validation('auth.password-incorrect', 'currentPassword', 'currentPassword is incorrect');
    }
    await this.setPassword(principal.userId, newPassword, 'changed');
  }

  private async setPassword(userId: string, password: string, reason: 'invite-accepted' | 'reset' | 'changed') {
    const hash = await hashPassword(password);
    return this.executeUser(userId, { type: 'SetPassword', userId, password, reason }, async (tx) => {
      await CredentialStore.setPassword(tx, userId, hash, this.clock.now().toISOString());
      await CredentialStore.consumeOneTimeTokens(tx, userId);
    });
  }

  // ---- users ------------------------------------------------------------------------------------

  async createUser(body: CreateUserRequest, _actorId?: string): Promise<UserCreatedResponse> {
    const email = normalizeEmail(body.email);
    const userId = userIdForEmail(email);
    if (body.password !== undefined) checkPasswordPolicy(body.password);
    const hash = body.password !== undefined ? await hashPassword(body.password) : undefined;
    const inviteToken = hash === undefined ? randomToken() : undefined;
    const inviteExpiresAt = inviteToken ? new Date(this.clock.now().getTime() + INVITE_TTL_MS).toISOString() : undefined;
    const outcome = await this.executeUser(
      userId,
      { type: 'CreateUser', userId, email, name: body.name, globalRole: body.globalRole ?? null, password: body.password, inviteExpiresAt },
      async (tx) => {
        if (hash) await CredentialStore.setPassword(tx, userId, hash, this.clock.now().toISOString());
        if (inviteToken && inviteExpiresAt) await CredentialStore.issueOneTimeToken(tx, userId, 'invite', sha256(inviteToken), inviteExpiresAt);
      },
    );
    return { ...accepted(userId, outcome), ...(inviteToken ? { inviteToken, inviteExpiresAt } : {}) };
  }

  async updateUser(userId: string, body: UpdateUserRequest, actor: Principal): Promise<CommandAccepted> {
    let outcome = { version: 0, position: 0 };
    if (body.name !== undefined) outcome = await this.executeUser(userId, { type: 'RenameUser', userId, name: body.name });
    if (body.globalRole !== undefined) {
      const changed = await this.executeUser(userId, { type: 'ChangeGlobalRole', userId, globalRole: body.globalRole, actorUserId: actor.userId });
      outcome = { version: changed.version, position: changed.position || outcome.position };
    }
    if (outcome.version === 0) outcome = await this.executeUser(userId, { type: 'RenameUser', userId, name: (await this.requireUser(userId)).name });
    return accepted(userId, outcome);
  }

  async disableUser(userId: string, actor: Principal): Promise<CommandAccepted> {
    return accepted(userId, await this.executeUser(userId, { type: 'DisableUser', userId, actorUserId: actor.userId }));
  }

  async enableUser(userId: string): Promise<CommandAccepted> {
    return accepted(userId, await this.executeUser(userId, { type: 'EnableUser', userId }));
  }

  async resetPassword(userId: string): Promise<PasswordResetResponse> {
    const resetToken = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + RESET_TTL_MS).toISOString();
    const outcome = await this.executeUser(userId, { type: 'IssuePasswordReset', userId, expiresAt }, (tx) =>
      CredentialStore.issueOneTimeToken(tx, userId, 'reset', sha256(resetToken), expiresAt),
    );
    return { id: userId, position: outcome.position, resetToken, expiresAt };
  }

  private async executeUser(userId: string, command: UserCommand, inTransaction?: Parameters<CommandExecutor['execute']>[1]['inTransaction']) {
    return this.executor.execute(userDecider, { streamId: userStreamId(userId), streamType: USER_STREAM_TYPE, command, inTransaction });
  }

  private async userRow(userId: string): Promise<UserRow | undefined> {
    const rows = await this.store.db.query<UserRow>(
      'SELECT id, email, name, global_role, status, sessions_valid_after FROM users WHERE id = $1',
      [userId],
    );
    return rows[0];
  }

  private async requireUser(userId: string): Promise<UserRow> {
    const user = await this.userRow(userId);
    if (!user) throw DomainError.notFound('user.not-found', `user ${userId} does not exist`);
    return user;
  }

  // ---- members ----------------------------------------------------------------------------------

  async addMember(projectId: string, body: AddMemberRequest): Promise<CommandAccepted> {
    let user: UserRow | undefined;
    if (body.userId !== undefined) user = await this.userRow(body.userId);
    else if (body.email !== undefined) user = await this.userRow(userIdForEmail(body.email));
    else throw DomainError.validation('member.user.required', 'userId', 'userId or email is required');
    if (!user) {
      const field = body.userId !== undefined ? 'userId' : 'email';
      throw DomainError.validation('user.not-found', field, `no user with this ${field}; invite them first`);
    }
    return this.executeProject(projectId, { type: 'AddMember', projectId, userId: user.id, role: body.role, userStatus: user.status });
  }

  changeMemberRole(projectId: string, userId: string, role: ProjectRole): Promise<CommandAccepted> {
    return this.executeProject(projectId, { type: 'ChangeMemberRole', projectId, userId, role });
  }

  removeMember(projectId: string, userId: string): Promise<CommandAccepted> {
    return this.executeProject(projectId, { type: 'RemoveMember', projectId, userId });
  }

  private async executeProject(projectId: string, command: Parameters<typeof projectDecider.decide>[0]): Promise<CommandAccepted> {
    const outcome = await this.executor.execute(projectDecider, {
      streamId: projectStreamId(projectId),
      streamType: PROJECT_STREAM_TYPE,
      projectId,
      command,
    });
    return accepted(projectId, outcome);
  }

  // ---- API keys ---------------------------------------------------------------------------------

  async createApiKey(projectId: string, body: CreateApiKeyRequest): Promise<ApiKeyCreatedResponse> {
    const keyId = this.newId();
    const secret = randomToken();
    const key = `${API_KEY_PREFIX}${keyId.replace(/-/g, '')}_${secret}`;
    const prefix = key.slice(0, API_KEY_PREFIX.length + 8);
    const projectStatus = await this.projectsReadModel.standing(projectId);
    const role = body.role;
    const outcome = await this.executor.execute(apiKeyDecider, {
      streamId: apiKeyStreamId(keyId),
      streamType: API_KEY_STREAM_TYPE,
      projectId,
      command: { type: 'CreateApiKey', keyId, projectId, name: body.name, role, prefix, projectStatus },
      inTransaction: (tx) => CredentialStore.storeApiKey(tx, { keyId, projectId, role, secretHash: sha256(secret) }),
    });
    const [view] = await this.queries.apiKeys(projectId, keyId);
    return { id: keyId, position: outcome.position, key, view };
  }

  async revokeApiKey(projectId: string, keyId: string): Promise<CommandAccepted> {
    const outcome = await this.executor.execute(apiKeyDecider, {
      streamId: apiKeyStreamId(keyId),
      streamType: API_KEY_STREAM_TYPE,
      projectId,
      command: { type: 'RevokeApiKey', keyId, projectId },
      inTransaction: (tx) => CredentialStore.deleteApiKey(tx, keyId),
    });
    return accepted(keyId, outcome);
  }

}

function sessionPredatesReset(user: { sessions_valid_after: string | null }, startedAt: string | null): boolean {
  return user.sessions_valid_after !== null && startedAt !== null && startedAt < user.sessions_valid_after;
}
