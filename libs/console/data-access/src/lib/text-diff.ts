import { matchLines } from './config-merge';

/** A run of a word diff: text both sides share, text only the original has, text only the edit has. */
export interface TextDiffPart {
  readonly op: 'equal' | 'remove' | 'add';
  readonly text: string;
}

/** Words and the whitespace between them, each its own token (so a changed space shows as such). */
const tokens = (text: string): string[] => text.match(/\s+|[^\s]+/g) ?? [];

/**
 * The word diff of a correction against the original text: the shortest edit (the same Myers
 * matcher as the config merge, over words instead of lines), as runs in reading order; within a
 * changed stretch the removed text comes before the text that replaces it. Joining the `equal` and
 * `remove` runs gives the original back, `equal` and `add` the correction.
 */
export function diffWords(original: string, corrected: string): TextDiffPart[] {
  const a = tokens(original);
  const b = tokens(corrected);
  const matches = matchLines(a, b);
  const runs: TextDiffPart[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const match = matches[i];
    if (match < 0) {
      runs.push({ op: 'remove', text: a[i] });
      continue;
    }
    for (; j < match; j++) runs.push({ op: 'add', text: b[j] });
    runs.push({ op: 'equal', text: a[i] });
    j = match + 1;
  }
  for (; j < b.length; j++) runs.push({ op: 'add', text: b[j] });
  return coalesce(runs);
}

/**
 * One removed and one added run per changed stretch; whitespace alone between two changes is part
 * of the stretch ("the csv" → "pandas", not "the"→"pandas" + " " + "csv"→"").
 */
function coalesce(runs: readonly TextDiffPart[]): TextDiffPart[] {
  const parts: TextDiffPart[] = [];
  let removed = '';
  let added = '';
  const flush = () => {
    if (removed) parts.push({ op: 'remove', text: removed });
    if (added) parts.push({ op: 'add', text: added });
    removed = added = '';
  };
  runs.forEach((run, i) => {
    if (run.op === 'remove') removed += run.text;
    else if (run.op === 'add') added += run.text;
    else if ((removed || added) && /^\s+$/.test(run.text) && runs[i + 1] !== undefined && runs[i + 1]?.op !== 'equal') {
      removed += run.text;
      added += run.text;
    } else {
      flush();
      const last = parts[parts.length - 1];
      if (last?.op === 'equal') parts[parts.length - 1] = { op: 'equal', text: last.text + run.text };
      else parts.push(run);
    }
  });
  flush();
  return parts;
}

/** How much of the text a diff changed: the characters removed and added. */
export function diffSize(parts: readonly TextDiffPart[]): { readonly removed: number; readonly added: number } {
  let removed = 0;
  let added = 0;
  for (const part of parts) {
    if (part.op === 'remove') removed += part.text.length;
    else if (part.op === 'add') added += part.text.length;
  }
  return { removed, added };
}
