import { DomainError, WEBHOOK_EVENT_KINDS, type ProjectStatus, type WebhookEvent, type WebhookEventKind } from '@camel/contracts';
import type { Decider } from '@camel/kernel';
import { checkWebhookUrl } from './url-policy';

export const WEBHOOK_DESCRIPTION_MAX = 500;

export type WebhookCommand =
  | {
      readonly type: 'RegisterWebhook';
      readonly webhookId: string;
      readonly projectId: string;
      readonly url: string;
      readonly events: readonly WebhookEventKind[];
      readonly description?: string;
      /** Loaded by the handler: the project's standing and the operator's private-address setting. */
      readonly projectStatus: ProjectStatus | 'none';
      readonly allowPrivate: boolean;
    }
  | { readonly type: 'RemoveWebhook'; readonly webhookId: string; readonly projectId: string };

export type WebhookState = { readonly status: 'none' } | { readonly status: 'active' | 'removed'; readonly projectId: string };

function validEvents(raw: unknown): WebhookEventKind[] {
  if (!Array.isArray(raw) || raw.length === 0) throw DomainError.validation('webhook.events.required', 'events', 'events must list at least one event kind');
  const unknown = raw.find((kind) => !WEBHOOK_EVENT_KINDS.includes(kind as WebhookEventKind));
  if (unknown !== undefined) {
    throw DomainError.validation('webhook.events.unknown', 'events', `events: ${JSON.stringify(unknown)} is not one of ${WEBHOOK_EVENT_KINDS.join(', ')}`);
  }
  return WEBHOOK_EVENT_KINDS.filter((kind) => raw.includes(kind));
}

/** A project's webhook: registered once, removed once (a removed one delivers nothing more). */
export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState> = {
  initialState: { status: 'none' },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterWebhook': {
        if (command.projectStatus === 'none') throw DomainError.notFound('project.not-found', `project ${command.projectId} does not exist`);
        if (command.projectStatus === 'archived') throw DomainError.conflict('project.archived', 'the project is archived');
        if (state.status !== 'none') throw DomainError.conflict('webhook.exists', `webhook ${command.webhookId} exists`);
        const url = checkWebhookUrl(command.url, command.allowPrivate);
        if (!url.ok) throw DomainError.validation('webhook.url.invalid', 'url', url.message);
        const description = command.description?.trim() || null;
        if (description && description.length > WEBHOOK_DESCRIPTION_MAX) {
          throw DomainError.validation('webhook.description.too-long', 'description', `description must be at most ${WEBHOOK_DESCRIPTION_MAX} characters`);
        }
        return [
          { type: 'WebhookRegistered', data: { webhookId: command.webhookId, projectId: command.projectId, url: url.url.href, events: validEvents(command.events), description } },
        ];
      }
      case 'RemoveWebhook':
        if (state.status === 'none' || state.projectId !== command.projectId) throw DomainError.notFound('webhook.not-found', `webhook ${command.webhookId} does not exist`);
        if (state.status === 'removed') throw DomainError.conflict('webhook.removed', 'the webhook is already removed');
        return [{ type: 'WebhookRemoved', data: { webhookId: command.webhookId, projectId: command.projectId } }];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'WebhookRegistered':
        return { status: 'active', projectId: event.data.projectId };
      case 'WebhookRemoved':
        return state.status === 'none' ? state : { ...state, status: 'removed' };
    }
  },
};
