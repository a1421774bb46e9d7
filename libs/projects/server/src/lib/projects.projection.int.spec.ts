import { projectStreamId, type Actor } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { projectDecider, type ProjectCommand } from '@camel/projects';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import type { EntityManager } from 'typeorm';
import { ProjectRecord } from './project.entity';
import { projectsProjection } from './projects.projection';
import { ProjectsReadModel } from './projects.read-model';

const ALICE: Actor = { type: 'user', id: 'u-alice' };
const P1 = '0190a000-0000-7000-8000-000000000001';
const P2 = '0190a000-0000-7000-8000-000000000002';

const rows = (manager: EntityManager) => manager.find(ProjectRecord, { order: { id: 'ASC' } });

describe.each(ENGINES)('projects projection on %s', (engine) => {
  const spec = projectionSpec(engine, projectsProjection);
  let timeline: EventTimeline;
  const project = (command: ProjectCommand, actor: Actor = ALICE) =>
    timeline.decide(projectDecider, projectStreamId(command.projectId), command, { actor, projectId: command.projectId });

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('creates one row per project with its creator, version 1 and both times at creation', async () => {
    project({ type: 'CreateProject', projectId: P1, name: '  Alpha  ', description: 'first' });
    project({ type: 'CreateProject', projectId: P2, name: 'Beta' }, { type: 'api-key', id: 'k-1' });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await rows(manager)).toEqual([
        { id: P1, name: 'Alpha', description: 'first', status: 'active', version: 1, createdAt: timelineTime(0), updatedAt: timelineTime(0), createdBy: 'user:u-alice' },
        { id: P2, name: 'Beta', description: '', status: 'active', version: 1, createdAt: timelineTime(1), updatedAt: timelineTime(1), createdBy: 'api-key:k-1' },
      ]);
    });
  });

  it('a rename and an archive update name, status, version and updated_at; created_at and created_by stay', async () => {
    project({ type: 'CreateProject', projectId: P1, name: 'Alpha' });
    project({ type: 'RenameProject', projectId: P1, name: 'Alpha Prime' }, { type: 'user', id: 'u-bob' });
    project({ type: 'ArchiveProject', projectId: P1 });
    await spec.given(timeline).then(async ({ manager, dataSource, store }) => {
      const row = { id: P1, name: 'Alpha Prime', description: '', status: 'archived', version: 3, createdAt: timelineTime(0), updatedAt: timelineTime(2), createdBy: 'user:u-alice' };
      expect(await rows(manager)).toEqual([row]);
      const readModel = new ProjectsReadModel(dataSource.getRepository(ProjectRecord), store);
      expect(await readModel.standing(P1)).toBe('archived');
      expect(await readModel.list('active', 'all')).toEqual([]);
      expect(await readModel.list('archived', [P1])).toEqual([row]);
    });
  });

  it("membership events of the project stream and other streams' events leave the rows alone (the stream version still counts them)", async () => {
    project({ type: 'CreateProject', projectId: P1, name: 'Alpha' });
    project({ type: 'AddMember', projectId: P1, userId: 'u-bob', role: 'viewer', userStatus: 'active' });
    timeline.record(`user-u-bob`, [{ type: 'UserRenamed', data: { userId: 'u-bob', name: 'Robert' } }]);
    project({ type: 'RenameProject', projectId: P1, name: 'Alpha 2' });
    await spec.given(timeline).then(async ({ manager }) => {
      // The rename is the stream's third event: the member added in between counts in the version.
      expect(await rows(manager)).toEqual([
        { id: P1, name: 'Alpha 2', description: '', status: 'active', version: 3, createdAt: timelineTime(0), updatedAt: timelineTime(3), createdBy: 'user:u-alice' },
      ]);
    });
  });
});
