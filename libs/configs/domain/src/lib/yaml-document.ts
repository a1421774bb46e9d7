import type { ConfigProblem } from '@camel/contracts';
import { Composer, isAlias, isCollection, isMap, isPair, isScalar, Parser, visit, type Document, type Node, type YAMLError } from 'yaml';
import { checkSource } from './source-checks';
import type { SourceText } from './source-text';
import { explainYamlError } from './yaml-errors';

/** Aliases expanded per file before it counts as a "billion laughs" bomb. */
export const MAX_ALIAS_COUNT = 100;

/** A file that is YAML: its document (for positions) and its plain value. */
export interface YamlFile {
  readonly source: SourceText;
  readonly doc: Document;
  readonly value: unknown;
}

export type YamlRead = { readonly ok: true; readonly file: YamlFile } | { readonly ok: false; readonly problems: ConfigProblem[]; readonly doc?: Document };

const OPTIONS = { uniqueKeys: true, strict: true, prettyErrors: false } as const;

/** Every node of a document, in source order (nesting is bounded by `checkSource` first). */
export function nodesOf(doc: Document): Node[] {
  const nodes: Node[] = [];
  visit(doc, { Node: (_, node) => void nodes.push(node) });
  return nodes;
}

/** Reads one file as exactly one YAML document: text checks, syntax, tags, aliases. */
export function readYaml(source: SourceText, maxBytes?: number): YamlRead {
  const refused = checkSource(source, maxBytes);
  if (refused) return { ok: false, problems: [refused] };
  const tokens = [...new Parser().parse(source.text)];
  const documents = [...new Composer(OPTIONS).compose(tokens, true, source.text.length)];
  const [doc, ...others] = documents;
  const problems: ConfigProblem[] = [];
  const extra = others.filter((other) => !(other.contents === null || (isScalar(other.contents) && other.contents.source === '')) || other.errors.length > 0);
  if (extra.length > 0) {
    const second = tokens.filter((token) => token.type === 'document')[documents.indexOf(extra[0])];
    const offset = second && 'offset' in second ? second.offset : (extra[0].range?.[0] ?? 0);
    problems.push(source.problem(offset, [], 'yaml.multiple-documents', `one YAML document expected, found ${extra.length + 1} (a line \`---\` starts another one)`));
  }
  // After the first syntax error the parser's reading of the rest is a guess: what it reports there
  // follows from the first mistake more often than not, so a file reports its first mistake.
  const [first] = [...merged(doc.errors), ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (first) problems.push(explainYamlError(source, doc, first));
  if (problems.length > 0) return { ok: false, problems, doc };
  if (doc.contents === null) return { ok: false, problems: [source.problem(0, [], 'config.empty', 'the file is empty (it has only comments)')] };
  const alias = unresolvedAlias(doc);
  if (alias) return { ok: false, problems: [alias(source)], doc };
  try {
    return { ok: true, file: { source, doc, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) } };
  } catch {
    return { ok: false, problems: [source.problem(0, [], 'yaml.alias-limit', `too many alias expansions (more than ${MAX_ALIAS_COUNT})`)], doc };
  }
}

/** One implicit-key mistake comes as two errors at one place; the multi-line one holds the whole extent. */
function merged(errors: readonly YAMLError[]): YAMLError[] {
  const implicit = new Map<number, YAMLError>();
  const rest: YAMLError[] = [];
  for (const error of errors) {
    if (error.code !== 'MULTILINE_IMPLICIT_KEY' && error.code !== 'BLOCK_AS_IMPLICIT_KEY') rest.push(error);
    else if ((implicit.get(error.pos[0])?.pos[1] ?? -1) < error.pos[1]) implicit.set(error.pos[0], error);
  }
  return [...rest, ...implicit.values()];
}

/**
 * `*name` before (or without) its `&name`, or inside the node it names (`a: &a [*a]`, a cycle that
 * every later walk of the value would follow forever): named at the alias, not as a stack trace.
 */
function unresolvedAlias(doc: Document): ((source: SourceText) => ConfigProblem) | null {
  const anchors = new Map<string, readonly number[] | undefined>();
  for (const node of nodesOf(doc)) {
    if (isAlias(node)) {
      const at = node.range?.[0] ?? 0;
      if (!anchors.has(node.source)) {
        return (source) => source.problem(at, [], 'yaml.alias', `alias \`*${node.source}\` refers to no anchor \`&${node.source}\` above it`);
      }
      const [start, end] = anchors.get(node.source) ?? [];
      if (start !== undefined && end !== undefined && at >= start && at < end) {
        return (source) => source.problem(at, [], 'yaml.alias-cycle', `alias \`*${node.source}\` is inside the value it refers to (\`&${node.source}\`), which would make it endless`);
      }
    } else if (node.anchor) {
      anchors.set(node.anchor, node.range ?? undefined);
    }
  }
  return null;
}

/** The key node and value node at a path, and the offset of the deepest node that exists on the way. */
export function locate(doc: Document, path: readonly (string | number)[]): { key?: Node; value?: Node; nearest: number } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let nearest = isScalar(node) || isCollection(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return { nearest };
      key = pair.key as Node;
      nearest = key.range?.[0] ?? nearest;
      node = pair.value;
    } else if (isCollection(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isScalar(item) && !isCollection(item) && !isAlias(item)) return { nearest };
      key = undefined;
      nearest = item.range?.[0] ?? nearest;
      node = item;
    } else {
      return { nearest };
    }
  }
  const value = isScalar(node) || isCollection(node) || isAlias(node) ? node : undefined;
  return { key, value, nearest };
}
