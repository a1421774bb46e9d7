/** A piece of a text, and whether it matched the keyword query. */
export interface TextSegment {
  readonly text: string;
  readonly match: boolean;
}

/** The words of a full-text query (operators, quotes and `-excluded` words dropped), longest first. */
export function queryTerms(query: string): string[] {
  const words = query
    .split(/\s+/)
    .filter((word) => word && !word.startsWith('-') && !/^(and|or|not)$/i.test(word))
    .map((word) => word.replace(/[^\p{L}\p{N}_]+/gu, ''))
    .filter((word) => word.length > 0);
  return [...new Set(words.map((word) => word.toLowerCase()))].sort((a, b) => b.length - a.length);
}

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Splits `text` into matching and other segments for a keyword query. Full-text search matches
 * word stems, so a term is highlighted where a word starts with it ("run" in "running"), ignoring
 * case. Joining the segments' texts gives `text` back.
 */
export function highlightSegments(text: string, query: string): TextSegment[] {
  const terms = queryTerms(query);
  if (terms.length === 0 || !text) return text ? [{ text, match: false }] : [];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${terms.map(escape).join('|')})[\\p{L}\\p{N}_]*`, 'giu');
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
