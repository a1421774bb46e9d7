import type { ConfigFileDiff } from '@camel/contracts';

/** One line of a side of a side-by-side diff: its 1-based number in that version and its text. */
export interface DiffSide {
  readonly line: number;
  readonly text: string;
}

/**
 * A row of a side-by-side diff: a line both versions share (`equal`), a line only on the left
 * (`remove`) or only on the right (`add`), a changed line (`change`: a removed line next to the
 * line that replaced it), or `skip`: unchanged lines left out between the context of two changes.
 */
export type DiffRow =
  | { readonly kind: 'equal' | 'change'; readonly left: DiffSide; readonly right: DiffSide }
  | { readonly kind: 'remove'; readonly left: DiffSide }
  | { readonly kind: 'add'; readonly right: DiffSide }
  | { readonly kind: 'skip'; readonly count: number };

/**
 * The rows of one file's diff for two columns: removals paired with the additions that follow them,
 * unchanged runs cut to `context` lines around each change (all of them when the file is unchanged).
 */
export function diffRows(file: ConfigFileDiff, context = 3): DiffRow[] {
  const rows: DiffRow[] = [];
  let left = 1;
  let right = 1;
  const chunks = file.chunks;
  const changed = chunks.some((chunk) => chunk.op !== 'equal');
  for (let index = 0; index < chunks.length; index++) {
    const chunk = chunks[index];
    if (chunk.op === 'equal') {
      const lines = chunk.lines;
      const head = !changed ? lines.length : index === 0 ? 0 : context;
      const tail = !changed ? 0 : index === chunks.length - 1 ? 0 : context;
      const keepAll = head + tail >= lines.length;
      lines.forEach((text, i) => {
        const visible = keepAll || i < head || i >= lines.length - tail;
        if (visible) rows.push({ kind: 'equal', left: { line: left + i, text }, right: { line: right + i, text } });
        else if (i === head) rows.push({ kind: 'skip', count: lines.length - head - tail });
      });
      left += lines.length;
      right += lines.length;
    } else if (chunk.op === 'remove') {
      const next = chunks[index + 1];
      const added = next?.op === 'add' ? next.lines : [];
      const pairs = Math.max(chunk.lines.length, added.length);
      for (let i = 0; i < pairs; i++) {
        const removedText = chunk.lines[i];
        const addedText = added[i];
        if (removedText !== undefined && addedText !== undefined) {
          rows.push({ kind: 'change', left: { line: left + i, text: removedText }, right: { line: right + i, text: addedText } });
        } else if (removedText !== undefined) rows.push({ kind: 'remove', left: { line: left + i, text: removedText } });
        else if (addedText !== undefined) rows.push({ kind: 'add', right: { line: right + i, text: addedText } });
      }
      left += chunk.lines.length;
      right += added.length;
      if (added.length > 0) index++;
    } else {
      chunk.lines.forEach((text, i) => rows.push({ kind: 'add', right: { line: right + i, text } }));
      right += chunk.lines.length;
    }
  }
  return rows;
}
