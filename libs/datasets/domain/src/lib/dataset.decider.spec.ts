import type { DatasetEvent, DatasetSnapshotCreated } from '@camel/contracts';
import { deciderSpec } from '@camel/kernel/testing';
import { datasetDecider, datasetIdFor, type DatasetCommand } from './dataset.decider';
import { materialize, materializeImported } from './pairs';

const spec = deciderSpec(datasetDecider);
const projectId = 'p1';
const datasetId = datasetIdFor(projectId, 'prefs');
const split = { testRatio: 0.2, seed: 7 };
const pairs = materializeImported(
  [
    { prompt: [{ role: 'user', content: 'q1' }], chosen: 'good', rejected: 'bad' },
    { prompt: [{ role: 'user', content: 'q2' }], chosen: 'yes', rejected: 'no' },
  ],
  split,
);
const snapshot = (over: Partial<Extract<DatasetCommand, { type: 'CreateSnapshot' }>> = {}): DatasetCommand => ({
  type: 'CreateSnapshot',
  datasetId,
  projectId,
  name: 'prefs',
  split,
  selection: { kind: 'queue', queueId: '0190f1c2-0000-7000-8000-00000000000a' },
  logPosition: 40,
  projectStatus: 'active',
  materialized: pairs,
  ...over,
});
const header = { datasetId, projectId, name: 'prefs', description: null, split };
const v1: DatasetSnapshotCreated = {
  type: 'DatasetSnapshotCreated',
  data: { ...header, version: 1, selection: { kind: 'queue', queueId: '0190f1c2-0000-7000-8000-00000000000a' }, logPosition: 40, pairing: 2, contentHash: pairs.contentHash, counts: pairs.counts, lineage: pairs.lineage },
};

describe('dataset decider', () => {
  it('derives one id per project and name', () => {
    expect(datasetIdFor('p1', 'prefs')).toBe(datasetId);
    expect(datasetIdFor('p2', 'prefs')).not.toBe(datasetId);
    expect(datasetIdFor('p1', 'other')).not.toBe(datasetId);
  });

  it('records a snapshot as version 1, then 2 on the same name', () => {
    spec.given([]).when(snapshot()).then([v1]);
    spec
      .given([v1])
      .when(snapshot({ logPosition: 90 }))
      .then([{ ...v1, data: { ...v1.data, version: 2, logPosition: 90 } }]);
  });

  it('refuses an empty selection, naming it', () =>
    spec
      .given([])
      .when(snapshot({ materialized: materialize({ candidates: [], ties: 3 }, split) }))
      .thenThrows({ kind: 'validation', code: 'dataset.empty', field: 'selection.queueId' }));

  it.each([
    ['an archived project', { projectStatus: 'archived' as const }, { kind: 'conflict', code: 'project.archived' }],
    ['an unknown project', { projectStatus: 'none' as const }, { kind: 'not-found', code: 'project.not-found' }],
    ['a blank name', { name: '  ' }, { kind: 'validation', field: 'name' }],
    ['a ratio of 1', { split: { testRatio: 1, seed: 1 } }, { kind: 'validation', field: 'split.testRatio' }],
    ['a fractional seed', { split: { testRatio: 0.1, seed: 0.5 } }, { kind: 'validation', field: 'split.seed' }],
    ['an unknown filter field', { selection: { kind: 'filter', filter: { colour: 'red' } } as never }, { kind: 'validation', field: 'selection.filter.colour' }],
    ['a bad date', { selection: { kind: 'filter', filter: { from: 'soon' } } as never }, { kind: 'validation', field: 'selection.filter.from' }],
    ['an unknown role', { selection: { kind: 'filter', filter: { role: 'critic' } } as never }, { kind: 'validation', field: 'selection.filter.role' }],
  ])('refuses %s', (_label, over, error) => spec.given([]).when(snapshot(over)).thenThrows(error));

  it('imports in chunks of 1000 pairs, then the version', () => {
    const many = materializeImported(
      Array.from({ length: 2500 }, (_, i) => ({ prompt: [{ role: 'user' as const, content: `q${i}` }], chosen: 'a', rejected: 'b' })),
      split,
    );
    const events = datasetDecider.decide({ type: 'ImportDataset', datasetId, projectId, name: 'prefs', split, projectStatus: 'active', materialized: many }, datasetDecider.initialState, {
      now: new Date(),
    }) as DatasetEvent[];
    expect(events.map((e) => [e.type, e.type === 'DatasetPairsImported' ? [e.data.offset, e.data.pairs.length] : e.data.version])).toEqual([
      ['DatasetPairsImported', [0, 1000]],
      ['DatasetPairsImported', [1000, 1000]],
      ['DatasetPairsImported', [2000, 500]],
      ['DatasetImported', 1],
    ]);
  });
});
