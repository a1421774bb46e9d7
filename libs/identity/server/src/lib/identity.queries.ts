import { DomainError, type ApiKeyView, type Me, type MemberView, type UserView } from '@camel/contracts';
import type { Principal } from '@camel/server';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Authenticator } from './authenticator';
import { CredentialStore } from './credentials';
import { IdentityReadModel } from './identity.read-model';

export class ListUsers extends Query<UserView[]> {}

export class GetUser extends Query<UserView> {
  constructor(readonly userId: string) {
    super();
  }
}

export class ListMembers extends Query<MemberView[]> {
  constructor(readonly projectId: string) {
    super();
  }
}

/** A project's API keys (never the keys), with last use; one key when `keyId` is given. */
export class ListApiKeys extends Query<ApiKeyView[]> {
  constructor(
    readonly projectId: string,
    readonly keyId?: string,
  ) {
    super();
  }
}

export class GetMe extends Query<Me> {
  constructor(readonly principal: Principal) {
    super();
  }
}

/** Queries read the identity read model, never the log. */
@QueryHandler(ListUsers)
export class ListUsersHandler implements IQueryHandler<ListUsers> {
  constructor(private readonly identity: IdentityReadModel) {}

  execute(): Promise<UserView[]> {
    return this.identity.users();
  }
}

@QueryHandler(GetUser)
export class GetUserHandler implements IQueryHandler<GetUser> {
  constructor(private readonly identity: IdentityReadModel) {}

  async execute({ userId }: GetUser): Promise<UserView> {
    const user = await this.identity.user(userId);
    if (!user) throw DomainError.notFound('user.not-found', `user ${userId} does not exist`);
    return user;
  }
}

@QueryHandler(ListMembers)
export class ListMembersHandler implements IQueryHandler<ListMembers> {
  constructor(private readonly identity: IdentityReadModel) {}

  execute({ projectId }: ListMembers): Promise<MemberView[]> {
    return this.identity.members(projectId);
  }
}

@QueryHandler(ListApiKeys)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeys> {
  constructor(
    private readonly identity: IdentityReadModel,
    private readonly credentials: CredentialStore,
  ) {}

  async execute({ projectId, keyId }: ListApiKeys): Promise<ApiKeyView[]> {
    const keys = await this.identity.apiKeys(projectId, keyId);
    // Last use is operational data kept with the credentials, not part of the read model.
    const lastUsed = await this.credentials.lastUsed(keys.map((key) => key.id));
    return keys.map((key) => ({ ...key, lastUsedAt: lastUsed.get(key.id) ?? null }));
  }
}

@QueryHandler(GetMe)
export class GetMeHandler implements IQueryHandler<GetMe> {
  constructor(private readonly authenticator: Authenticator) {}

  execute({ principal }: GetMe): Promise<Me> {
    return this.authenticator.me(principal);
  }
}

export const IDENTITY_QUERY_HANDLERS = [ListUsersHandler, GetUserHandler, ListMembersHandler, ListApiKeysHandler, GetMeHandler];
