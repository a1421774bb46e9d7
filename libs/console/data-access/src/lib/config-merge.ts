import type { ConfigFiles } from '@camel/contracts';
import { sortConfigPaths } from './config-set';

/** Beyond this many differing lines a diff gives up on alignment and treats the rest as replaced. */
const MAX_EDIT_DISTANCE = 2000;

/**
 * For each line of `a`, the index of the line of `b` it is matched with (a longest common
 * subsequence by Myers' O(ND) algorithm), or -1. Matches are strictly increasing in both.
 */
export function matchLines(a: readonly string[], b: readonly string[]): number[] {
  const matches = new Array<number>(a.length).fill(-1);
  // Common prefix and suffix first: most edits touch a few lines of a long file.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    matches[start] = start;
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    matches[endA] = endB;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return matches;

  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    // The frontier before step d, for k in [-d-1, d+1] (index k + d + 1): enough to walk back.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[start + x] === b[start + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return matches; // too different: no alignment inside the changed middle

  // Walk the trace back from (n, m), recording the diagonal (equal) moves.
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d];
    const at = (kk: number) => prev[kk + d + 1];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      matches[start + x] = start + y;
    }
    x = prevX;
    y = prevY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    matches[start + x] = start + y;
  }
  return matches;
}

export interface TextMerge {
  readonly text: string;
  /** Regions both sides changed differently: written with conflict markers. */
  readonly conflicts: number;
}

export interface MergeLabels {
  readonly mine: string;
  readonly theirs: string;
}

const sameLines = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((line, i) => line === b[i]);

/**
 * Three-way line merge (diff3): changes of `mine` and `theirs` relative to `base` are combined;
 * where both changed the same lines differently the result holds both, between git-style conflict
 * markers (which a YAML parser refuses, so validation points at them until they are resolved).
 */
export function mergeText(base: string, mine: string, theirs: string, labels: MergeLabels): TextMerge {
  if (mine === theirs) return { text: mine, conflicts: 0 };
  if (mine === base) return { text: theirs, conflicts: 0 };
  if (theirs === base) return { text: mine, conflicts: 0 };
  const o = base.split('\n');
  const a = mine.split('\n');
  const b = theirs.split('\n');
  const toA = matchLines(o, a);
  const toB = matchLines(o, b);
  const out: string[] = [];
  let conflicts = 0;
  let i = 0;
  let j = 0;
  let k = 0;
  for (;;) {
    // Stable run: the base line is kept, at the current place, on both sides.
    while (i < o.length && toA[i] === j && toB[i] === k) {
      out.push(o[i]);
      i++;
      j++;
      k++;
    }
    if (i >= o.length && j >= a.length && k >= b.length) break;
    // The next base line both sides kept ends the unstable chunk (or the ends of the texts).
    let end = i;
    while (end < o.length && (toA[end] < 0 || toB[end] < 0)) end++;
    const endA = end < o.length ? toA[end] : a.length;
    const endB = end < o.length ? toB[end] : b.length;
    const chunkO = o.slice(i, end);
    const chunkA = a.slice(j, endA);
    const chunkB = b.slice(k, endB);
    if (sameLines(chunkA, chunkO) || sameLines(chunkA, chunkB)) out.push(...chunkB);
    else if (sameLines(chunkB, chunkO)) out.push(...chunkA);
    else {
      // Both changed this region: still fine when their changes touch different base lines.
      const combined = combineHunks(o, i, end, hunksOf(a, toA, i, end, j, endA), hunksOf(b, toB, i, end, k, endB));
      if (combined) out.push(...combined);
      else {
        conflicts++;
        out.push(`<<<<<<< ${labels.mine}`, ...chunkA, '=======', ...chunkB, `>>>>>>> ${labels.theirs}`);
      }
    }
    i = end;
    j = endA;
    k = endB;
  }
  return { text: out.join('\n'), conflicts };
}

/** A change of one side: base lines [start, end) replaced by `lines` (start = end: an insertion). */
interface Hunk {
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
}

/** The changes side `x` made to base lines [o0, o1), which it turned into its lines [x0, x1). */
function hunksOf(x: readonly string[], toX: readonly number[], o0: number, o1: number, x0: number, x1: number): Hunk[] {
  const hunks: Hunk[] = [];
  let base = o0;
  let side = x0;
  for (;;) {
    while (base < o1 && toX[base] === side) {
      base++;
      side++;
    }
    if (base >= o1 && side >= x1) return hunks;
    let end = base;
    while (end < o1 && toX[end] < 0) end++;
    const sideEnd = end < o1 ? toX[end] : x1;
    hunks.push({ start: base, end, lines: x.slice(side, sideEnd) });
    base = end;
    side = sideEnd;
  }
}

const sameHunk = (a: Hunk, b: Hunk) => a.start === b.start && a.end === b.end && sameLines(a.lines, b.lines);

/** Two changes that cannot both apply: they overlap, or one inserts where the other starts, ends or replaces. */
function clash(a: Hunk, b: Hunk): boolean {
  if (a.start === a.end) return b.start <= a.start && a.start <= b.end;
  if (b.start === b.end) return a.start <= b.start && b.start <= a.end;
  return a.start < b.end && b.start < a.end;
}

/** Base lines [o0, o1) with both sides' changes applied, or null when two changes clash. */
function combineHunks(o: readonly string[], o0: number, o1: number, mine: readonly Hunk[], theirs: readonly Hunk[]): string[] | null {
  const all = [...mine];
  for (const hunk of theirs) {
    if (mine.some((other) => sameHunk(other, hunk))) continue;
    if (mine.some((other) => clash(other, hunk))) return null;
    all.push(hunk);
  }
  all.sort((a, b) => a.start - b.start || a.end - b.end);
  const out: string[] = [];
  let at = o0;
  for (const hunk of all) {
    out.push(...o.slice(at, hunk.start), ...hunk.lines);
    at = hunk.end;
  }
  out.push(...o.slice(at, o1));
  return out;
}

export interface ConfigSetMerge {
  readonly files: ConfigFiles;
  /** Files that need a person: conflict markers inside, or edited on one side and deleted on the other. */
  readonly conflicts: readonly string[];
}

/**
 * Rebases the edits of `mine` (started from `base`) onto `theirs` (the latest version), file by
 * file. A file deleted on one side and edited on the other is kept (with the edit) and reported.
 */
export function mergeConfigSets(base: ConfigFiles, mine: ConfigFiles, theirs: ConfigFiles, labels: MergeLabels): ConfigSetMerge {
  const files: Record<string, string> = {};
  const conflicts: string[] = [];
  const paths = sortConfigPaths(new Set([...Object.keys(base), ...Object.keys(mine), ...Object.keys(theirs)]));
  const get = (files: ConfigFiles, path: string): string | undefined => (Object.prototype.hasOwnProperty.call(files, path) ? files[path] : undefined);
  for (const path of paths) {
    const o = get(base, path);
    const a = get(mine, path);
    const b = get(theirs, path);
    let result: string | undefined;
    if (a === b || a === o) result = b;
    else if (b === o) result = a;
    else if (a === undefined || b === undefined) {
      // Deleted on one side, changed on the other: keep the changed text, let the person decide.
      result = a ?? b;
      conflicts.push(path);
    } else {
      const merged = mergeText(o ?? '', a, b, labels);
      result = merged.text;
      if (merged.conflicts > 0) conflicts.push(path);
    }
    if (result !== undefined) files[path] = result;
  }
  return { files, conflicts };
}
