import { diffConfigSets, diffLines } from './diff';

/** Applies a diff to `a`; must give `b`. */
const apply = (chunks: ReturnType<typeof diffLines>) => chunks.flatMap((c) => (c.op === 'remove' ? [] : c.lines));
const source = (chunks: ReturnType<typeof diffLines>) => chunks.flatMap((c) => (c.op === 'add' ? [] : c.lines));
const edits = (chunks: ReturnType<typeof diffLines>) => chunks.filter((c) => c.op !== 'equal').reduce((sum, c) => sum + c.lines.length, 0);

describe('diffLines', () => {
  it('finds the minimal edit of a changed line', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c'])).toEqual([
      { op: 'equal', lines: ['a'] },
      { op: 'remove', lines: ['b'] },
      { op: 'add', lines: ['x'] },
      { op: 'equal', lines: ['c'] },
    ]);
  });

  it('handles empty sides', () => {
    expect(diffLines([], ['a'])).toEqual([{ op: 'add', lines: ['a'] }]);
    expect(diffLines(['a'], [])).toEqual([{ op: 'remove', lines: ['a'] }]);
    expect(diffLines([], [])).toEqual([]);
  });

  it('reconstructs both sides and is minimal on random edits (LCS length check)', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const lcs = (a: string[], b: string[]) => {
      const row = new Array(b.length + 1).fill(0);
      for (const x of a) {
        let diagonal = 0;
        for (let j = 1; j <= b.length; j += 1) {
          const above = row[j];
          row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
          diagonal = above;
        }
      }
      return row[b.length];
    };
    for (let round = 0; round < 200; round += 1) {
      const a = Array.from({ length: Math.floor(random() * 30) }, () => 'abcde'[Math.floor(random() * 5)]);
      const b = Array.from({ length: Math.floor(random() * 30) }, () => 'abcde'[Math.floor(random() * 5)]);
      const chunks = diffLines(a, b);
      expect(source(chunks)).toEqual(a);
      expect(apply(chunks)).toEqual(b);
      expect(edits(chunks)).toBe(a.length + b.length - 2 * lcs(a, b));
    }
  });
});

describe('diffConfigSets', () => {
  it('reports added, removed, changed and unchanged files', () => {
    const diff = diffConfigSets({ 'agents.yaml': 'a\nb\n', 'workflows/x.yaml': 'x\n', 'workflows/same.yaml': 's\n' }, { 'agents.yaml': 'a\nc\n', 'workflows/y.yaml': 'y\n', 'workflows/same.yaml': 's\n' });
    expect(diff.map((f) => [f.path, f.status])).toEqual([
      ['agents.yaml', 'changed'],
      ['workflows/same.yaml', 'unchanged'],
      ['workflows/x.yaml', 'removed'],
      ['workflows/y.yaml', 'added'],
    ]);
  });
});
