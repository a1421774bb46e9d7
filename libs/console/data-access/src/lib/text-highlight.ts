/** A piece of a text, and whether it matched the keyword query. */
export interface TextSegment {
  readonly text: string;
  readonly match: boolean;
}

/** Letters and digits: what the api's full-text indexes call a word (anything else separates, `_` too). */
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The words of a full-text query (operators and `-excluded` words dropped; `load_prices` is the
 * two words the index holds), longest first.
 */
export function queryTerms(query: string): string[] {
  const words = query
    .split(/\s+/)
    .filter((word) => word && !word.startsWith('-') && !/^(and|or|not)$/i.test(word))
    .flatMap((word) => word.match(WORD) ?? []);
  return [...new Set(words.map((word) => word.toLowerCase()))].sort((a, b) => b.length - a.length);
}

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits `text` into matching and other segments for a keyword query, as the api matches: whole
 * words, ignoring case, without stemming (PostgreSQL's `simple` configuration, SQLite FTS5's
 * `unicode61` tokenizer), so "run" marks "run" and "load_run" but not "running". Joining the
 * segments' texts gives `text` back.
 */
export function highlightSegments(text: string, query: string): TextSegment[] {
  const terms = queryTerms(query);
  if (terms.length === 0 || !text) return text ? [{ text, match: false }] : [];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escape).join('|')})(?![\\p{L}\\p{N}])`, 'giu');
  const segments: TextSegment[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const at = found.index ?? 0;
    if (at > last) segments.push({ text: text.slice(last, at), match: false });
    segments.push({ text: found[0], match: true });
    last = at + found[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), match: false });
  return segments;
}
