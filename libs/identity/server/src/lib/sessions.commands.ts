import { DomainError, type TokenResponse } from '@camel/contracts';
import { userIdForEmail } from '@camel/identity';
import { setRequestActor } from '@camel/server';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Authenticator } from './authenticator';
import { CredentialStore } from './credentials';
import { IdentityReadModel, sessionPredatesReset } from './identity.read-model';
import { verifyPassword } from './passwords';
import { SessionTokens } from './session-tokens';
import { TokenService } from './token.service';

export class SignIn extends Command<TokenResponse> {
  constructor(
    readonly email: string,
    readonly password: string,
  ) {
    super();
  }
}

/** Rotates the refresh token (from the body or the cookie: anything the client sent). */
export class RefreshTokens extends Command<TokenResponse> {
  constructor(readonly refreshToken: unknown) {
    super();
  }
}

/** Ends the session of the access token, or of the refresh token (e.g. when the access token expired). */
export class SignOut extends Command<void> {
  constructor(
    readonly bearer: string | undefined,
    readonly refreshToken: unknown,
  ) {
    super();
  }
}

const invalidCredentials = () => DomainError.unauthorized('auth.invalid-credentials', 'email or password is incorrect');

@CommandHandler(SignIn)
export class SignInHandler implements ICommandHandler<SignIn> {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly identity: IdentityReadModel,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ email, password }: SignIn): Promise<TokenResponse> {
    let userId: string;
    try {
      userId = userIdForEmail(email);
    } catch {
      await verifyPassword(undefined, password);
      throw invalidCredentials();
    }
    if (!(await verifyPassword(await this.credentials.passwordHash(userId), password))) throw invalidCredentials();
    const user = await this.identity.account(userId);
    if (!user) throw invalidCredentials();
    return this.sessions.start(user.id, user.status);
  }
}

@CommandHandler(RefreshTokens)
export class RefreshTokensHandler implements ICommandHandler<RefreshTokens> {
  constructor(
    private readonly tokens: TokenService,
    private readonly identity: IdentityReadModel,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ refreshToken }: RefreshTokens): Promise<TokenResponse> {
    const { sessionId, generation } = this.tokens.parseRefresh(refreshToken);
    const session = await this.identity.session(sessionId);
    if (!session) throw DomainError.unauthorized('auth.session-invalid', 'the refresh token is not valid; sign in again');
    const account = await this.identity.account(session.userId);
    const user = { status: account?.status ?? 'none', resetSinceStart: account ? sessionPredatesReset(account, session) : false } as const;
    setRequestActor({ type: 'user', id: session.userId });
    return this.sessions.refresh(sessionId, generation, user);
  }
}

@CommandHandler(SignOut)
export class SignOutHandler implements ICommandHandler<SignOut> {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly tokens: TokenService,
    private readonly identity: IdentityReadModel,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ bearer, refreshToken }: SignOut): Promise<void> {
    const principal = await this.authenticator.authenticate(bearer).catch(() => undefined);
    const sessionId = principal?.sessionId ?? this.sessionOf(refreshToken);
    if (!sessionId) return;
    if (principal) {
      setRequestActor(principal.actor);
    } else {
      const session = await this.identity.session(sessionId);
      if (!session) return;
      setRequestActor({ type: 'user', id: session.userId });
    }
    await this.sessions.execute({ type: 'RevokeSession', sessionId, reason: 'logout' });
  }

  private sessionOf(refreshToken: unknown): string | undefined {
    if (refreshToken === undefined) return undefined;
    try {
      return this.tokens.parseRefresh(refreshToken).sessionId;
    } catch {
      return undefined;
    }
  }
}

export const SESSION_COMMAND_HANDLERS = [SignInHandler, RefreshTokensHandler, SignOutHandler];
