import { DomainError, type CommandAccepted, type CreateUserRequest, type UpdateUserRequest, type UserCreatedResponse } from '@camel/contracts';
import { checkPasswordPolicy, normalizeEmail, userIdForEmail } from '@camel/identity';
import type { Clock } from '@camel/kernel';
import { CLOCK, type Principal } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CredentialStore, randomToken, sha256 } from './credentials';
import { IdentityReadModel } from './identity.read-model';
import { hashPassword } from './passwords';
import { accepted, UserStream } from './user-stream';

const INVITE_TTL_MS = 7 * 86_400_000;

/** With a password the user can sign in at once; without one they are invited (a one-time token, shown once). */
export class CreateUser extends Command<UserCreatedResponse> {
  constructor(
    readonly request: CreateUserRequest,
    /** The password was generated (the first owner's): recorded as such, so its owner is asked to change it. */
    readonly passwordGenerated = false,
  ) {
    super();
  }
}

export class UpdateUser extends Command<CommandAccepted> {
  constructor(
    readonly userId: string,
    readonly changes: UpdateUserRequest,
    readonly actor: Principal,
  ) {
    super();
  }
}

export class DisableUser extends Command<CommandAccepted> {
  constructor(
    readonly userId: string,
    readonly actor: Principal,
  ) {
    super();
  }
}

export class EnableUser extends Command<CommandAccepted> {
  constructor(readonly userId: string) {
    super();
  }
}

@CommandHandler(CreateUser)
export class CreateUserHandler implements ICommandHandler<CreateUser> {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly users: UserStream,
  ) {}

  async execute({ request, passwordGenerated }: CreateUser): Promise<UserCreatedResponse> {
    const email = normalizeEmail(request.email);
    const userId = userIdForEmail(email);
    if (request.password !== undefined) checkPasswordPolicy(request.password);
    const hash = request.password !== undefined ? await hashPassword(request.password) : undefined;
    const inviteToken = hash === undefined ? randomToken() : undefined;
    const inviteExpiresAt = inviteToken ? new Date(this.clock.now().getTime() + INVITE_TTL_MS).toISOString() : undefined;
    const command = {
      type: 'CreateUser',
      userId,
      email,
      name: request.name,
      globalRole: request.globalRole ?? null,
      password: request.password,
      inviteExpiresAt,
      passwordGenerated,
    } as const;
    const outcome = await this.users.execute(userId, command, async (tx) => {
      if (hash) await CredentialStore.setPassword(tx, userId, hash, this.clock.now().toISOString());
      if (inviteToken && inviteExpiresAt) await CredentialStore.issueOneTimeToken(tx, userId, 'invite', sha256(inviteToken), inviteExpiresAt);
    });
    return { ...accepted(userId, outcome), ...(inviteToken ? { inviteToken, inviteExpiresAt } : {}) };
  }
}

@CommandHandler(UpdateUser)
export class UpdateUserHandler implements ICommandHandler<UpdateUser> {
  constructor(
    private readonly users: UserStream,
    private readonly identity: IdentityReadModel,
  ) {}

  async execute({ userId, changes, actor }: UpdateUser): Promise<CommandAccepted> {
    let outcome = { version: 0, position: 0 };
    if (changes.name !== undefined) outcome = await this.users.execute(userId, { type: 'RenameUser', userId, name: changes.name });
    if (changes.globalRole !== undefined) {
      const changed = await this.users.execute(userId, { type: 'ChangeGlobalRole', userId, globalRole: changes.globalRole, actorUserId: actor.userId });
      outcome = { version: changed.version, position: changed.position || outcome.position };
    }
    if (outcome.version === 0) {
      // Nothing to change: answer with the user's current version (renaming to the same name appends nothing).
      const user = await this.identity.account(userId);
      if (!user) throw DomainError.notFound('user.not-found', `user ${userId} does not exist`);
      outcome = await this.users.execute(userId, { type: 'RenameUser', userId, name: user.name });
    }
    return accepted(userId, outcome);
  }
}

@CommandHandler(DisableUser)
export class DisableUserHandler implements ICommandHandler<DisableUser> {
  constructor(private readonly users: UserStream) {}

  async execute({ userId, actor }: DisableUser): Promise<CommandAccepted> {
    return accepted(userId, await this.users.execute(userId, { type: 'DisableUser', userId, actorUserId: actor.userId }));
  }
}

@CommandHandler(EnableUser)
export class EnableUserHandler implements ICommandHandler<EnableUser> {
  constructor(private readonly users: UserStream) {}

  async execute({ userId }: EnableUser): Promise<CommandAccepted> {
    return accepted(userId, await this.users.execute(userId, { type: 'EnableUser', userId }));
  }
}

export const USER_COMMAND_HANDLERS = [CreateUserHandler, UpdateUserHandler, DisableUserHandler, EnableUserHandler];
