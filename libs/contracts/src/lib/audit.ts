import type { Actor } from './event-envelope';

/**
 * Event types the audit trail leaves out: bookkeeping, not actions. A refresh-token rotation
 * happens on every page load and every access-token renewal; the session stream keeps it (reuse
 * detection needs it), the audit read model does not list it. Sign-in (`SessionStarted`),
 * sign-out and revocation (`SessionRevoked`, reuse detection included) stay in the trail.
 */
export const AUDIT_BOOKKEEPING_TYPES: readonly string[] = ['SessionRefreshed'];

/** Does `type` match an audit type pattern: an exact type, or a family prefix ending in `*`? */
export function auditTypeMatches(type: string, pattern: string): boolean {
  return pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern;
}

/** The patterns of an `exclude` filter (comma-separated types or prefixes ending in `*`). */
export function auditExcludePatterns(exclude: string | undefined): string[] {
  return (exclude ?? '')
    .split(',')
    .map((pattern) => pattern.trim())
    .filter((pattern) => pattern.length > 0);
}

/** What a stream is about, read from its id (`<kind>-<id>`, see the `*StreamId` functions). */
export type AuditSubject =
  | { readonly kind: 'user' | 'api-key' | 'project' | 'session' | 'run' | 'annotation' | 'annotation-queue'; readonly id: string }
  | { readonly kind: 'configs' | 'label-set'; readonly id: string; readonly projectId: string }
  | { readonly kind: 'other'; readonly id: string };

/** Longest prefixes first: `annotation-queue-` before `annotation-`. */
const STREAM_KINDS = ['annotation-queue', 'annotation', 'api-key', 'user', 'session', 'project', 'configs', 'label-set', 'run'] as const;

export function auditSubjectOf(streamId: string): AuditSubject {
  for (const kind of STREAM_KINDS) {
    if (!streamId.startsWith(`${kind}-`)) continue;
    const id = streamId.slice(kind.length + 1);
    if (!id) break;
    return kind === 'configs' || kind === 'label-set' ? { kind, id, projectId: id } : { kind, id };
  }
  return { kind: 'other', id: streamId };
}

/** The key of a name in `AuditPage.names`: `user:<id>`, `api-key:<id>`, `project:<id>`. */
export type AuditNameKind = 'user' | 'api-key' | 'project';
export const auditNameKey = (kind: AuditNameKind, id: string): string => `${kind}:${id}`;

/** Every name an audit entry can show: its actor, its project, and what its stream is about. */
export function auditNameKeys(entry: { readonly actor: Actor; readonly projectId: string | null; readonly streamId: string }): string[] {
  const keys: string[] = [];
  if (entry.actor.type === 'user' || entry.actor.type === 'api-key') keys.push(auditNameKey(entry.actor.type, entry.actor.id));
  if (entry.projectId) keys.push(auditNameKey('project', entry.projectId));
  const subject = auditSubjectOf(entry.streamId);
  if (subject.kind === 'user' || subject.kind === 'api-key' || subject.kind === 'project') keys.push(auditNameKey(subject.kind, subject.id));
  if (subject.kind === 'configs' || subject.kind === 'label-set') keys.push(auditNameKey('project', subject.projectId));
  return keys;
}
