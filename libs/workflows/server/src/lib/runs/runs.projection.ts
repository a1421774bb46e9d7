import { RUN_EVENT_TYPES, type RecordedEvent, type RunEvent } from '@camel/contracts';
import type { ReadModelProjection } from '@camel/server';
import { evolveRun, initialRunState, isRun } from '@camel/workflows';
import type { EntityManager } from 'typeorm';
import { RunRecord } from './run.entity';
import { runView } from './run-view';

const asRunEvent = (recorded: RecordedEvent) => ({ type: recorded.type, data: recorded.data }) as RunEvent;

/** One row per run: its folded state and its view (status, task, turns, tokens, what it awaits). */
export const runsProjection: ReadModelProjection = {
  name: 'runs',
  // 3: views carry regenerationsPending.
  version: 3,
  entities: [RunRecord],
  eventTypes: RUN_EVENT_TYPES,

  async apply(manager: EntityManager, recorded: RecordedEvent) {
    const runs = manager.getRepository(RunRecord);
    const event = asRunEvent(recorded);
    const time = recorded.metadata.time;
    const existing = event.type === 'RunStarted' ? null : await runs.findOneBy({ id: event.data.runId });
    if (event.type !== 'RunStarted' && !existing) throw new Error(`runs projection: ${event.type} for unknown run ${event.data.runId}`);
    if (existing && existing.version >= recorded.streamVersion) return;
    const state = evolveRun(existing?.state ?? initialRunState, event);
    if (!isRun(state)) return;
    const createdAt = existing?.createdAt ?? time;
    const createdBy = existing?.view.createdBy ?? `${recorded.metadata.actor.type}:${recorded.metadata.actor.id}`;
    const view = runView(state, { version: recorded.streamVersion, createdAt, updatedAt: time, createdBy });
    const row = { projectId: state.projectId, workflow: state.workflow, status: state.status, version: recorded.streamVersion, createdAt, updatedAt: time, view, state };
    if (existing) await runs.update(state.runId, row);
    else await runs.insert({ id: state.runId, ...row });
  },
};
