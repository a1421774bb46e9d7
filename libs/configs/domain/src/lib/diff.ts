import type { ConfigFileDiff, ConfigFiles, DiffChunk } from '@camel/contracts';

/**
 * Line diff (Myers' O((N+M)·D) algorithm): the shortest edit script turning `a` into `b`, as runs
 * of equal, removed and added lines.
 */
export function diffLines(a: readonly string[], b: readonly string[]): DiffChunk[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d += 1) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers to recover the edit script.
  const ops: { op: DiffChunk['op']; line: string }[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d -= 1) {
    const frontier = trace[d];
    const k = x - y;
    const down = k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]);
    const prevK = down ? k + 1 : k - 1;
    const prevX = frontier[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ op: 'equal', line: a[x - 1] });
      x -= 1;
      y -= 1;
    }
    if (down) ops.push({ op: 'add', line: b[y - 1] });
    else ops.push({ op: 'remove', line: a[x - 1] });
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    ops.push({ op: 'equal', line: a[x - 1] });
    x -= 1;
    y -= 1;
  }
  ops.reverse();
  const chunks: DiffChunk[] = [];
  for (const { op, line } of ops) {
    const last = chunks[chunks.length - 1];
    if (last && last.op === op) (last.lines as string[]).push(line);
    else chunks.push({ op, lines: [line] });
  }
  return chunks;
}

const lines = (text: string | undefined): string[] => (text === undefined || text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** Per-file diff of two config sets (every path of either, sorted). */
export function diffConfigSets(from: ConfigFiles, to: ConfigFiles): ConfigFileDiff[] {
  const paths = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return paths.map((path) => {
    const before = from[path];
    const after = to[path];
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : before === after ? 'unchanged' : 'changed';
    return { path, status, chunks: diffLines(lines(before), lines(after)) };
  });
}
