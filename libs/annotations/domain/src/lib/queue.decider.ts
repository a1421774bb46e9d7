import {
  DEFAULT_RATING_SCALE,
  DEFAULT_RESERVATION_SECONDS,
  DomainError,
  QUEUE_KINDS,
  RATING_SCALE_MAX,
  RESPONSES_REQUIRED_MAX,
  type AnnotationQueueEvent,
  type ProjectRole,
  type QueueAssignees,
  type QueueItemRef,
  type QueueKind,
  type QueueSettings,
  type QueueStatus,
  type QueueSuggestions,
  type RatingScale,
} from '@camel/contracts';
import type { Decider } from '@camel/kernel';

export const QUEUE_NAME_MAX_LENGTH = 200;
export const QUEUE_DESCRIPTION_MAX_LENGTH = 2000;
export const RESERVATION_SECONDS_MIN = 1;
export const RESERVATION_SECONDS_MAX = 86_400;
/** Items per QueueItemsAdded event (an add of 100k items is 100 events in one append). */
export const ITEMS_PER_EVENT = 1000;

/** What a queue's settings are checked against, read by the caller. */
export interface QueueFacts {
  /** The project's members and their roles. */
  readonly members: Readonly<Record<string, ProjectRole>>;
  /** Agent names of the project's latest config (judge candidates). */
  readonly agents: readonly string[];
}

export interface QueueSettingsInput {
  readonly name?: unknown;
  readonly description?: unknown;
  readonly kind?: unknown;
  readonly ratingScale?: unknown;
  readonly responsesRequired?: unknown;
  readonly reservationSeconds?: unknown;
  readonly blind?: unknown;
  readonly assignees?: unknown;
  readonly suggestions?: unknown;
}

export type QueueCommand =
  | { readonly type: 'CreateQueue'; readonly queueId: string; readonly projectId: string; readonly createdBy: string; readonly settings: QueueSettingsInput; readonly facts: QueueFacts }
  | { readonly type: 'UpdateQueue'; readonly queueId: string; readonly settings: QueueSettingsInput; readonly facts: QueueFacts }
  /** Candidates carry fresh item ids (injected); those already in the queue, or repeated, are dropped. */
  | { readonly type: 'AddItems'; readonly queueId: string; readonly items: readonly QueueItemRef[] }
  /** No more next-item (answers are kept); reopen takes it back. */
  | { readonly type: 'CloseQueue'; readonly queueId: string; readonly by: string }
  | { readonly type: 'ReopenQueue'; readonly queueId: string; readonly by: string }
  /** Final: the queue leaves the lists; its answers (and datasets made of them) stay. */
  | { readonly type: 'ArchiveQueue'; readonly queueId: string; readonly by: string };

export type QueueState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active';
      readonly queueId: string;
      readonly projectId: string;
      readonly settings: QueueSettings;
      readonly lifecycle: QueueStatus;
      /** `entryId|alternativeEntryId` of every item: an item is never in a queue twice. */
      readonly keys: ReadonlySet<string>;
    };

export const itemKey = (item: Pick<QueueItemRef, 'entryId' | 'alternativeEntryId'>): string => `${item.entryId}|${item.alternativeEntryId ?? ''}`;

const bad = (code: string, field: string, message: string) => DomainError.validation(`queue.${code}`, field, message);

function integer(raw: unknown, field: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) throw bad(`${field}.invalid`, field, `${field} must be an integer from ${min} to ${max}`);
  return raw;
}

function name(raw: unknown): string {
  const value = typeof raw === 'string' ? raw.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!value || value.length > QUEUE_NAME_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw bad('name.invalid', 'name', `name must be 1–${QUEUE_NAME_MAX_LENGTH} printable characters`);
  }
  return value;
}

function description(raw: unknown): string | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string' || raw.length > QUEUE_DESCRIPTION_MAX_LENGTH) throw bad('description.invalid', 'description', `description must be a string of at most ${QUEUE_DESCRIPTION_MAX_LENGTH} characters`);
  return raw.trim() || null;
}

