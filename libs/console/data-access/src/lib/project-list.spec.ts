import type { ProjectEvent, ProjectView, RecordedEvent } from '@camel/contracts';
import { applyProjectEvents, type ProjectStatusFilter } from './project-list';

const T0 = '2026-01-01T10:00:00.000Z';
const T1 = '2026-01-01T11:00:00.000Z';
const T2 = '2026-01-01T12:00:00.000Z';

let nextPosition = 100;

/** A stored event as the gateway delivers it; position grows with every call unless given. */
function recorded(
  event: ProjectEvent | { type: string; data: unknown },
  streamVersion: number,
  options: { time?: string; position?: number } = {},
): RecordedEvent {
  nextPosition += 1;
  const projectId = (event.data as { projectId: string }).projectId;
  return {
    position: options.position ?? nextPosition,
    streamId: `project-${projectId}`,
    streamType: 'project',
    streamVersion,
    id: `evt-${nextPosition}`,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: { actor: { type: 'user', id: 'alice' }, projectId, correlationId: 'c1', time: options.time ?? T0 },
    hash: 'h',
    recordedAt: options.time ?? T0,
  };
}

const created = (projectId: string, name: string, time = T0, version = 1) =>
  recorded({ type: 'ProjectCreated', data: { projectId, name, description: `about ${projectId}` } }, version, { time });
const renamed = (projectId: string, name: string, version: number, time = T1) =>
  recorded({ type: 'ProjectRenamed', data: { projectId, name, previousName: '?' } }, version, { time });
const archived = (projectId: string, version: number, time = T2) =>
  recorded({ type: 'ProjectArchived', data: { projectId } }, version, { time });

function row(id: string, name: string, patch: Partial<ProjectView> = {}): ProjectView {
  return {
    id,
    name,
    description: `about ${id}`,
    status: 'active',
    version: 1,
    createdAt: T0,
    updatedAt: T0,
    createdBy: 'user:alice',
    ...patch,
  };
}

/** given(list).when(events, filter).then(list) */
function given(list: readonly ProjectView[]) {
  return {
    when(events: readonly RecordedEvent[], filter: ProjectStatusFilter = 'active') {
      const frozen = Object.freeze(list.map((project) => Object.freeze({ ...project })));
      const result = applyProjectEvents(frozen, events, filter);
      return {
        then(expected: readonly ProjectView[]) {
          expect(result).toEqual(expected);
        },
        thenNames(expected: readonly string[]) {
          expect(result.map((project) => project.name)).toEqual(expected);
        },
      };
    },
  };
}

