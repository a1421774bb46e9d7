import { API_KEY_EVENT_TYPES, type ApiKeyEvent, type ApiKeyView, type RecordedEvent } from '@camel/contracts';
import type { ReadList } from './api-client';
import type { LiveListSource } from './live-list';

type RecordedApiKeyEvent = RecordedEvent & ApiKeyEvent;

const API_KEY_TYPES: ReadonlySet<string> = new Set(API_KEY_EVENT_TYPES);
const isApiKeyEvent = (event: RecordedEvent): event is RecordedApiKeyEvent => API_KEY_TYPES.has(event.type);

/** The api's order: `ORDER BY created_at, id`. */
export function compareApiKeys(a: ApiKeyView, b: ApiKeyView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Keeps one project's `GET /api/projects/:id/api-keys` current from `ApiKey` events. Each event
 * sets an absolute state (a key exists; a key is revoked), so replaying events the list already
 * reflects changes nothing. Keys of other projects are ignored. `lastUsedAt` is operational data,
 * not an event: it is as fresh as the last fetch. Pure; returns a new array sorted like the api.
 */
export function applyApiKeyEvents(list: readonly ApiKeyView[], events: readonly RecordedEvent[], projectId: string): ApiKeyView[] {
  const rows = new Map<string, ApiKeyView>(list.map((key) => [key.id, key]));
  const ordered = events.filter(isApiKeyEvent).sort((a, b) => a.position - b.position);
  for (const event of ordered) {
    if (event.data.projectId !== projectId) continue;
    const current = rows.get(event.data.keyId);
    switch (event.type) {
      case 'ApiKeyCreated': {
        if (current) break;
        const { keyId, name, role, prefix, expiresAt } = event.data;
        const { actor, time } = event.metadata;
        rows.set(keyId, {
          id: keyId,
          projectId,
          name,
          role,
          prefix,
          createdAt: time,
          // Same form as the projection's `created_by` column.
          createdBy: `${actor.type}:${actor.id}`,
          revokedAt: null,
          expiresAt: expiresAt ?? null,
          lastUsedAt: null,
        });
        break;
      }
      case 'ApiKeyRevoked':
        if (current && current.revokedAt === null) rows.set(current.id, { ...current, revokedAt: event.metadata.time });
        break;
      default: {
        const unhandled: never = event;
        throw new Error(`applyApiKeyEvents: unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  }
  return [...rows.values()].sort(compareApiKeys);
}

/** One project's API keys, live from the project's events. */
export function apiKeyListSource(projectId: string, read: () => Promise<ReadList<ApiKeyView>>): LiveListSource<ApiKeyView> {
  return {
    topics: [{ kind: 'project', projectId }],
    read,
    fold: (items, events) => ({ items: applyApiKeyEvents(items, events, projectId) }),
  };
}

/** A key the api just created, put in before its event arrives (the event then changes nothing). */
export function withApiKey(list: readonly ApiKeyView[], key: ApiKeyView): ApiKeyView[] {
  return list.some((row) => row.id === key.id) ? [...list] : applyApiKeyEvents([...list, key], [], key.projectId);
}
