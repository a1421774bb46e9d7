import type { ConfigProblem } from '@camel/contracts';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Document } from 'yaml';
import { AgentsFile, PipelineWorkflow, RolePlayingWorkflow, WORKFLOW_TYPES, type WorkflowFile } from './config-schema';
import { describe, schemaProblems } from './schema-problems';
import { formatPath, SourceText, type Segment } from './source-text';
import { locate, readYaml, type YamlFile } from './yaml-document';

export { formatPath } from './source-text';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: ConfigProblem[] };

/** A file's outcome: its problems, and its YAML when it has any (reference checks read what is there). */
export interface CheckedFile<T> {
  readonly result: ParseResult<T>;
  readonly yaml?: YamlFile;
  /** What the parser recovered of a file that is not valid YAML (agent names are read from it). */
  readonly recovered?: Document;
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path));
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `key:` with nothing after it: never meant as "absent", so named rather than silently skipped. */
function emptyValues(file: YamlFile, value: unknown, path: Segment[] = []): ConfigProblem[] {
  const entries: [Segment, unknown][] = Array.isArray(value) ? value.map((item, i) => [i, item]) : isMapping(value) ? Object.entries(value) : [];
  return entries.flatMap(([segment, item]) => {
    const at = [...path, segment];
    if (item !== null) return emptyValues(file, item, at);
    const node = locate(file.doc, at);
    const message = typeof segment === 'number' ? `${formatPath(at)} is an empty list item` : `${formatPath(at)} has no value: write one after \`${segment}:\`, or remove the key`;
    return [file.source.problem(node.key?.range?.[0] ?? node.nearest, at, 'config.missing-value', message)];
  });
}

function validateAs<T extends object>(file: YamlFile, type: ClassConstructor<T>): ParseResult<T> {
  if (!isMapping(file.value)) {
    return { ok: false, problems: [file.source.problem(0, [], 'config.invalid-value', `the file must be a mapping (\`key: value\` lines), not ${describe(file.value)}`)] };
  }
  const instance = plainToInstance(type, file.value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const schema = schemaProblems(file, errors);
  const unknown = new Set(schema.filter((problem) => problem.code === 'config.unknown-key').map((problem) => problem.path));
  const empty = emptyValues(file, file.value).filter((problem) => !unknown.has(problem.path));
  const emptyPaths = new Set(empty.map((problem) => problem.path));
  const problems = [...empty, ...schema.filter((problem) => !emptyPaths.has(problem.path))];
  return problems.length === 0 ? { ok: true, value: instance } : { ok: false, problems: sortProblems(problems) };
}

/** Reads and validates `agents.yaml`, keeping its YAML for the reference checks. */
export function checkAgentsFile(file: string, text: string): CheckedFile<AgentsFile> {
  const read = readYaml(new SourceText(file, text));
  if (!read.ok) return { result: read, recovered: read.doc };
  return { result: validateAs(read.file, AgentsFile), yaml: read.file };
}

/** Reads and validates one workflow file (its `type` picks the schema), keeping its YAML. */
export function checkWorkflowFile(file: string, text: string): CheckedFile<WorkflowFile> {
  const read = readYaml(new SourceText(file, text));
  if (!read.ok) return { result: read };
  const yaml = read.file;
  const type = isMapping(yaml.value) ? yaml.value['type'] : undefined;
  if (type === 'role_playing') return { result: validateAs(yaml, RolePlayingWorkflow), yaml };
  if (type === 'pipeline') return { result: validateAs(yaml, PipelineWorkflow), yaml };
  const node = locate(yaml.doc, ['type']);
  const message = !isMapping(yaml.value)
    ? `a workflow file is a mapping (\`key: value\` lines) with \`type: ${WORKFLOW_TYPES.join('` or `type: ')}\`, not ${describe(yaml.value)}`
    : type === undefined
      ? `type is required: one of ${WORKFLOW_TYPES.join(', ')}`
      : `type must be one of: ${WORKFLOW_TYPES.join(', ')} (not ${describe(type)})`;
  const code = type === undefined ? 'config.missing-key' : 'config.invalid-value';
  return { result: { ok: false, problems: [yaml.source.problem(node.value?.range?.[0] ?? node.nearest, ['type'], code, message)] }, yaml };
}

/** Parses and validates `agents.yaml` (shape only; references are checked by `checkReferences`). */
export function parseAgentsFile(file: string, text: string): ParseResult<AgentsFile> {
  return checkAgentsFile(file, text).result;
}

/** Parses and validates one workflow file; its `type` picks the schema. */
export function parseWorkflowFile(file: string, text: string): ParseResult<WorkflowFile> {
  return checkWorkflowFile(file, text).result;
}
