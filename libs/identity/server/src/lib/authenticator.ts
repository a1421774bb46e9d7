import { API_KEY_PREFIX, DomainError, getPermissions, type Me, type ProjectRole } from '@camel/contracts';
import { formatUuid, type Clock } from '@camel/kernel';
import { ProjectsReadModel } from '@camel/projects/server';
import { CLOCK, type Principal } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { CredentialStore, sameDigest, sha256 } from './credentials';
import { IdentityReadModel, sessionPredatesReset } from './identity.read-model';
import { TokenService } from './token.service';

const API_KEY_PATTERN = /^camel_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;
/** Last-used times are written at most this often per key (operational data, not events). */
const API_KEY_TOUCH_INTERVAL_MS = 60_000;

/**
 * Bearer credential (access token or API key) → Principal, for the HTTP guard and the live gateway.
 * Every call looks at the identity read model again (user status, session, memberships), so a
 * disable, revocation or membership change is in force from the next request, whatever the token says.
 */
@Injectable()
export class Authenticator {
  private readonly apiKeyTouched = new Map<string, number>();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tokens: TokenService,
    private readonly credentials: CredentialStore,
    private readonly identity: IdentityReadModel,
    private readonly projects: ProjectsReadModel,
  ) {}

  /** Resolves `Authorization: Bearer …` (access token or API key) into a principal, or a 401. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw DomainError.unauthorized('auth.required', 'sign in first: send Authorization: Bearer <access token or API key>');
    return token.startsWith(API_KEY_PREFIX) ? this.authenticateApiKey(token) : this.authenticateAccessToken(token);
  }

  async authenticateAccessToken(token: string): Promise<Principal> {
    const claims = this.tokens.verifyAccess(token, this.clock.now());
    return this.sessionPrincipal(claims.sub, claims.sid, claims.exp);
  }

  /**
   * The principal of a user's session as the identity read model has it now (user active, session
   * live and not older than a password reset), for credentials other than an access token that
   * name a session (the queue board's cookie); `exp` in seconds. A 401 otherwise.
   */
  async sessionPrincipal(userId: string, sessionId: string, exp: number): Promise<Principal> {
    const claims = { sub: userId, sid: sessionId, exp };
    // One read: session, user and memberships together.
    const standing = await this.identity.sessionStanding(claims.sub, claims.sid);
    const ended = () => DomainError.unauthorized('auth.session-invalid', 'the session has ended; sign in again');
    if (!standing) throw ended();
    const { account: user, session, roles } = standing;
    // Said before the session's end: a disable also ends the sessions, but the reason to tell is the account.
    if (user.status !== 'active') throw DomainError.unauthorized('auth.user-disabled', 'the account is disabled');
    if (session.status !== 'active' || sessionPredatesReset(user, session)) throw ended();
    return {
      actor: { type: 'user', id: user.id },
      name: user.name,
      email: user.email,
      userId: user.id,
      sessionId: claims.sid,
      globalRole: user.globalRole,
      roles,
      expiresAt: claims.exp * 1000,
    };
  }

  private async authenticateApiKey(token: string): Promise<Principal> {
    const invalid = DomainError.unauthorized('auth.api-key-invalid', 'the API key is not valid (revoked or unknown)');
    const match = API_KEY_PATTERN.exec(token);
    if (!match) throw invalid;
    const keyId = formatUuid(match[1]);
    const secret = await this.credentials.apiKey(keyId);
    if (!secret || !sameDigest(secret.secretHash, sha256(match[2]))) throw invalid;
    const now = this.clock.now().getTime();
    if (secret.expiresAt !== null && Date.parse(secret.expiresAt) <= now) {
      throw DomainError.unauthorized('auth.api-key-expired', `the API key expired at ${secret.expiresAt}; create a new one`);
    }
    const name = await this.identity.apiKeyName(keyId);
    if ((this.apiKeyTouched.get(keyId) ?? 0) + API_KEY_TOUCH_INTERVAL_MS <= now) {
      this.apiKeyTouched.set(keyId, now);
      await this.credentials.touchApiKey(keyId, new Date(now).toISOString());
    }
    return {
      actor: { type: 'api-key', id: keyId },
      name: name ?? 'API key',
      keyId,
      globalRole: null,
      roles: new Map([[secret.projectId, secret.role as ProjectRole]]),
    };
  }

  /** Who the principal is and what it may do, with the names of its projects. */
  async me(principal: Principal): Promise<Me> {
    const [names, account] = await Promise.all([
      this.projects.names([...principal.roles.keys()]),
      principal.actor.type === 'user' ? this.identity.account(principal.actor.id) : null,
    ]);
    return {
      actor: principal.actor,
      ...(principal.email ? { email: principal.email } : {}),
      name: principal.name,
      globalRole: principal.globalRole,
      memberships: [...principal.roles]
        .map(([projectId, role]) => ({ projectId, projectName: names.get(projectId) ?? projectId, role }))
        .sort((a, b) => a.projectName.localeCompare(b.projectName)),
      globalPermissions: principal.globalRole ? getPermissions(principal.globalRole) : [],
      ...(account?.passwordChangeRequired ? { passwordChangeRequired: true } : {}),
    };
  }
}