function scale(raw: unknown): RatingScale {
  if (raw === undefined) return DEFAULT_RATING_SCALE;
  if (typeof raw !== 'object' || raw === null) throw bad('ratingScale.invalid', 'ratingScale', 'ratingScale must be { min, max }');
  const { min, max } = raw as Record<string, unknown>;
  const low = integer(min, 'ratingScale.min', 0, RATING_SCALE_MAX);
  const high = integer(max, 'ratingScale.max', low + 1, RATING_SCALE_MAX);
  return { min: low, max: high };
}

function assignees(raw: unknown, facts: QueueFacts): QueueAssignees {
  if (raw === undefined) return { kind: 'role' };
  const value = raw as Record<string, unknown> | null;
  if (value?.['kind'] === 'role') return { kind: 'role' };
  if (value?.['kind'] !== 'users' || !Array.isArray(value['userIds']) || value['userIds'].length === 0) {
    throw bad('assignees.invalid', 'assignees', 'assignees must be { kind: "role" } or { kind: "users", userIds: [at least one] }');
  }
  const ids = value['userIds'] as unknown[];
  ids.forEach((id, index) => {
    if (typeof id !== 'string' || facts.members[id] === undefined) throw bad('assignees.not-a-member', `assignees.userIds.${index}`, `assignees.userIds.${index} is not a member of the project`);
  });
  return { kind: 'users', userIds: [...new Set(ids as string[])] };
}

function suggestions(raw: unknown, facts: QueueFacts): QueueSuggestions | null {
  if (raw === undefined || raw === null) return null;
  const agent = (raw as Record<string, unknown>)['agent'];
  if (typeof agent !== 'string' || !facts.agents.includes(agent)) {
    throw bad('suggestions.unknown-agent', 'suggestions.agent', `suggestions.agent must be an agent of the project’s config (${facts.agents.join(', ') || 'none'})`);
  }
  return { agent };
}

function reservation(raw: unknown): number {
  return raw === undefined ? DEFAULT_RESERVATION_SECONDS : integer(raw, 'reservationSeconds', RESERVATION_SECONDS_MIN, RESERVATION_SECONDS_MAX);
}

/** A new queue's settings with their defaults; every error names its input. */
export function validQueueSettings(input: QueueSettingsInput, facts: QueueFacts): QueueSettings {
  if (!QUEUE_KINDS.includes(input.kind as QueueKind)) throw bad('kind.invalid', 'kind', `kind must be one of ${QUEUE_KINDS.join(', ')}`);
  if (input.blind !== undefined && typeof input.blind !== 'boolean') throw bad('blind.invalid', 'blind', 'blind must be true or false');
  return {
    name: name(input.name),
    description: description(input.description),
    kind: input.kind as QueueKind,
    ratingScale: scale(input.ratingScale),
    responsesRequired: input.responsesRequired === undefined ? 1 : integer(input.responsesRequired, 'responsesRequired', 1, RESPONSES_REQUIRED_MAX),
    reservationSeconds: reservation(input.reservationSeconds),
    blind: input.blind ?? true,
    assignees: assignees(input.assignees, facts),
    suggestions: suggestions(input.suggestions, facts),
  };
}

function active(state: QueueState) {
  if (state.status === 'none') throw DomainError.notFound('queue.not-found', 'annotation queue does not exist');
  return state;
}

/** A queue that may still change (not archived); `open` also refuses a closed one. */
function changeable(state: QueueState, open = false) {
  const queue = active(state);
  if (queue.lifecycle === 'archived') throw DomainError.conflict('queue.archived', 'the queue is archived');
  if (open && queue.lifecycle === 'closed') throw DomainError.conflict('queue.closed', 'the queue is closed: reopen it first');
  return queue;
}

/** May this member work the queue? Named users, or (role mode) every member holding the annotator role. */
export function isAssigned(settings: Pick<QueueSettings, 'assignees'>, userId: string, role: ProjectRole | undefined): boolean {
  return settings.assignees.kind === 'role' ? role === 'annotator' : settings.assignees.userIds.includes(userId);
}

/**
 * An annotation queue's definition and membership of items. Items themselves live in their own
 * streams (queue-item.decider): this stream is loaded only to create, update or add.
 */
