import {
  PROJECT_EVENT_TYPES,
  type EventTopic,
  type ProjectEvent,
  type ProjectList,
  type ProjectStatus,
  type ProjectView,
  type RecordedEvent,
} from '@camel/contracts';
import type { LiveListSource } from './live-list';

export type ProjectStatusFilter = ProjectStatus | 'all';

type RecordedProjectEvent = RecordedEvent & ProjectEvent;

const PROJECT_TYPES: ReadonlySet<string> = new Set(PROJECT_EVENT_TYPES);

function isProjectEvent(event: RecordedEvent): event is RecordedProjectEvent {
  return PROJECT_TYPES.has(event.type);
}

/** The api's order: `ORDER BY created_at, id` (ISO times and ids compare as plain strings). */
export function compareProjects(a: ProjectView, b: ProjectView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

export function matchesStatusFilter(project: ProjectView, filter: ProjectStatusFilter): boolean {
  return filter === 'all' || project.status === filter;
}

/**
 * Keeps a project list, as `GET /api/projects?status=<filter>` returned it, up to date with the
 * events of the `{ kind: 'type', prefix: 'Project' }` topic. Mirrors the api's `projects`
 * projection, so the result equals what a fresh request would return.
 *
 * - Idempotent by stream version: the list is read at the read model's checkpoint, and following
 *   the topic from there may deliver events the rows already reflect. An event whose
 *   `streamVersion` is ≤ the row's `version` is ignored; so are events for rows the list lacks
 *   (except `ProjectCreated`), since they do not carry a whole row.
 * - Order-safe: each batch is applied in position order, whatever order it arrived in. Every event
 *   carries the absolute value it sets (name, status), so a gap in versions still ends in the
 *   right state.
 * - Status filter: a created project is active, so it joins 'active' and 'all' lists, never an
 *   'archived' one. `ProjectArchived` drops the row from an 'active' list and updates it in an
 *   'all' list. It cannot add the row to an 'archived' list (the event holds only the id, not the
 *   name or description): a view that must show newly archived projects live follows an 'all'
 *   list and filters it with `matchesStatusFilter`, as the console does.
 * - Event types it does not know (the prefix may match future `Project…` events) are skipped.
 *
 * Pure: never mutates its inputs; returns a new array sorted like the api.
 */
export function applyProjectEvents(
  list: readonly ProjectView[],
  events: readonly RecordedEvent[],
  statusFilter: ProjectStatusFilter,
): ProjectView[] {
  const rows = new Map<string, ProjectView>(list.map((project) => [project.id, project]));
  const ordered = events.filter(isProjectEvent).sort((a, b) => a.position - b.position);

  for (const event of ordered) {
    const current = rows.get(event.data.projectId);
    if (current && event.streamVersion <= current.version) continue;
    const time = event.metadata.time;

    switch (event.type) {
      case 'ProjectCreated': {
        if (current || statusFilter === 'archived') break;
        const { actor } = event.metadata;
        rows.set(event.data.projectId, {
          id: event.data.projectId,
          name: event.data.name,
          description: event.data.description,
          status: 'active',
          version: event.streamVersion,
          createdAt: time,
          updatedAt: time,
          // Same form as the projection's `created_by` column.
          createdBy: `${actor.type}:${actor.id}`,
        });
        break;
      }
      case 'ProjectRenamed':
        if (!current) break;
        rows.set(current.id, { ...current, name: event.data.name, version: event.streamVersion, updatedAt: time });
        break;
      case 'ProjectArchived': {
        if (!current) break;
        const archived: ProjectView = { ...current, status: 'archived', version: event.streamVersion, updatedAt: time };
        if (matchesStatusFilter(archived, statusFilter)) rows.set(current.id, archived);
        else rows.delete(current.id);
        break;
      }
      default: {
        const unhandled: never = event;
        throw new Error(`applyProjectEvents: unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  }

  return [...rows.values()].sort(compareProjects);
}

export const PROJECTS_TOPIC: EventTopic = { kind: 'type', prefix: 'Project' };

/**
 * Every project the user may read (active and archived), live: a view filters it by status with
 * `matchesStatusFilter`, so archiving moves a row between filters without a request.
 */
export function projectListSource(read: () => Promise<ProjectList>): LiveListSource<ProjectView> {
  return {
    topics: [PROJECTS_TOPIC],
    read: async () => {
      const { projects, position } = await read();
      return { items: projects, position };
    },
    fold: (items, events) => ({ items: applyProjectEvents(items, events, 'all') }),
  };
}
