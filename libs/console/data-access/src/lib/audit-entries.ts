import type { AuditEntry, AuditPage, AuditQuery, EventTopic, RecordedEvent } from '@camel/contracts';
import type { LiveListPage, LiveListSource } from './live-list';

/** An event as the audit read model lists it. */
export function auditEntryOf(event: RecordedEvent): AuditEntry {
  const { metadata } = event;
  return {
    position: event.position,
    eventId: event.id,
    type: event.type,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    projectId: metadata.projectId ?? null,
    actor: metadata.actor,
    requestId: metadata.requestId ?? null,
    correlationId: metadata.correlationId,
    time: metadata.time,
  };
}

/** Does the entry pass the filters of `GET /api/audit` (`before`/`limit` are paging, not filters)? */
export function matchesAuditQuery(entry: AuditEntry, query: AuditQuery): boolean {
  if (query.projectId && entry.projectId !== query.projectId) return false;
  if (query.actor && `${entry.actor.type}:${entry.actor.id}` !== query.actor) return false;
  if (query.type) {
    const matches = query.type.endsWith('*') ? entry.type.startsWith(query.type.slice(0, -1)) : entry.type === query.type;
    if (!matches) return false;
  }
  const time = Date.parse(entry.time);
  if (query.from && time < Date.parse(query.from)) return false;
  if (query.to && time >= Date.parse(query.to)) return false;
  return true;
}

/**
 * Adds live events to a newest-first audit list: only those matching the query, each position
 * once, newest first.
 */
export function mergeAuditEvents(entries: readonly AuditEntry[], events: readonly RecordedEvent[], query: AuditQuery): AuditEntry[] {
  const known = new Set(entries.map((entry) => entry.position));
  const fresh = events
    .map(auditEntryOf)
    .filter((entry) => !known.has(entry.position) && matchesAuditQuery(entry, query))
    .sort((a, b) => b.position - a.position);
  if (fresh.length === 0) return [...entries];
  return [...fresh, ...entries].sort((a, b) => b.position - a.position).filter((entry, index, all) => index === 0 || all[index - 1]?.position !== entry.position);
}

/**
 * Every event family of the product, as type-name prefixes: an unfiltered audit view follows one
 * topic per family (the gateway has no "every event" topic). `Project` covers `ProjectMember…`.
 */
export const AUDIT_EVENT_FAMILIES: readonly string[] = [
  'Project',
  'User',
  'Session',
  'ApiKey',
  'Config',
  // annotations (`Annotation…` covers the queue's own events), queue items, the label set
  'Annotation',
  'QueueItem',
  'LabelSet',
  'Dataset',
  'Webhook',
];

/**
 * Topics that carry every event the audit query can match. A project filter is one topic; a type
 * filter narrows to its prefix; otherwise one topic per event family of the product (the gateway
 * has no "everything" topic). `families` are type-name prefixes, e.g. ['Project', 'User', …].
 */
export function auditTopics(query: AuditQuery, families: readonly string[]): EventTopic[] {
  if (query.projectId) return [{ kind: 'project', projectId: query.projectId }];
  if (query.type) {
    const prefix = query.type.endsWith('*') ? query.type.slice(0, -1) : query.type;
    if (prefix) return [{ kind: 'type', prefix }];
  }
  return families.map((prefix) => ({ kind: 'type', prefix }));
}

/** Appends an older page (`before`) to a newest-first list, each position once. */
export function appendOlderAudit(entries: readonly AuditEntry[], older: readonly AuditEntry[]): AuditEntry[] {
  const known = new Set(entries.map((entry) => entry.position));
  return [...entries, ...older.filter((entry) => !known.has(entry.position))];
}

export interface AuditListPage extends LiveListPage<AuditEntry> {
  /** `before` for the next older page; null at the start of the log. */
  readonly nextBefore: number | null;
}

/**
 * The audit trail for one query, newest first: a page, then new matching events prepended live.
 * `read` answers `GET /api/audit` for the query; `families` as for `auditTopics`.
 */
export function auditListSource(
  query: AuditQuery,
  families: readonly string[],
  read: (query: AuditQuery) => Promise<AuditPage & { readonly position: number }>,
): LiveListSource<AuditEntry, AuditListPage> {
  return {
    topics: auditTopics(query, families),
    read: async () => {
      const page = await read(query);
      // Without a read position header, the newest entry is where the list stands.
      return { items: page.entries, nextBefore: page.nextBefore, position: page.position || (page.entries[0]?.position ?? 0) };
    },
    fold: (items, events) => ({ items: mergeAuditEvents(items, events, query) }),
  };
}
