import { materialize, type Materialized } from '@camel/datasets';
import { SnapshotHandoff, type SnapshotKey } from './snapshot-handoff';

const key: SnapshotKey = { datasetId: 'd1', selection: { kind: 'filter', filter: { runId: 'r1' } }, logPosition: 10, split: { testRatio: 0.1, seed: 1 } };
const pairs = (chosen: string): Materialized =>
  materialize(
    {
      candidates: [{ prompt: [{ role: 'user', content: 'q' }], chosen, rejected: 'no', source: 'correction', entryId: 'r1:turn-1', annotationIds: ['a1'], runIds: ['r1'], configVersions: [1] }],
      ties: 0,
    },
    key.split,
  );

describe('the snapshot hand-off between the handler and the projection', () => {
  it('gives the offered pairs once, to the event of the same dataset, selection, position, split and hash', () => {
    const handoff = new SnapshotHandoff();
    const made = pairs('yes');
    handoff.offer(key, made);
    expect(handoff.take({ ...key, logPosition: 11 }, made.contentHash)).toBeUndefined();
    expect(handoff.take({ ...key, split: { testRatio: 0.1, seed: 2 } }, made.contentHash)).toBeUndefined();
    expect(handoff.take({ ...key, selection: { kind: 'queue', queueId: 'q' } }, made.contentHash)).toBeUndefined();
    expect(handoff.take(key, made.contentHash)).toBe(made);
    expect(handoff.take(key, made.contentHash)).toBeUndefined();
    expect(handoff.size).toBe(0);
  });

  it('never hands over pairs of another hash (the projection then materializes from the log)', () => {
    const handoff = new SnapshotHandoff();
    handoff.offer(key, pairs('yes'));
    expect(handoff.take(key, pairs('other').contentHash)).toBeUndefined();
    expect(handoff.size).toBe(0);
  });

  it('withdraws only its own offer: one a concurrent identical request made since stays', () => {
    const handoff = new SnapshotHandoff();
    const first = pairs('yes');
    const second = pairs('yes');
    handoff.offer(key, first);
    handoff.offer(key, second);
    handoff.withdraw(key, first);
    expect(handoff.take(key, second.contentHash)).toBe(second);
    handoff.offer(key, first);
    handoff.withdraw(key, first);
    expect(handoff.size).toBe(0);
  });
});
