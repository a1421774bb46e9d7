import { DomainError, type PasswordResetResponse, type TokenResponse } from '@camel/contracts';
import { checkPasswordPolicy } from '@camel/identity';
import type { Clock } from '@camel/kernel';
import { CLOCK, type Principal, setRequestActor } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CredentialStore, randomToken, sha256 } from './credentials';
import { verifyPassword } from './passwords';
import { SessionTokens } from './session-tokens';
import { UserStream } from './user-stream';

const RESET_TTL_MS = 86_400_000;

/** A one-time reset token (shown once to the issuer); the old password and sessions started before it end. */
export class IssuePasswordReset extends Command<PasswordResetResponse> {
  constructor(readonly userId: string) {
    super();
  }
}

/** Sets a password with a one-time invite or reset token, and signs in. */
export class AcceptInvite extends Command<TokenResponse> {
  constructor(
    readonly token: unknown,
    readonly password: string,
  ) {
    super();
  }
}

export class ChangePassword extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly currentPassword: string,
    readonly newPassword: string,
  ) {
    super();
  }
}

@CommandHandler(IssuePasswordReset)
export class IssuePasswordResetHandler implements ICommandHandler<IssuePasswordReset> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly users: UserStream,
  ) {}

  async execute({ userId }: IssuePasswordReset): Promise<PasswordResetResponse> {
    const resetToken = randomToken();
    const expiresAt = new Date(this.clock.now().getTime() + RESET_TTL_MS).toISOString();
    const outcome = await this.users.execute(userId, { type: 'IssuePasswordReset', userId, expiresAt }, async (tx) => {
      await CredentialStore.deletePassword(tx, userId);
      await CredentialStore.issueOneTimeToken(tx, userId, 'reset', sha256(resetToken), expiresAt);
    });
    return { id: userId, position: outcome.position, resetToken, expiresAt };
  }
}

@CommandHandler(AcceptInvite)
export class AcceptInviteHandler implements ICommandHandler<AcceptInvite> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly credentials: CredentialStore,
    private readonly users: UserStream,
    private readonly sessions: SessionTokens,
  ) {}

  async execute({ token, password }: AcceptInvite): Promise<TokenResponse> {
    const invalid = DomainError.validation('auth.invite-invalid', 'token', 'the link is not valid or was already used; ask for a new one');
    if (typeof token !== 'string' || token.length > 200) throw invalid;
    const found = await this.credentials.findOneTimeToken(sha256(token));
    if (!found) throw invalid;
    if (Date.parse(found.expiresAt) <= this.clock.now().getTime()) {
      throw DomainError.validation('auth.invite-expired', 'token', 'the link has expired; ask for a new one');
    }
    checkPasswordPolicy(password);
    setRequestActor({ type: 'user', id: found.userId });
    const set = await this.users.setPassword(found.userId, password, found.purpose === 'invite' ? 'invite-accepted' : 'reset');
    return this.sessions.start(found.userId, set.state.status);
  }
}

@CommandHandler(ChangePassword)
export class ChangePasswordHandler implements ICommandHandler<ChangePassword> {
  constructor(
    private readonly credentials: CredentialStore,
    private readonly users: UserStream,
  ) {}

  async execute({ principal, currentPassword, newPassword }: ChangePassword): Promise<void> {
    if (!principal.userId) throw DomainError.forbidden('auth.forbidden', 'API keys have no password');
    checkPasswordPolicy(newPassword, 'newPassword', principal.email);
    if (!(await verifyPassword(await this.credentials.passwordHash(principal.userId), currentPassword))) {
      throw DomainError.validation('auth.password-incorrect', 'currentPassword', 'currentPassword is incorrect');
    }
    // The caller's session stays signed in; every other session of the user ends with this event.
    await this.users.setPassword(principal.userId, newPassword, 'changed', principal.sessionId);
  }
}

export const PASSWORD_COMMAND_HANDLERS = [IssuePasswordResetHandler, AcceptInviteHandler, ChangePasswordHandler];
