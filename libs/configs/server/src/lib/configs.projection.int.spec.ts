import { configSetDecider, type ConfigCommand } from '@camel/configs';
import { configStreamId, projectStreamId, type Actor, type ConfigFiles } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { sampleFiles } from '@camel/workflows/testing';
import { ConfigVersionRecord } from './config-version.entity';
import { configsProjection } from './configs.projection';
import { ConfigsReadModel } from './configs.read-model';

const P1 = '0190a000-0000-7000-8000-000000000011';
const P2 = '0190a000-0000-7000-8000-000000000012';
const ALICE: Actor = { type: 'user', id: 'u-alice' };

const V1: ConfigFiles = sampleFiles();
const V2: ConfigFiles = { ...V1, 'agents.yaml': `${V1['agents.yaml']}\n# tuned temperatures\n` };

describe.each(ENGINES)('configs projection on %s', (engine) => {
  const spec = projectionSpec(engine, configsProjection);
  let timeline: EventTimeline;
  const configs = (command: ConfigCommand, actor: Actor = ALICE) =>
    timeline.decide(configSetDecider, configStreamId(command.projectId), command, { actor, projectId: command.projectId });
  const save = (projectId: string, baseVersion: number, files: ConfigFiles, message: string, source: 'edit' | 'import' | 'sync' = 'edit') =>
    configs({ type: 'SaveConfigVersion', projectStatus: 'active', projectId, baseVersion, files, message, source });

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('keeps every saved version of every project, with its files, message, source and actor', async () => {
    save(P1, 0, V1, 'samples', 'import');
    save(P2, 0, V1, 'first', 'sync');
    save(P1, 1, V2, 'tune temperatures');
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(ConfigVersionRecord, { order: { projectId: 'ASC', version: 'ASC' } })).toEqual([
        { projectId: P1, version: 1, message: 'samples', source: 'import', restoredFrom: null, actor: 'user:u-alice', createdAt: timelineTime(0), files: V1 },
        { projectId: P1, version: 2, message: 'tune temperatures', source: 'edit', restoredFrom: null, actor: 'user:u-alice', createdAt: timelineTime(2), files: V2 },
        { projectId: P2, version: 1, message: 'first', source: 'sync', restoredFrom: null, actor: 'user:u-alice', createdAt: timelineTime(1), files: V1 },
      ]);
    });
  });

  it('a restore is a new version holding the old files, naming the version it restored', async () => {
    save(P1, 0, V1, 'samples', 'import');
    save(P1, 1, V2, 'tune temperatures');
    configs({ type: 'RestoreConfigVersion', projectStatus: 'active', projectId: P1, version: 1, baseVersion: 2 }, { type: 'api-key', id: 'k-ci' });
    await spec.given(timeline).then(async ({ manager, dataSource }) => {
      const restored = { projectId: P1, version: 3, message: 'restore version 1', source: 'restore', restoredFrom: 1, actor: 'api-key:k-ci', createdAt: timelineTime(2), files: V1 };
      expect(await manager.findOneBy(ConfigVersionRecord, { projectId: P1, version: 3 })).toEqual(restored);
      const readModel = new ConfigsReadModel(dataSource.getRepository(ConfigVersionRecord));
      expect(await readModel.latest(P1)).toEqual(restored);
      expect((await readModel.history(P1)).map((v) => [v.version, v.source, v.restoredFrom])).toEqual([
        [3, 'restore', 1],
        [2, 'edit', null],
        [1, 'import', null],
      ]);
    });
  });

  it("other streams' events add no version", async () => {
    timeline.record(projectStreamId(P1), [{ type: 'ProjectCreated', data: { projectId: P1, name: 'Alpha', description: '' } }], { projectId: P1 });
    save(P1, 0, V1, 'samples', 'import');
    timeline.record(projectStreamId(P1), [{ type: 'ProjectRenamed', data: { projectId: P1, name: 'Beta', previousName: 'Alpha' } }], { projectId: P1 });
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(ConfigVersionRecord)).toEqual([
        { projectId: P1, version: 1, message: 'samples', source: 'import', restoredFrom: null, actor: 'user:u-alice', createdAt: timelineTime(1), files: V1 },
      ]);
    });
  });
});
