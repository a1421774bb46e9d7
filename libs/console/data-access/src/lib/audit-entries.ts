import {
  AUDIT_BOOKKEEPING_TYPES,
  auditExcludePatterns,
  auditNameKey,
  auditSubjectOf,
  auditTypeMatches,
  type Actor,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type EventTopic,
  type RecordedEvent,
} from '@camel/contracts';
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
  // Bookkeeping (token rotations) is not in the audit read model: a live one must not appear either.
  if (AUDIT_BOOKKEEPING_TYPES.includes(entry.type)) return false;
  if (query.projectId && entry.projectId !== query.projectId) return false;
  if (query.actor && `${entry.actor.type}:${entry.actor.id}` !== query.actor) return false;
  if (query.type && !auditTypeMatches(entry.type, query.type)) return false;
  if (auditExcludePatterns(query.exclude).some((pattern) => auditTypeMatches(entry.type, pattern))) return false;
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

/** What an event type did, in words, for the audit page (the type itself stays its title and filter). */
const ACTIONS: Readonly<Record<string, string>> = {
  ProjectCreated: 'created the project',
  ProjectRenamed: 'renamed the project',
  ProjectArchived: 'archived the project',
  ProjectMemberAdded: 'added a member',
  ProjectMemberRoleChanged: 'changed a member’s role',
  ProjectMemberRemoved: 'removed a member',
  UserCreated: 'created the user',
  UserInvited: 'invited the user',
  UserRenamed: 'renamed the user',
  UserGlobalRoleChanged: 'changed the user’s global role',
  UserPasswordSet: 'set a password',
  UserPasswordResetIssued: 'issued a password reset',
  UserDisabled: 'disabled the user',
  UserEnabled: 'enabled the user',
  SessionStarted: 'signed in',
  SessionRevoked: 'ended a session',
  ApiKeyCreated: 'created an API key',
  ApiKeyRevoked: 'revoked an API key',
  ConfigVersionSaved: 'saved a config version',
  RunStarted: 'started a run',
  RunPaused: 'paused the run',
  RunResumed: 'resumed the run',
  RunCancelled: 'cancelled the run',
  RunRetried: 'retried the run',
  RunCompleted: 'the run ended',
  RegenerationRequested: 'asked for another answer',
};

/** The action of an event type in words; an unknown type as it is. */
export const auditActionLabel = (type: string): string => ACTIONS[type] ?? type;

/** Names by `auditNameKey` (`AuditPage.names`), merged from every page read. */
export type AuditNames = Readonly<Record<string, string>>;

const short = (id: string) => id.slice(0, 8);

/** Who acted, in words: a user's or key's name, "you", "the system" — an id only when the name is unknown. */
export function auditActorLabel(actor: Actor, names: AuditNames, me?: Actor): string {
  if (me && me.type === actor.type && me.id === actor.id) return 'you';
  switch (actor.type) {
    case 'user':
      return names[auditNameKey('user', actor.id)] ?? `user ${short(actor.id)}`;
    case 'api-key': {
      const name = names[auditNameKey('api-key', actor.id)];
      return name ? `API key “${name}”` : `API key ${short(actor.id)}`;
    }
    case 'system':
      return actor.id === 'system' || !actor.id ? 'the system' : `the system (${actor.id})`;
    case 'anonymous':
      return 'someone not signed in';
    default:
      return `${actor.type as string} ${short(actor.id)}`;
  }
}

/** What an entry is about, in words (its stream's subject by name): "user Ada Lovelace", "configs of Support triage". */
export function auditSubjectLabel(streamId: string, names: AuditNames): string {
  const subject = auditSubjectOf(streamId);
  const named = (kind: 'user' | 'api-key' | 'project', id: string) => names[auditNameKey(kind, id)];
  switch (subject.kind) {
    case 'user':
      return `user ${named('user', subject.id) ?? short(subject.id)}`;
    case 'api-key': {
      const name = named('api-key', subject.id);
      return name ? `API key “${name}”` : `API key ${short(subject.id)}`;
    }
    case 'project':
      return `project ${named('project', subject.id) ?? short(subject.id)}`;
    case 'configs':
      return `configs of ${named('project', subject.projectId) ?? `project ${short(subject.projectId)}`}`;
    case 'label-set':
      return `labels of ${named('project', subject.projectId) ?? `project ${short(subject.projectId)}`}`;
    case 'session':
      return 'a sign-in session';
    case 'run':
      return `run ${short(subject.id)}`;
    case 'annotation':
      return `annotation ${short(subject.id)}`;
    case 'annotation-queue':
      return `annotation queue ${short(subject.id)}`;
    default:
      return subject.id;
  }
}

/** Appends an older page (`before`) to a newest-first list, each position once. */
export function appendOlderAudit(entries: readonly AuditEntry[], older: readonly AuditEntry[]): AuditEntry[] {
  const known = new Set(entries.map((entry) => entry.position));
  return [...entries, ...older.filter((entry) => !known.has(entry.position))];
}

export interface AuditListPage extends LiveListPage<AuditEntry> {
  /** `before` for the next older page; null at the start of the log. */
  readonly nextBefore: number | null;
  readonly names: AuditNames;
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
      return { items: page.entries, nextBefore: page.nextBefore, names: page.names ?? {}, position: page.position || (page.entries[0]?.position ?? 0) };
    },
    fold: (items, events) => ({ items: mergeAuditEvents(items, events, query) }),
  };
}
