import {
  API_KEY_PREFIX,
  API_KEY_STREAM_TYPE,
  apiKeyStreamId,
  type ApiKeyCreated,
  type ApiKeyCreatedResponse,
  type ApiKeyView,
  type CommandAccepted,
  type CreateApiKeyRequest,
} from '@camel/contracts';
import { apiKeyDecider } from '@camel/identity';
import { ProjectsReadModel } from '@camel/projects/server';
import { CommandExecutor, ID_GENERATOR, type IdGenerator } from '@camel/server';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { CredentialStore, randomToken, sha256 } from './credentials';
import { ListApiKeys } from './identity.queries';
import { accepted } from './user-stream';

/** The whole key is in the answer only; the credential table keeps its hash. */
export class CreateApiKey extends Command<ApiKeyCreatedResponse> {
  constructor(
    readonly projectId: string,
    readonly request: CreateApiKeyRequest,
  ) {
    super();
  }
}

/** The key stops working when this returns: its secret is deleted with the event. */
export class RevokeApiKey extends Command<CommandAccepted> {
  constructor(
    readonly projectId: string,
    readonly keyId: string,
  ) {
    super();
  }
}

@CommandHandler(CreateApiKey)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKey> {
  constructor(
    @Inject(ID_GENERATOR) private readonly newId: IdGenerator,
    private readonly executor: CommandExecutor,
    private readonly projects: ProjectsReadModel,
    private readonly queries: QueryBus,
  ) {}

  async execute({ projectId, request }: CreateApiKey): Promise<ApiKeyCreatedResponse> {
    const keyId = this.newId();
    const secret = randomToken();
    const key = `${API_KEY_PREFIX}${keyId.replace(/-/g, '')}_${secret}`;
    const prefix = key.slice(0, API_KEY_PREFIX.length + 8);
    const projectStatus = await this.projects.standing(projectId);
    const role = request.role;
    const outcome = await this.executor.execute(apiKeyDecider, {
      streamId: apiKeyStreamId(keyId),
      streamType: API_KEY_STREAM_TYPE,
      projectId,
      command: { type: 'CreateApiKey', keyId, projectId, name: request.name, role, prefix, projectStatus, expiresAt: request.expiresAt },
      // The expiry the decider accepted (canonical form) is the one enforced.
      inTransaction: (tx, events) => {
        const created = events.find((event) => event.type === 'ApiKeyCreated')?.data as ApiKeyCreated['data'] | undefined;
        const expiresAt = created?.expiresAt ?? null;
        return CredentialStore.storeApiKey(tx, { keyId, projectId, role, secretHash: sha256(secret), expiresAt });
      },
    });
    const [view] = await this.queries.execute<ListApiKeys, ApiKeyView[]>(new ListApiKeys(projectId, keyId));
    return { id: keyId, position: outcome.position, key, view };
  }
}

@CommandHandler(RevokeApiKey)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKey> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ projectId, keyId }: RevokeApiKey): Promise<CommandAccepted> {
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

export const API_KEY_COMMAND_HANDLERS = [CreateApiKeyHandler, RevokeApiKeyHandler];
