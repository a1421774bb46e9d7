import { API_KEY_NAME_MAX_LENGTH, DomainError, type ApiKeyEvent, type ProjectRole } from '@camel/contracts';
import { validProjectRole } from '@camel/projects';
import type { DecideContext, Decider } from '@camel/kernel';

/** A project's API key (a service account holding one project role). The secret never enters the log. */
export type ApiKeyCommand =
  | {
      readonly type: 'CreateApiKey';
      readonly keyId: string;
      readonly projectId: string;
      readonly name: string;
      readonly role: ProjectRole;
      readonly prefix: string;
      /** When the key stops working (ISO 8601, in the future); absent = until revoked. */
      readonly expiresAt?: string;
      /** Status of the project, read by the caller (keys are not issued for archived projects). */
      readonly projectStatus: 'active' | 'archived' | 'none';
    }
  | { readonly type: 'RevokeApiKey'; readonly keyId: string; readonly projectId: string };

export type ApiKeyState =
  | { readonly status: 'none' }
  | { readonly status: 'active' | 'revoked'; readonly id: string; readonly projectId: string };


function validName(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw DomainError.validation('api-key.name.required', 'name', 'name is required');
  const name = raw.trim();
  if (name.length > API_KEY_NAME_MAX_LENGTH) {
    throw DomainError.validation('api-key.name.too-long', 'name', `name must be at most ${API_KEY_NAME_MAX_LENGTH} characters`);
  }
  return name;
}

/** A future instant as a canonical ISO string, or a 400 naming expiresAt. */
function validExpiry(raw: string, now: Date): string {
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw DomainError.validation('api-key.expires-at.invalid', 'expiresAt', 'expiresAt must be an ISO 8601 date-time');
  if (time <= now.getTime()) throw DomainError.validation('api-key.expires-at.past', 'expiresAt', 'expiresAt must be in the future');
  return new Date(time).toISOString();
}

function decide(command: ApiKeyCommand, state: ApiKeyState, context: DecideContext): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey': {
      const name = validName(command.name);
      const role = validProjectRole(command.role);
      const expiry = command.expiresAt === undefined ? {} : { expiresAt: validExpiry(command.expiresAt, context.now) };
      if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
      if (command.projectStatus === 'archived') {
        throw DomainError.conflict('project.archived', `project ${command.projectId} is archived; it gets no new API keys`);
      }
      if (state.status !== 'none') throw DomainError.conflict('api-key.exists', `API key ${command.keyId} already exists`);
      return [{ type: 'ApiKeyCreated', data: { keyId: command.keyId, projectId: command.projectId, name, role, prefix: command.prefix, ...expiry } }];
    }
    case 'RevokeApiKey': {
      // A key of another project is as invisible as a missing one.
      if (state.status === 'none' || state.projectId !== command.projectId) {
        throw DomainError.notFound('api-key.not-found', `API key ${command.keyId} does not exist in this project`);
      }
      if (state.status === 'revoked') throw DomainError.conflict('api-key.revoked', `API key ${command.keyId} is already revoked`);
      return [{ type: 'ApiKeyRevoked', data: { keyId: state.id, projectId: state.projectId } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function evolve(state: ApiKeyState, event: ApiKeyEvent): ApiKeyState {
  switch (event.type) {
    case 'ApiKeyCreated':
      return { status: 'active', id: event.data.keyId, projectId: event.data.projectId };
    case 'ApiKeyRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      throw new Error(`unknown event ${JSON.stringify(unknown)}`);
    }
  }
}

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState> = { initialState: { status: 'none' }, decide, evolve };
