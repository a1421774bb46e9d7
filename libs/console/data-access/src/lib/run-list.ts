import type { EventTopic, RecordedEvent, RunList, RunStatus, RunView } from '@camel/contracts';
import type { LiveListSource } from './live-list';
import { evolveRunView, isRunEvent, runIdOf } from './run-view';

/** Newest first, like `GET …/runs` (ISO times and ids compare as plain strings). */
export function compareRuns(a: RunView, b: RunView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  if (a.id !== b.id) return a.id < b.id ? 1 : -1;
  return 0;
}

/** Statuses in which a run still changes by itself. */
export const isActiveRun = (run: Pick<RunView, 'status'>): boolean => run.status !== 'completed' && run.status !== 'cancelled';

/**
 * Keeps one project's run list current from the project's events, like the runs projection: a
 * `RunStarted` adds the row, every later event of a run moves its row (status, turns, tokens,
 * termination reason). Idempotent by stream version (an event at or below the row's `version` is
 * already in it); events of runs the list lacks are skipped unless they start the run, since only
 * `RunStarted` carries a whole row. Each run's events are applied in stream-version order. Pure;
 * returns a new array sorted like the api.
 */
export function applyRunListEvents(list: readonly RunView[], events: readonly RecordedEvent[], projectId: string): RunView[] {
  const rows = new Map<string, RunView>(list.map((run) => [run.id, run]));
  const ordered = events.filter(isRunEvent).sort((a, b) => a.position - b.position);
  for (const event of ordered) {
    if (event.type === 'RunStarted' && event.data.projectId !== projectId) continue;
    if (event.type !== 'RunStarted' && event.metadata.projectId !== undefined && event.metadata.projectId !== projectId) continue;
    const runId = runIdOf(event);
    const current = rows.get(runId) ?? null;
    if (current && event.streamVersion <= current.version) continue;
    const next = evolveRunView(current, event);
    if (next) rows.set(runId, next);
  }
  return [...rows.values()].sort(compareRuns);
}

export interface RunListFilter {
  readonly status?: RunStatus | 'active';
  readonly workflow?: string;
}

/** Whether a run shows under a filter (the list itself holds every run of the project). */
export function matchesRunFilter(run: RunView, filter: RunListFilter): boolean {
  if (filter.workflow && run.workflow !== filter.workflow) return false;
  if (!filter.status) return true;
  return filter.status === 'active' ? isActiveRun(run) : run.status === filter.status;
}

/**
 * Every run of a project, live from the project topic from the list's read position. Views filter
 * it with `matchesRunFilter`, so a run moving between statuses moves between filters without a
 * request.
 */
export function runListSource(projectId: string, read: () => Promise<RunList>): LiveListSource<RunView> {
  const topic: EventTopic = { kind: 'project', projectId };
  return {
    topics: [topic],
    read: async () => {
      const { runs, position } = await read();
      return { items: runs, position };
    },
    fold: (items, events) => ({ items: applyRunListEvents(items, events, projectId) }),
  };
}
