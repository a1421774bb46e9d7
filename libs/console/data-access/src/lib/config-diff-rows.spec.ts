import type { ConfigFileDiff, DiffChunk } from '@camel/contracts';
import { diffRows } from './config-diff-rows';

const file = (...chunks: DiffChunk[]): ConfigFileDiff => ({ path: 'workflows/a.yaml', status: 'changed', chunks });
const numbered = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

describe('diffRows', () => {
  it('pairs a removal with the addition after it, numbering each side', () => {
    const rows = diffRows(file({ op: 'equal', lines: ['a'] }, { op: 'remove', lines: ['b', 'c'] }, { op: 'add', lines: ['B'] }, { op: 'equal', lines: ['d'] }));
    expect(rows).toEqual([
      { kind: 'equal', left: { line: 1, text: 'a' }, right: { line: 1, text: 'a' } },
      { kind: 'change', left: { line: 2, text: 'b' }, right: { line: 2, text: 'B' } },
      { kind: 'remove', left: { line: 3, text: 'c' } },
      { kind: 'equal', left: { line: 4, text: 'd' }, right: { line: 3, text: 'd' } },
    ]);
  });

  it('shows lone additions and removals on their side only', () => {
    expect(diffRows({ path: 'x', status: 'added', chunks: [{ op: 'add', lines: ['x', 'y'] }] })).toEqual([
      { kind: 'add', right: { line: 1, text: 'x' } },
      { kind: 'add', right: { line: 2, text: 'y' } },
    ]);
    expect(diffRows(file({ op: 'add', lines: ['n'] }, { op: 'remove', lines: ['o'] }))).toEqual([
      { kind: 'add', right: { line: 1, text: 'n' } },
      { kind: 'remove', left: { line: 1, text: 'o' } },
    ]);
  });

  it('cuts long unchanged runs to the context around changes', () => {
    const rows = diffRows(
      file({ op: 'equal', lines: numbered('s', 10) }, { op: 'add', lines: ['new'] }, { op: 'equal', lines: numbered('m', 10) }, { op: 'remove', lines: ['old'] }, { op: 'equal', lines: numbered('e', 10) }),
      2,
    );
    expect(rows.map((row) => (row.kind === 'skip' ? `…${row.count}` : row.kind === 'add' ? `+${row.right.text}` : row.kind === 'remove' ? `-${row.left.text}` : `${row.kind === 'equal' ? row.left.text : '?'}`))).toEqual([
      '…8',
      's9',
      's10',
      '+new',
      'm1',
      'm2',
      '…6',
      'm9',
      'm10',
      '-old',
      'e1',
      'e2',
      '…8',
    ]);
    const last = rows.at(-2);
    expect(last).toEqual({ kind: 'equal', left: { line: 23, text: 'e2' }, right: { line: 23, text: 'e2' } });
  });

  it('shows every line of an unchanged file', () => {
    const rows = diffRows({ path: 'x', status: 'unchanged', chunks: [{ op: 'equal', lines: numbered('l', 20) }] });
    expect(rows).toHaveLength(20);
  });
});
