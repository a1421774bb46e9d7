import type { ModelEvent, ModelRegistered } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { MODEL_TAGS_MAX, modelDecider, type ModelCommand } from './model.decider';

const spec = deciderSpec(modelDecider);
const architecture = { family: 'llama' as const, parameters: 1000, hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, vocabSize: 300, contextLength: 128 };
const lineage = { baseModelId: 'starter', trainingRunId: 'run-1', datasetId: 'd1', datasetVersion: 2, method: 'dpo' as const, lora: null };
const register = (over: Partial<Extract<ModelCommand, { type: 'RegisterModel' }>> = {}): ModelCommand => ({
  type: 'RegisterModel',
  modelId: 'm1',
  projectId: 'p1',
  name: 'helper-v1',
  source: 'training',
  description: '  tuned  ',
  path: 'm1',
  weightsSha256: 'ab'.repeat(32),
  architecture,
  lineage,
  metrics: { loss: 0.5 },
  projectStatus: 'active',
  nameTakenBy: null,
  ...over,
});
const registered: ModelRegistered = {
  type: 'ModelRegistered',
  data: { modelId: 'm1', projectId: 'p1', name: 'helper-v1', source: 'training', description: 'tuned', path: 'm1', weightsSha256: 'ab'.repeat(32), architecture, lineage, metrics: { loss: 0.5 } },
};
const tagged = (tag: string): ModelEvent => ({ type: 'ModelTagged', data: { modelId: 'm1', tag } });
const untagged = (tag: string): ModelEvent => ({ type: 'ModelUntagged', data: { modelId: 'm1', tag } });

describe('model decider', () => {
  it('registers a model', () => spec.given([]).when(register()).then([registered]));

  it('is idempotent for the same model and training run (a job registering again after a crash)', () => spec.given([registered]).when(register()).then([]));

  it('refuses the same id for another run or an import', () => {
    spec.given([registered]).when(register({ lineage: { ...lineage, trainingRunId: 'run-2' } })).thenThrows({ kind: 'conflict', code: 'model.exists' });
    spec.given([{ ...registered, data: { ...registered.data, source: 'import', lineage: { ...lineage, trainingRunId: null } } }]).when(register({ source: 'import', lineage: { ...lineage, trainingRunId: null } })).thenThrows({ kind: 'conflict', code: 'model.exists' });
  });

  it.each([
    ['a name another active model has', { nameTakenBy: 'm0' }, { kind: 'conflict', code: 'model.name.taken', field: 'name' }],
    ['an upper-case name', { name: 'Helper' }, { kind: 'validation', field: 'name' }],
    ['an empty name', { name: '' }, { kind: 'validation', field: 'name' }],
    ['a 65-character name', { name: 'a'.repeat(65) }, { kind: 'validation', field: 'name' }],
    ['a long description', { description: 'x'.repeat(2001) }, { kind: 'validation', field: 'description' }],
    ['an archived project', { projectStatus: 'archived' as const }, { kind: 'conflict', code: 'project.archived' }],
    ['an unknown project', { projectStatus: 'none' as const }, { kind: 'not-found', code: 'project.not-found' }],
  ])('refuses %s', (_label, over, error) => spec.given([]).when(register(over)).thenThrows(error));

  it('accepts its own name as taken by itself', () => spec.given([]).when(register({ nameTakenBy: 'm1' })).then([registered]));

  it('tags once, untags, and names the tag when it is bad', () => {
    spec.given([registered]).when({ type: 'TagModel', modelId: 'm1', tag: 'production' }).then([tagged('production')]);
    spec.given([registered, tagged('production')]).when({ type: 'TagModel', modelId: 'm1', tag: 'production' }).then([]);
    spec.given([registered, tagged('production')]).when({ type: 'UntagModel', modelId: 'm1', tag: 'production' }).then([untagged('production')]);
    spec.given([registered]).when({ type: 'UntagModel', modelId: 'm1', tag: 'production' }).thenThrows({ kind: 'not-found', code: 'model.tag.not-found' });
    spec.given([registered]).when({ type: 'TagModel', modelId: 'm1', tag: 'Prod!' }).thenThrows({ kind: 'validation', field: 'tag' });
  });

  it(`allows at most ${MODEL_TAGS_MAX} tags`, () => {
    const many = Array.from({ length: MODEL_TAGS_MAX }, (_, i) => tagged(`t${i}`));
    spec.given([registered, ...many]).when({ type: 'TagModel', modelId: 'm1', tag: 'one-more' }).thenThrows({ kind: 'validation', code: 'model.tags.too-many', field: 'tag' });
  });

  it('archives once, dropping the tags; an archived model takes no tag', () => {
    const archived: ModelEvent = { type: 'ModelArchived', data: { modelId: 'm1' } };
    spec.given([registered, tagged('production'), tagged('eval')]).when({ type: 'ArchiveModel', modelId: 'm1' }).then([untagged('production'), untagged('eval'), archived]);
    spec.given([registered, archived]).when({ type: 'ArchiveModel', modelId: 'm1' }).then([]);
    spec.given([registered, archived]).when({ type: 'TagModel', modelId: 'm1', tag: 'production' }).thenThrows({ kind: 'conflict', code: 'model.archived' });
  });

  it('answers not found for a model that does not exist', () => {
    spec.given([]).when({ type: 'TagModel', modelId: 'm1', tag: 'x' }).thenThrows({ kind: 'not-found', code: 'model.not-found' });
    spec.given([]).when({ type: 'ArchiveModel', modelId: 'm1' }).thenThrows({ kind: 'not-found', code: 'model.not-found' });
  });
});
