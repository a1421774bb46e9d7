import type { ChatMessage } from '@camel/contracts';
import type { EntryFacts } from './entries';
import { contentHashOf, derivePairs, materialize, splitOf, type CountedAnswer } from './pairs';

const prompt: ChatMessage[] = [
  { role: 'system', content: 'You write Python.' },
  { role: 'user', content: 'Instruction: write it.' },
];
const entry = (entryId: string, content: string, runId = 'r1'): EntryFacts => ({
  entryId,
  runId,
  workflow: 'w',
  configVersion: 3,
  agent: 'programmer',
  role: 'assistant',
  model: 'm',
  reason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  content,
  prompt,
});
const entries = new Map([
  ['r1:turn-2', entry('r1:turn-2', 'original')],
  ['r1:alt-1', entry('r1:alt-1', 'alternative')],
]);
const facts = (id: string) => entries.get(id);
const answer = (annotationId: string, value: CountedAnswer['value']): CountedAnswer => ({ entryId: 'r1:turn-2', runId: 'r1', annotationIds: [annotationId], value });
const pairwise = (choice: 'A' | 'B' | 'equal' | 'both_bad') => ({ preference: { alternativeEntryId: 'r1:alt-1', choice } });

describe('preference pairs', () => {
  it('A chooses the entry, B the alternative, under the entry’s prompt; equal and both_bad are ties', () => {
    const derived = derivePairs([answer('a', pairwise('A')), answer('b', pairwise('B')), answer('c', pairwise('equal')), answer('d', pairwise('both_bad'))], facts);
    expect(derived.ties).toBe(2);
    expect(derived.candidates.map((p) => [p.chosen, p.rejected, p.prompt])).toEqual([
      ['original', 'alternative', prompt],
      ['alternative', 'original', prompt],
    ]);
  });

  it('a correction is chosen over the original; one equal to the original makes nothing', () => {
    const derived = derivePairs([answer('a', { correction: 'better' }), answer('b', { correction: 'original' })], facts);
    expect(derived.candidates).toEqual([expect.objectContaining({ chosen: 'better', rejected: 'original', source: 'correction', annotationIds: ['a'], configVersions: [3] })]);
  });

  it('an answer on an unknown entry or alternative makes nothing', () => {
    expect(derivePairs([{ ...answer('a', { correction: 'x' }), entryId: 'r9:turn-1' }], facts).candidates).toEqual([]);
    expect(derivePairs([answer('a', { preference: { alternativeEntryId: 'r1:nope', choice: 'A' } })], facts).candidates).toEqual([]);
  });

  it('merges duplicates keeping every annotation, and gives the same bytes whatever the order', () => {
    const answers = [answer('a', pairwise('B')), answer('b', pairwise('B')), answer('c', { correction: 'better' })];
    const forward = materialize(derivePairs(answers, facts), { testRatio: 0.5, seed: 1 });
    const backward = materialize(derivePairs([...answers].reverse(), facts), { testRatio: 0.5, seed: 1 });
    expect(forward).toEqual(backward);
    expect(forward.counts).toEqual({ pairs: 2, tiesSkipped: 0, duplicatesRemoved: 1, conflictsSkipped: 0, train: forward.counts.train, test: forward.counts.test });
    expect(forward.counts.train + forward.counts.test).toBe(2);
    expect(forward.pairs.find((p) => p.source === 'pairwise')?.annotationIds).toEqual(['a', 'b']);
    expect(forward.lineage).toEqual({ annotations: 3, runIds: ['r1'], configVersions: [3] });
    expect(forward.contentHash).toBe(contentHashOf(forward.pairs));
  });

  it('settles a disagreement: the majority’s pair stays, a tie keeps neither; pairing 1 (versions made before) keeps both', () => {
    const split = { testRatio: 0, seed: 1 };
    const tie = materialize(derivePairs([answer('a', pairwise('A')), answer('b', pairwise('B')), answer('c', { correction: 'better' })], facts), split);
    expect(tie.pairs.map((p) => [p.chosen, p.rejected])).toEqual([['better', 'original']]);
    expect(tie.counts).toMatchObject({ pairs: 1, conflictsSkipped: 2, duplicatesRemoved: 0 });
    const majority = materialize(derivePairs([answer('a', pairwise('A')), answer('b', pairwise('B')), answer('c', pairwise('B'))], facts), split);
    expect(majority.pairs.map((p) => [p.chosen, p.rejected, p.annotationIds])).toEqual([['alternative', 'original', ['b', 'c']]]);
    expect(majority.counts).toMatchObject({ pairs: 1, conflictsSkipped: 1, duplicatesRemoved: 1 });
    // A reviewer's decision beats any number of answers.
    const decided = materialize(derivePairs([answer('a', pairwise('B')), answer('b', pairwise('B')), { ...answer('c', pairwise('A')), adjudicated: true }], facts), split);
    expect(decided.pairs.map((p) => [p.chosen, p.rejected])).toEqual([['original', 'alternative']]);
    const before = materialize(derivePairs([answer('a', pairwise('A')), answer('b', pairwise('B'))], facts), split, 1);
    expect(before.pairs).toHaveLength(2);
    expect(before.counts).not.toHaveProperty('conflictsSkipped');
  });

  it('splits by seed: the same seed the same split, the ratio roughly kept', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => `key-${i}`);
    const a = keys.map((k) => splitOf(k, { testRatio: 0.25, seed: 9 }));
    expect(keys.map((k) => splitOf(k, { testRatio: 0.25, seed: 9 }))).toEqual(a);
    expect(keys.map((k) => splitOf(k, { testRatio: 0.25, seed: 10 }))).not.toEqual(a);
    const test = a.filter((s) => s === 'test').length / keys.length;
    expect(test).toBeGreaterThan(0.2);
    expect(test).toBeLessThan(0.3);
    expect(keys.every((k) => splitOf(k, { testRatio: 0, seed: 9 }) === 'train')).toBe(true);
  });
});
