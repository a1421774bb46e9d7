/**
 * Columns of a `ConfigProblem` count characters as a person sees them: one per grapheme (an emoji,
 * even one made of several code points, is one column; a tab is one), and a byte-order mark is no
 * column at all. The server computes columns with `columnAt`; an editor that works in UTF-16
 * offsets maps them back with `indexAtColumn`.
 */
const BOM = '\uFEFF';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The 1-based column of the UTF-16 `index` within `lineText`. */
export function columnAt(lineText: string, index: number): number {
  const before = lineText.slice(lineText.startsWith(BOM) ? 1 : 0, Math.max(index, 0));
  let count = 0;
  for (const _ of graphemes.segment(before)) count++;
  return count + 1;
}

/** The UTF-16 index within `lineText` of a 1-based column (clamped to the line's end). */
export function indexAtColumn(lineText: string, column: number): number {
  const start = lineText.startsWith(BOM) ? 1 : 0;
  let current = 1;
  for (const { index } of graphemes.segment(lineText.slice(start))) {
    if (current >= column) return start + index;
    current++;
  }
  return lineText.length;
}
