import type { ConfigProblem } from '@camel/contracts';
import { isCollection, isMap, isPair, isScalar, Scalar, visit, type Document, type Node, type YAMLError } from 'yaml';
import type { SourceText } from './source-text';

const KEY_LINE = /^(\s*)(?:-\s+)*([^\s:#'"][^:#]*?)\s*:(?:\s|$)/;

/**
 * Turns a parser error into a problem a person can act on: where the mistake is (not where the
 * parser noticed it) and what to do, in place of the parser's own wording.
 */
export function explainYamlError(source: SourceText, doc: Document, error: YAMLError): ConfigProblem {
  const [start, end] = error.pos;
  const at = (offset: number, code: string, message: string) => source.problem(offset, [], code, message);
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return duplicateKey(source, doc, start);
    case 'TAB_AS_INDENT':
      return at(start, 'yaml.tab-indent', 'a tab indents this line: YAML indents with spaces');
    case 'TAG_RESOLVE_FAILED':
      return at(start, 'yaml.tag', `unknown tag \`${source.text.slice(start, end).trim()}\`: configs take plain values, without tags`);
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      return implicitKey(source, start, end, error.code);
    case 'MISSING_CHAR':
      if (/closing "quote|closing 'quote/.test(error.message)) return unterminated(source, doc, start, error.message.includes('"') ? '"' : "'");
      if (error.message.startsWith('Sequence item without')) return indentation(source, start);
      if (error.message.startsWith('Implicit map keys need to be followed')) return missingColon(source, start);
      break;
    case 'BAD_INDENT':
      if (/^Flow (sequence|map)/.test(error.message)) return unclosedBracket(source, doc, start);
      return indentation(source, start);
    default:
      break;
  }
  return at(start, 'yaml.syntax', error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
}

function firstNonSpace(source: SourceText, line: number): number {
  return source.lineStart(line) + (/^[ \t]*/.exec(source.line(line))?.[0].length ?? 0);
}

function duplicateKey(source: SourceText, doc: Document, offset: number): ConfigProblem {
  let found: { name: string; first?: number } | undefined;
  visit(doc, {
    Map(_, map) {
      const keys = map.items.filter((pair) => isPair(pair) && isScalar(pair.key)).map((pair) => pair.key as Scalar);
      const duplicate = keys.find((key) => key.range?.[0] === offset);
      if (!duplicate) return undefined;
      const first = keys.find((key) => key !== duplicate && String(key.value) === String(duplicate.value));
      found = { name: String(duplicate.value), first: first?.range?.[0] };
      return visit.BREAK;
    },
  });
  const name = found?.name ?? source.text.slice(offset).split(/[:\s]/)[0];
  const first = found?.first === undefined ? '' : ` (first at line ${source.position(found.first).line})`;
  return source.problem(offset, [], 'yaml.duplicate-key', `duplicate key \`${name}\`${first}: a key appears once per mapping`);
}

/** The parser reports an unterminated quote at the end of the file; the mistake is the opening quote. */
function unterminated(source: SourceText, doc: Document, offset: number, quote: '"' | "'"): ConfigProblem {
  const type = quote === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE;
  let opening: number | undefined;
  visit(doc, {
    Scalar(_, scalar) {
      const [from, to] = scalar.range ?? [0, 0];
      if (scalar.type === type && from <= offset && !closed(source.text.slice(from, to).trimEnd(), quote)) opening = from;
    },
  });
  const where = opening ?? offset;
  return source.problem(where, [], 'yaml.unterminated-quote', `the quote \`${quote}\` opened here is never closed: add a \`${quote}\` at the end of the text`);
}

function closed(text: string, quote: string): boolean {
  if (text.length < 2 || !text.endsWith(quote)) return false;
  if (quote === "'") return true;
  const backslashes = /\\*$/.exec(text.slice(0, -1))?.[0].length ?? 0;
  return backslashes % 2 === 0;
}

function unclosedBracket(source: SourceText, doc: Document, offset: number): ConfigProblem {
  let opening: { at: number; bracket: string } | undefined;
  visit(doc, {
    Collection(_, collection: Node) {
      if (!isCollection(collection) || !collection.flow) return;
      const [from, to] = collection.range ?? [0, 0];
      const close = isMap(collection) ? '}' : ']';
      if (from <= offset && !source.text.slice(from, to).trimEnd().endsWith(close)) opening = { at: from, bracket: source.text[from] };
    },
  });
  if (!opening) return source.problem(offset, [], 'yaml.syntax', 'a `[` or `{` before this line is never closed');
  const close = opening.bracket === '{' ? '}' : ']';
  return source.problem(opening.at, [], 'yaml.unclosed-bracket', `the \`${opening.bracket}\` opened here is never closed: add a \`${close}\``);
}

function indentation(source: SourceText, offset: number): ConfigProblem {
  const line = source.position(offset).line;
  const tab = source.line(line).search(/^ *\t/) === 0 ? source.line(line).indexOf('\t') : -1;
  if (tab >= 0) return source.problem(source.lineStart(line) + tab, [], 'yaml.tab-indent', 'a tab indents this line: YAML indents with spaces');
  return source.problem(
    firstNonSpace(source, line),
    [],
    'yaml.indentation',
    'this line is indented differently from the keys above it: keys of one mapping start at the same column',
  );
}

/**
 * "Implicit keys need to be on a single line" covers two mistakes: a key without its `:` (the parser
 * reads it and the next line as one key), and a key indented deeper than its neighbours (read as
 * the continuation of the value above it).
 */
function implicitKey(source: SourceText, start: number, end: number, code: string): ConfigProblem {
  const line = source.position(start).line;
  const before = source.text.slice(source.lineStart(line), start);
  const lastLine = source.position(end).line;
  if (/:(\s|$)/.test(before)) {
    for (let next = line + 1; next <= lastLine; next++) {
      const match = KEY_LINE.exec(source.line(next));
      if (match) {
        return source.problem(
          source.lineStart(next) + match[1].length,
          [],
          'yaml.indentation',
          `\`${match[2]}\` is indented deeper than the key above it: keys of one mapping start at the same column`,
        );
      }
    }
    if (code === 'BLOCK_AS_IMPLICIT_KEY') {
      return source.problem(start, [], 'yaml.syntax', 'a second `key: value` on one line: put the value in quotes if it contains `: `');
    }
  }
  if (!/:(\s|$)/.test(source.line(line).slice(before.length))) return missingColon(source, start);
  return source.problem(start, [], 'yaml.syntax', 'a key must be on one line, followed by `:`');
}

/** A word where a key belongs, without its `:`: pointed at the place the `:` is missing. */
function missingColon(source: SourceText, start: number): ConfigProblem {
  const key = /^[^\s#:]+/.exec(source.text.slice(start))?.[0] ?? '';
  return source.problem(start + key.length, [], 'yaml.missing-colon', `missing \`:\` after key \`${key}\``);
}
