import { CONFIG_FILE_MAX_BYTES, type ConfigProblem } from '@camel/contracts';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { AgentsFile, PipelineWorkflow, RolePlayingWorkflow, WORKFLOW_TYPES, type WorkflowFile } from './config-schema';

/** Aliases expanded per file before it counts as a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: ConfigProblem[] };

type Segment = string | number;

const TYPE_CONSTRAINTS = new Set(['isInt', 'isNumber', 'isString', 'isArray', 'isBoolean', 'isObject', 'nestedValidation']);

/** A parsed file: its YAML document (for positions) and its plain value. */
interface Parsed {
  readonly doc: Document;
  readonly lines: LineCounter;
  readonly value: unknown;
}

const YAML_CODES: Record<string, string> = {
  DUPLICATE_KEY: 'yaml.duplicate-key',
  TAB_AS_INDENT: 'yaml.tab-indent',
};

/** Formats a key path the way people write it: `agents[2].model.temperature`. */
export function formatPath(path: readonly Segment[]): string {
  return path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');
}

function problemAt(file: string, lines: LineCounter, offset: number, path: readonly Segment[], code: string, message: string): ConfigProblem {
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col, path: formatPath(path), code, message };
}

function parseYaml(file: string, text: string): ParseResult<Parsed> {
  if (Buffer.byteLength(text, 'utf8') > CONFIG_FILE_MAX_BYTES) {
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, path: '', code: 'config.too-large', message: `the file is larger than ${CONFIG_FILE_MAX_BYTES} bytes` }],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { file, line, column: col, path: '', code: YAML_CODES[error.code] ?? 'yaml.syntax', message: error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') };
      }),
    };
  }
  try {
    return { ok: true, value: { doc, lines, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) } };
  } catch (error) {
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, path: '', code: 'yaml.alias-limit', message: `too many alias expansions (more than ${MAX_ALIAS_COUNT}): ${(error as Error).message}` }],
    };
  }
}

/** Where a path points in the document: the key of the deepest existing pair, or its value node. */
export function offsetOf(doc: Document, path: readonly Segment[]): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return offset;
      const key = pair.key as Node;
      offset = key.range?.[0] ?? offset;
      node = pair.value;
      continue;
    }
    if (isNode(node) && 'items' in node && Array.isArray((node as { items: unknown[] }).items) && typeof segment === 'number') {
      const item = (node as { items: unknown[] }).items[segment];
      if (!isNode(item)) return offset;
      offset = item.range?.[0] ?? offset;
      node = item;
      continue;
    }
    return offset;
  }
  return offset;
}

function* flatten(errors: readonly ValidationError[], parent: readonly Segment[] = []): Generator<{ path: Segment[]; code: string; message: string }> {
  for (const error of errors) {
    const segment: Segment = /^\d+$/.test(error.property) ? Number(error.property) : error.property;
    const path = [...parent, segment];
    const constraints = Object.entries(error.constraints ?? {});
    const where = formatPath(path);
    if (constraints.some(([constraint]) => constraint === 'whitelistValidation')) {
      yield { path, code: 'config.unknown-key', message: `unknown key "${error.property}"` };
    } else if (constraints.length > 0 && error.value === undefined) {
      yield { path, code: 'config.missing-key', message: `${where} is required` };
    } else if (constraints.length > 0) {
      // One problem per key, its rules' messages together (class-validator reports each rule);
      // a value of the wrong type reports only that (its range rules would be noise).
      const typed = constraints.filter(([constraint]) => TYPE_CONSTRAINTS.has(constraint));
      const messages = (typed.length > 0 ? typed : constraints).map(([, message]) => (message.startsWith(error.property) ? message.slice(error.property.length).trim() : message));
      yield { path, code: 'config.invalid-value', message: `${where} ${messages.join('; ')}` };
    }
    if (error.children?.length) yield* flatten(error.children, path);
  }
}

function validateAs<T extends object>(file: string, parsed: Parsed, type: ClassConstructor<T>): ParseResult<T> {
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return { ok: false, problems: [problemAt(file, parsed.lines, 0, [], 'config.invalid-value', 'the file must be a mapping of keys to values')] };
  }
  const instance = plainToInstance(type, parsed.value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length === 0) return { ok: true, value: instance };
  const problems = [...flatten(errors)].map(({ path, code, message }) => problemAt(file, parsed.lines, offsetOf(parsed.doc, path), path, code, message));
  return { ok: false, problems: sortProblems(problems) };
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

/** Parses and validates `agents.yaml` (shape only; references are checked by `checkReferences`). */
export function parseAgentsFile(file: string, text: string): ParseResult<AgentsFile> {
  const parsed = parseYaml(file, text);
  return parsed.ok ? validateAs(file, parsed.value, AgentsFile) : parsed;
}

/** Parses and validates one workflow file; its `type` picks the schema. */
export function parseWorkflowFile(file: string, text: string): ParseResult<WorkflowFile> {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return parsed;
  const type = (parsed.value.value as { type?: unknown } | null)?.type;
  if (type === 'role_playing') return validateAs(file, parsed.value, RolePlayingWorkflow);
  if (type === 'pipeline') return validateAs(file, parsed.value, PipelineWorkflow);
  return {
    ok: false,
    problems: [
      problemAt(
        file,
        parsed.value.lines,
        offsetOf(parsed.value.doc, ['type']),
        ['type'],
        type === undefined ? 'config.missing-key' : 'config.invalid-value',
        `type must be one of: ${WORKFLOW_TYPES.join(', ')}`,
      ),
    ],
  };
}

/** Offset lookup for a file's text (used by the reference check to point at a key). */
export function positionIn(file: string, text: string, path: readonly Segment[], code: string, message: string): ConfigProblem {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return problemAt(file, lines, offsetOf(doc, path), path, code, message);
}
