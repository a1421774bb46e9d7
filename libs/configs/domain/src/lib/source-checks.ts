import { CONFIG_FILE_MAX_BYTES, type ConfigProblem } from '@camel/contracts';
import { Lexer } from 'yaml';
import { SourceText } from './source-text';

/** Lists and mappings inside each other, at most; the formats need 6. Deeper input would exhaust the parser's stack. */
export const MAX_NESTING = 32;

/**
 * U+FFFD is what a UTF-8 decoder leaves for bytes it cannot read (a browser's `File.text()`, a JSON
 * body): a config never needs it, so it marks a file that was not UTF-8. Lone surrogates and C0
 * controls other than tab, LF and CR are not YAML text either (NULs usually mean UTF-16).
 */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NOT_TEXT = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Lexer tokens that stand for no source text (document start, scalar and flow-end markers). */
const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);

/** Checks of a file's text before it is parsed: size, encoding, emptiness and nesting depth. */
export function checkSource(source: SourceText, maxBytes = CONFIG_FILE_MAX_BYTES): ConfigProblem | null {
  const { text } = source;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return source.problem(0, [], 'config.too-large', `the file is larger than ${maxBytes} bytes`);
  const bad = NOT_TEXT.exec(text);
  if (bad) {
    const what = bad[0] === '\uFFFD' ? 'bytes that are not UTF-8' : `the control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return source.problem(bad.index, [], 'config.encoding', `the file is not UTF-8 text: ${what} here; save it as UTF-8`);
  }
  if (text.replace(/^\uFEFF/, '').trim() === '') return source.problem(0, [], 'config.empty', 'the file is empty');
  const deep = tooDeepAt(text);
  if (deep !== null) {
    return source.problem(deep, [], 'yaml.too-deep', `nesting deeper than ${MAX_NESTING} levels (lists and mappings inside each other) is not accepted`);
  }
  return null;
}

/**
 * The offset where nesting first exceeds MAX_NESTING, read from the lexer's tokens (the parser would
 * recurse). Flow brackets count one level each; in block context a node starting right of the
 * enclosing node's column opens a level (an upper bound of the real depth: never less).
 */
function tooDeepAt(text: string): number | null {
  let offset = 0;
  let flow = 0;
  const columns: number[] = [];
  let lineStart = 0;
  let atLineStart = true;
  let afterIndicator = false;
  for (const token of new Lexer().lex(text)) {
    if (CONTROL_TOKENS.has(token)) continue;
    const start = offset;
    offset += token.length;
    if (token === '\n' || token === '\r\n') {
      lineStart = offset;
      atLineStart = true;
      continue;
    }
    if (token.startsWith('#') || /^[ \t]+$/.test(token)) continue;
    if (token === '---' || token === '...') {
      columns.length = 0;
      continue;
    }
    if (token === '[' || token === '{') {
      if (++flow + columns.length > MAX_NESTING) return start;
      continue;
    }
    if (token === ']' || token === '}') {
      flow = Math.max(flow - 1, 0);
      continue;
    }
    if (flow > 0) continue;
    if (atLineStart || afterIndicator) {
      // A block scalar's content arrives as one token with its indentation inside.
      const column = start - lineStart + (/^ */.exec(token)?.[0].length ?? 0);
      while (columns.length > 0 && columns[columns.length - 1] >= column) columns.pop();
      columns.push(column);
      if (columns.length > MAX_NESTING) return start;
    }
    atLineStart = false;
    afterIndicator = token === '-' || token === '?';
  }
  return null;
}
