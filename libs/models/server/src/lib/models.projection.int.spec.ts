import { modelStreamId, type Actor } from '@camel/contracts';
import { ENGINES } from '@camel/event-store/testing';
import { modelDecider, type ModelCommand } from '@camel/models';
import { EventTimeline, projectionSpec, timelineTime } from '@camel/server/testing';
import { ModelRecord, ModelTagRecord } from './model.entities';
import { modelsProjection } from './models.projection';
import { ModelsReadModel } from './models.read-model';

const ALICE: Actor = { type: 'user', id: 'u-alice' };
const P1 = '0190a000-0000-7000-8000-000000000001';
const P2 = '0190a000-0000-7000-8000-000000000002';
const A = '0190b000-0000-7000-8000-00000000000a';
const B = '0190b000-0000-7000-8000-00000000000b';
const C = '0190b000-0000-7000-8000-00000000000c';
const architecture = { family: 'llama' as const, parameters: 1000, hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, vocabSize: 300, contextLength: 128 };
const lineage = { baseModelId: 'starter', trainingRunId: 'run-1', datasetId: 'd1', datasetVersion: 1, method: 'sft' as const, lora: null };

describe.each(ENGINES)('models projection on %s', (engine) => {
  const spec = projectionSpec(engine, modelsProjection);
  let timeline: EventTimeline;
  const model = (command: ModelCommand, projectId = P1) => timeline.decide(modelDecider, modelStreamId(command.modelId), command, { actor: ALICE, projectId });
  const register = (modelId: string, name: string, projectId = P1) =>
    model({ type: 'RegisterModel', modelId, projectId, name, source: 'training', path: modelId, weightsSha256: 'ff'.repeat(32), architecture, lineage: { ...lineage, trainingRunId: `run-${modelId}` }, metrics: { loss: 0.25 }, projectStatus: 'active', nameTakenBy: null }, projectId);

  beforeEach(() => {
    timeline = new EventTimeline();
  });

  it('one row per model with its lineage, metrics and creator', async () => {
    register(A, 'helper');
    await spec.given(timeline).then(async ({ manager }) => {
      expect(await manager.find(ModelRecord)).toEqual([
        expect.objectContaining({ id: A, projectId: P1, name: 'helper', source: 'training', path: A, architecture, lineage: { ...lineage, trainingRunId: `run-${A}` }, metrics: { loss: 0.25 }, archived: false, trainingRunId: `run-${A}`, createdAt: timelineTime(0), createdBy: 'user:u-alice', version: 1 }),
      ]);
    });
  });

  it('a tag names one model per project: tagging B moves it from A, another project keeps its own', async () => {
    register(A, 'a');
    register(B, 'b');
    register(C, 'c', P2);
    model({ type: 'TagModel', modelId: A, tag: 'production' });
    model({ type: 'TagModel', modelId: A, tag: 'eval' });
    model({ type: 'TagModel', modelId: C, tag: 'production' }, P2);
    model({ type: 'TagModel', modelId: B, tag: 'production' });
    // The handler then untags A's stream: a no-op for the registry.
    model({ type: 'UntagModel', modelId: A, tag: 'production' });
    await spec.given(timeline).then(async ({ manager, dataSource, store }) => {
      const tags = await manager.find(ModelTagRecord, { order: { projectId: 'ASC', tag: 'ASC' } });
      expect(tags.map((t) => [t.projectId, t.tag, t.modelId])).toEqual([
        [P1, 'eval', A],
        [P1, 'production', B],
        [P2, 'production', C],
      ]);
      const read = new ModelsReadModel(dataSource.getRepository(ModelRecord), dataSource.getRepository(ModelTagRecord), store);
      expect((await read.get(P1, A))?.view.tags).toEqual(['eval']);
      expect((await read.get(P1, B))?.view.tags).toEqual(['production']);
      expect(await read.tagHolder(P1, 'production')).toBe(B);
      expect(await read.get(P2, A)).toBeNull();
    });
  });

  it('archiving drops the tags and frees the name; the model stays readable by id', async () => {
    register(A, 'helper');
    model({ type: 'TagModel', modelId: A, tag: 'production' });
    model({ type: 'ArchiveModel', modelId: A });
    await spec.given(timeline).then(async ({ manager, dataSource, store }) => {
      expect(await manager.find(ModelTagRecord)).toEqual([]);
      const read = new ModelsReadModel(dataSource.getRepository(ModelRecord), dataSource.getRepository(ModelTagRecord), store);
      expect(await read.activeNamed(P1, 'helper')).toBeNull();
      expect((await read.get(P1, A))?.view).toMatchObject({ archived: true, tags: [] });
      expect(await read.list(P1, false)).toEqual([]);
      expect((await read.list(P1, true)).map((m) => m.view.id)).toEqual([A]);
    });
  });
});
