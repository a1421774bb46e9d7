import { DomainError, SESSION_STREAM_TYPE, sessionStreamId, type DomainEvent, type TokenResponse, type UserStatus } from '@camel/contracts';
import type { EventStore, ProjectionRunner, SqlExecutor } from '@camel/event-store';
import {
  refreshTokenDecider,
  refreshTokenOfSession,
  sessionDecider,
  SESSION_INVALID,
  type RefreshTokenState,
  type SessionCommand,
  type SessionUserFacts,
} from '@camel/identity';
import { foldStream, type Clock } from '@camel/kernel';
import { APP_CONFIG, type AppConfig, CLOCK, CommandExecutor, EVENT_STORE, ID_GENERATOR, type IdGenerator, PROJECTION_RUNNER, setRequestActor } from '@camel/server';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Authenticator } from './authenticator';
import { CredentialStore, type RefreshTokenRow } from './credentials';
import { TokenService } from './token.service';

/** Rotations of one token that may lose the compare-and-set before the refresh gives up (each loss is another request's win). */
const MAX_ROTATION_ATTEMPTS = 6;
/** A new session's token is handed out only once the identity read model has the session: waited for at least this long. */
const MIN_SESSION_WAIT_MS = 30_000;

/**
 * Runs session commands and hands out the tokens of a session: sign-in, invite acceptance, refresh.
 * The session's stream records sign-in and its end; the refresh token's generation is kept in the
 * `refresh_tokens` credential table (issued and revoked in those events' transactions, rotated with a
 * compare-and-set), so a rotation appends nothing.
 */
@Injectable()
export class SessionTokens {
  /** REFRESH_REUSE_GRACE: a token presented again this soon after its rotation gets the same successor. */
  readonly reuseGraceMs: number;
  private readonly sessionWaitMs: number;

  private readonly logger = new Logger('Identity');

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly executor: CommandExecutor,
    private readonly tokens: TokenService,
    private readonly authenticator: Authenticator,
    private readonly credentials: CredentialStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
  ) {
    this.reuseGraceMs = config.auth.refreshReuseGraceSeconds * 1000;
    this.sessionWaitMs = Math.max(config.projectionWaitMs, MIN_SESSION_WAIT_MS);
  }

  /** A new session for the user (who becomes the request's actor), and its first tokens. */
  async start(userId: string, userStatus: UserStatus | 'none'): Promise<TokenResponse> {
    setRequestActor({ type: 'user', id: userId });
    const sessionId = this.newId();
    const expiresAt = this.refreshExpiry();
    // The token authenticates through the identity read model: it must have the session first. The
    // command's own bounded wait is for every projection; under a burst of sign-ins (scrypt filling the
    // thread pool the SQLite driver shares) it ran out before identity had the session, and a
    // successful sign-in answered 401 auth.session-invalid. So: wait for identity alone, longer.
    const { position } = await this.execute({ type: 'StartSession', sessionId, userId, expiresAt, userStatus }, { awaitProjections: false });
    if (!(await this.projections.waitFor(position, { names: ['identity'], timeoutMs: this.sessionWaitMs }))) {
      throw DomainError.conflict('auth.read-model-behind', 'the session was started but the identity read model is still catching up: sign in again in a moment');
    }
    return this.issue(userId, sessionId, 0, expiresAt);
  }

  /** A session command; its refresh token is issued or revoked in the transaction of the event that says so. */
  execute(command: SessionCommand, options: { readonly awaitProjections?: boolean } = {}) {
    return this.executor.execute(sessionDecider, {
      streamId: sessionStreamId(command.sessionId),
      streamType: SESSION_STREAM_TYPE,
      command,
      inTransaction: (tx, events) => this.keepRefreshToken(tx, events),
      ...options,
    });
  }

  private async keepRefreshToken(tx: SqlExecutor, events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      const data = event.data as { sessionId: string; userId: string; expiresAt: string };
      if (event.type === 'SessionStarted') await CredentialStore.issueRefreshToken(tx, data);
      if (event.type === 'SessionRevoked') await CredentialStore.revokeRefreshToken(tx, data.sessionId, this.clock.now().toISOString());
    }
  }

  /**
   * Rotates the session's refresh token from the presented generation (a compare-and-set on the
   * credential row: of two concurrent refreshes one wins, the other reads again and gets the reuse
   * grace's answer), answers the reuse grace with the current successor, or revokes the family on
   * reuse (`SessionRevoked`, the one event a refresh may append).
   */
  async refresh(sessionId: string, generation: number, user: SessionUserFacts): Promise<TokenResponse> {
    for (let attempt = 1; attempt <= MAX_ROTATION_ATTEMPTS; attempt += 1) {
      const state = await this.refreshTokenState(sessionId);
      const command = { type: 'RefreshToken', generation, expiresAt: this.refreshExpiry(), reuseGraceMs: this.reuseGraceMs, user } as const;
      const [decided] = refreshTokenDecider.decide(command, state, { now: this.clock.now() });
      if (state.status !== 'active') throw DomainError.unauthorized(SESSION_INVALID, 'the session has ended; sign in again');
      // Within the reuse grace: the current generation's token, the successor the first request got.
      if (!decided) return this.issue(state.userId, sessionId, state.generation, state.expiresAt);
      if (decided.type === 'RefreshTokenReused') {
        await this.execute({ type: 'RevokeSession', sessionId, reason: 'refresh-reuse' });
        this.logger.warn(`refresh token reuse on session ${sessionId} (user ${state.userId}): session revoked`);
        throw DomainError.unauthorized(SESSION_INVALID, 'this refresh token was already used; the session is revoked, sign in again');
      }
      if (decided.type === 'RefreshTokenRotated' && (await this.credentials.rotateRefreshToken(sessionId, state.generation, decided.data))) {
        return this.issue(state.userId, sessionId, decided.data.generation, decided.data.expiresAt);
      }
    }
    throw DomainError.conflict('session.busy', 'the session is being refreshed by other requests; try again');
  }

  /** The refresh token's row; a session recorded before rotations left the log gets its row from its stream, once. */
  private async refreshTokenState(sessionId: string): Promise<RefreshTokenState> {
    let row = await this.credentials.refreshToken(sessionId);
    if (!row) {
      const carried = refreshTokenOfSession(foldStream(sessionDecider, await this.store.readStream(sessionStreamId(sessionId))));
      if (carried.status === 'none') return carried;
      const { status, ...token } = carried;
      await this.credentials.carryOverRefreshToken({ ...token, revokedAt: status === 'revoked' ? this.clock.now().toISOString() : null });
      row = (await this.credentials.refreshToken(sessionId)) as RefreshTokenRow;
    }
    const { revokedAt, ...token } = row;
    return { status: revokedAt === null ? 'active' : 'revoked', ...token };
  }

  async issue(userId: string, sessionId: string, generation: number, refreshExpiresAt: string): Promise<TokenResponse> {
    const accessToken = this.tokens.signAccess(userId, sessionId, this.clock.now());
    const principal = await this.authenticator.authenticateAccessToken(accessToken);
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.tokens.accessTtlSeconds,
      refreshToken: this.tokens.refreshToken(sessionId, generation),
      refreshExpiresAt,
      me: await this.authenticator.me(principal),
    };
  }

  refreshExpiry(): string {
    return new Date(this.clock.now().getTime() + this.tokens.refreshTtlSeconds * 1000).toISOString();
  }
}