describe('applyProjectEvents', () => {
  describe('ProjectCreated', () => {
    it('adds the project as an active row with the creator, times and version of the event', () => {
      given([]).when([created('p1', 'Alpha', T1)]).then([
        row('p1', 'Alpha', { createdAt: T1, updatedAt: T1, createdBy: 'user:alice' }),
      ]);
    });

    it('keeps the api order: creation time, then id', () => {
      given([row('b', 'Late', { createdAt: T2 })])
        .when([created('c', 'Early', T0), created('a', 'Same time, lower id', T2)])
        .thenNames(['Early', 'Same time, lower id', 'Late']);
    });

    it('ignores a creation the list already reflects (delivered again after the checkpoint)', () => {
      const list = [row('p1', 'Renamed since', { version: 2, updatedAt: T1 })];
      given(list).when([created('p1', 'Original')]).then(list);
    });

    it('does not add a new project to an archived list', () => {
      given([]).when([created('p1', 'Alpha')], 'archived').then([]);
    });

    it('adds a new project to an all list', () => {
      given([]).when([created('p1', 'Alpha')], 'all').thenNames(['Alpha']);
    });
  });

  describe('ProjectRenamed', () => {
    it('updates the name, version and update time', () => {
      given([row('p1', 'Alpha')]).when([renamed('p1', 'Beta', 2, T1)]).then([
        row('p1', 'Beta', { version: 2, updatedAt: T1 }),
      ]);
    });

    it('ignores a rename whose version the row already has or has passed', () => {
      const list = [row('p1', 'Gamma', { version: 3, updatedAt: T2 })];
      given(list).when([renamed('p1', 'Beta', 2), renamed('p1', 'Gamma (dup)', 3)]).then(list);
    });

    it('applies the same batch twice without changing the result', () => {
      const events = [created('p1', 'Alpha'), renamed('p1', 'Beta', 2)];
      const once = applyProjectEvents([], events, 'active');
      expect(applyProjectEvents(once, events, 'active')).toEqual(once);
    });

    it('ignores a rename of a project the list does not hold', () => {
      given([row('p1', 'Alpha')]).when([renamed('other', 'Beta', 2)]).thenNames(['Alpha']);
    });

    it('applies a later version even when an intermediate one is missing', () => {
      given([row('p1', 'Alpha')]).when([renamed('p1', 'Delta', 4)]).then([
        row('p1', 'Delta', { version: 4, updatedAt: T1 }),
      ]);
    });
  });

  describe('ProjectArchived', () => {
    it('drops the project from an active list', () => {
      given([row('p1', 'Alpha'), row('p2', 'Beta')]).when([archived('p1', 2)]).thenNames(['Beta']);
    });

    it('marks the project archived in an all list', () => {
      given([row('p1', 'Alpha')]).when([archived('p1', 2, T2)], 'all').then([
        row('p1', 'Alpha', { status: 'archived', version: 2, updatedAt: T2 }),
      ]);
    });

    it('cannot add a project missing from an archived list (the event holds only the id)', () => {
      given([]).when([archived('p1', 2)], 'archived').then([]);
    });

    it('ignores an archive the archived list already reflects', () => {
      const list = [row('p1', 'Alpha', { status: 'archived', version: 2, updatedAt: T2 })];
      given(list).when([archived('p1', 2, '2030-01-01T00:00:00.000Z')], 'archived').then(list);
    });

    it('a rename after the archive still applies in an all list', () => {
      given([row('p1', 'Alpha', { status: 'archived', version: 2 })])
        .when([renamed('p1', 'Beta', 3, T2)], 'all')
        .then([row('p1', 'Beta', { status: 'archived', version: 3, updatedAt: T2 })]);
    });
  });

  describe('order and duplicates', () => {
    it('applies a batch in position order whatever order it arrives in', () => {
      const create = created('p1', 'Alpha');
      const rename = renamed('p1', 'Beta', 2);
      given([]).when([rename, create]).then([row('p1', 'Beta', { version: 2, updatedAt: T1 })]);
    });

    it('a whole life in one batch on an active list ends with no row', () => {
      given([]).when([created('p1', 'Alpha'), renamed('p1', 'Beta', 2), archived('p1', 3)]).then([]);
    });

    it('the same whole life on an all list ends with the archived row', () => {
      given([])
        .when([created('p1', 'Alpha'), renamed('p1', 'Beta', 2), archived('p1', 3)], 'all')
        .then([row('p1', 'Beta', { status: 'archived', version: 3, updatedAt: T2 })]);
    });

    it('a list read after an archive, then replayed from an older checkpoint, stays right', () => {
      // The list already lacks p1 (archived); the replay creates then drops it again.
      given([row('p2', 'Kept')])
        .when([created('p1', 'Alpha'), archived('p1', 2), created('p2', 'Kept')])
        .thenNames(['Kept']);
    });

    it('skips event types it does not know', () => {
      const future = recorded({ type: 'ProjectMemberAdded', data: { projectId: 'p1', member: 'bob' } }, 2);
      given([row('p1', 'Alpha')]).when([future]).then([row('p1', 'Alpha')]);
    });

    it('never mutates its inputs', () => {
      const list = [row('p1', 'Alpha')];
      const events = [renamed('p1', 'Beta', 2), created('p0', 'Zero')];
      const snapshot = JSON.stringify({ list, events });
      applyProjectEvents(list, events, 'active');
      expect(JSON.stringify({ list, events })).toBe(snapshot);
    });
  });
});
