import { SESSION_STREAM_TYPE, sessionStreamId, type TokenResponse, type UserStatus } from '@camel/contracts';
import { sessionDecider, type SessionCommand } from '@camel/identity';
import type { Clock } from '@camel/kernel';
import { APP_CONFIG, type AppConfig, CLOCK, CommandExecutor, ID_GENERATOR, type IdGenerator, setRequestActor } from '@camel/server';
import { Inject, Injectable } from '@nestjs/common';
import { Authenticator } from './authenticator';
import { TokenService } from './token.service';

/** Runs session commands and hands out the tokens of a session: sign-in, invite acceptance, refresh. */
@Injectable()
export class SessionTokens {
  /** REFRESH_REUSE_GRACE: a token presented again this soon after its rotation gets the same successor. */
  readonly reuseGraceMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    private readonly executor: CommandExecutor,
    private readonly tokens: TokenService,
    private readonly authenticator: Authenticator,
  ) {
    this.reuseGraceMs = config.auth.refreshReuseGraceSeconds * 1000;
  }

  /** A new session for the user (who becomes the request's actor), and its first tokens. */
  async start(userId: string, userStatus: UserStatus | 'none'): Promise<TokenResponse> {
    setRequestActor({ type: 'user', id: userId });
    const sessionId = this.newId();
    const expiresAt = this.refreshExpiry();
    await this.execute({ type: 'StartSession', sessionId, userId, expiresAt, userStatus });
    return this.issue(userId, sessionId, 0, expiresAt);
  }

  execute(command: SessionCommand) {
    return this.executor.execute(sessionDecider, { streamId: sessionStreamId(command.sessionId), streamType: SESSION_STREAM_TYPE, command });
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