export const queueDecider: Decider<QueueCommand, AnnotationQueueEvent, QueueState> = {
  initialState: { status: 'none' },

  decide(command, state) {
    switch (command.type) {
      case 'CreateQueue': {
        if (state.status !== 'none') throw DomainError.conflict('queue.exists', 'annotation queue already exists');
        const settings = validQueueSettings(command.settings, command.facts);
        return [{ type: 'AnnotationQueueCreated', data: { queueId: command.queueId, projectId: command.projectId, createdBy: command.createdBy, ...settings } }];
      }
      case 'UpdateQueue': {
        const queue = changeable(state);
        const input = command.settings;
        const changes = {
          ...(input.name !== undefined ? { name: name(input.name) } : {}),
          ...(input.description !== undefined ? { description: description(input.description) } : {}),
          ...(input.reservationSeconds !== undefined ? { reservationSeconds: reservation(input.reservationSeconds) } : {}),
          ...(input.assignees !== undefined ? { assignees: assignees(input.assignees, command.facts) } : {}),
        };
        const changed = Object.entries(changes).filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(queue.settings[key as keyof QueueSettings]));
        if (changed.length === 0) return [];
        return [{ type: 'AnnotationQueueUpdated', data: { queueId: queue.queueId, projectId: queue.projectId, ...Object.fromEntries(changed) } }];
      }
      case 'AddItems': {
        const queue = changeable(state, true);
        const pairwise = queue.settings.kind === 'pairwise';
        const seen = new Set<string>();
        const fresh: QueueItemRef[] = [];
        command.items.forEach((item, index) => {
          if (pairwise !== (item.alternativeEntryId !== null)) {
            throw bad('item.kind', `items.${index}`, pairwise ? `items.${index}: a pairwise queue's item needs an alternative` : `items.${index}: a single queue's item has no alternative`);
          }
          const key = itemKey(item);
          if (queue.keys.has(key) || seen.has(key)) return;
          seen.add(key);
          fresh.push(item);
        });
        const events: AnnotationQueueEvent[] = [];
        for (let at = 0; at < fresh.length; at += ITEMS_PER_EVENT) {
          events.push({ type: 'QueueItemsAdded', data: { queueId: queue.queueId, projectId: queue.projectId, items: fresh.slice(at, at + ITEMS_PER_EVENT) } });
        }
        return events;
      }
      case 'CloseQueue': {
        const queue = changeable(state);
        return queue.lifecycle === 'closed' ? [] : [{ type: 'AnnotationQueueClosed', data: { queueId: queue.queueId, projectId: queue.projectId, by: command.by } }];
      }
      case 'ReopenQueue': {
        const queue = changeable(state);
        return queue.lifecycle === 'open' ? [] : [{ type: 'AnnotationQueueReopened', data: { queueId: queue.queueId, projectId: queue.projectId, by: command.by } }];
      }
      case 'ArchiveQueue': {
        const queue = active(state);
        return queue.lifecycle === 'archived' ? [] : [{ type: 'AnnotationQueueArchived', data: { queueId: queue.queueId, projectId: queue.projectId, by: command.by } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'AnnotationQueueCreated': {
        const { queueId, projectId, createdBy: _createdBy, ...settings } = event.data;
        return { status: 'active', queueId, projectId, settings, lifecycle: 'open', keys: new Set() };
      }
      case 'AnnotationQueueUpdated': {
        if (state.status === 'none') return state;
        const { queueId: _q, projectId: _p, ...changes } = event.data;
        return { ...state, settings: { ...state.settings, ...changes } };
      }
      case 'QueueItemsAdded': {
        if (state.status === 'none') return state;
        const keys = new Set(state.keys);
        for (const item of event.data.items) keys.add(itemKey(item));
        return { ...state, keys };
      }
      case 'AnnotationQueueClosed':
        return state.status === 'none' ? state : { ...state, lifecycle: 'closed' };
      case 'AnnotationQueueReopened':
        return state.status === 'none' ? state : { ...state, lifecycle: 'open' };
      case 'AnnotationQueueArchived':
        return state.status === 'none' ? state : { ...state, lifecycle: 'archived' };
    }
  },
};
