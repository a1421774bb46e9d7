import type { ConfigProblem } from '@camel/contracts';
import type { AgentsFile, WorkflowFile } from './config-schema';
import { sortProblems } from './parse-config';
import { SourceText, type Segment } from './source-text';
import { locate, readYaml, type YamlFile } from './yaml-document';

export interface ConfigSource<T> {
  readonly file: string;
  readonly text: string;
  readonly value: T;
}

/**
 * What the workflows may name from agents.yaml: the file itself when it is YAML (its providers and
 * names are checked too), or, when it is not, the agent names still readable in it — so a syntax
 * error there does not hide an unknown agent in a workflow.
 */
export type AgentsSide = { readonly file: string; readonly yaml: YamlFile } | { readonly file: string; readonly names: ReadonlySet<string> };

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;
/** `name: x` lines, also without the `:` (a missing colon is a likely reason the file does not parse). */
const NAME_LINE = /^\s*(?:-\s+)?name:?\s+["']?([a-z][a-z0-9_-]{0,63})["']?\s*(?:#.*)?$/gm;

type Plain = Record<string, unknown>;
const isPlain = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Agent names of an agents.yaml that is not valid YAML: what the parser recovered, and every `name:` line. */
export function recoverAgentNames(source: string, recovered?: unknown): Set<string> {
  const names = new Set<string>();
  for (const agent of listOf(isPlain(recovered) ? recovered['agents'] : undefined)) {
    const name = isPlain(agent) ? text(agent['name']) : undefined;
    if (name) names.add(name);
  }
  for (const [, name] of source.matchAll(NAME_LINE)) names.add(name);
  return names;
}

class Collector {
  readonly problems: ConfigProblem[] = [];

  at(file: YamlFile, path: Segment[], code: string, message: string, offset?: number): void {
    const node = locate(file.doc, path);
    this.problems.push(file.source.problem(offset ?? node.value?.range?.[0] ?? node.nearest, path, code, message));
  }
}

/**
 * Cross-references of a config set: agents name known providers, workflows name known agents,
 * pipeline templates and stop conditions name known steps; names are unique. Reads what each file
 * holds even when other parts of it are invalid (a string where a reference belongs is checked);
 * each problem points at the value holding the bad reference.
 */
export function referenceProblems(agents: AgentsSide | undefined, workflows: readonly YamlFile[]): ConfigProblem[] {
  const out = new Collector();
  const agentNames = agents && 'yaml' in agents ? checkAgents(agents.yaml, out) : agents?.names;
  const agentsFile = agents?.file ?? 'agents.yaml';
  const workflowNames = new Map<string, string>();
  for (const workflow of workflows) {
    const value = isPlain(workflow.value) ? workflow.value : {};
    const name = text(value['name']);
    const other = name === undefined ? undefined : workflowNames.get(name);
    if (name !== undefined && other) out.at(workflow, ['name'], 'config.duplicate-name', `workflow name "${name}" is also used by ${other}`);
    if (name !== undefined && !other) workflowNames.set(name, workflow.source.file);
    const agentRef = (path: Segment[], ref: unknown) => {
      if (typeof ref === 'string' && agentNames && agentNames.size > 0 && !agentNames.has(ref)) {
        out.at(workflow, path, 'config.reference', `unknown agent "${ref}" (not in ${agentsFile})`);
      }
    };
    if (value['type'] === 'role_playing') {
      agentRef(['assistant'], value['assistant']);
      agentRef(['user'], value['user']);
      agentRef(['critic'], value['critic']);
      if (isPlain(value['task_specify'])) agentRef(['task_specify', 'agent'], value['task_specify']['agent']);
    } else if (value['type'] === 'pipeline') {
      checkPipeline(workflow, value, agentRef, out);
    }
  }
  return sortProblems(out.problems);
}

function checkAgents(file: YamlFile, out: Collector): Set<string> {
  const value = isPlain(file.value) ? file.value : {};
  const providers = new Set<string>();
  listOf(value['providers']).forEach((provider, i) => {
    const id = isPlain(provider) ? text(provider['id']) : undefined;
    if (id === undefined) return;
    if (providers.has(id)) out.at(file, ['providers', i, 'id'], 'config.duplicate-name', `provider id "${id}" is used twice`);
    providers.add(id);
    // The platform's own models are generated in this deployment: an address or a key would be ignored, so it is refused.
    if (isPlain(provider) && provider['type'] === 'local') {
      for (const key of ['base_url', 'api_key_env']) {
        if (provider[key] !== undefined) out.at(file, ['providers', i, key], 'config.local-provider', `provider "${id}" is of type local: ${key} is not used (remove it)`);
      }
    }
  });
  const names = new Set<string>();
  listOf(value['agents']).forEach((agent, i) => {
    if (!isPlain(agent)) return;
    const name = text(agent['name']);
    if (name !== undefined && names.has(name)) out.at(file, ['agents', i, 'name'], 'config.duplicate-name', `agent name "${name}" is used twice`);
    if (name !== undefined) names.add(name);
    const provider = isPlain(agent['model']) ? text(agent['model']['provider']) : undefined;
    if (provider !== undefined && !providers.has(provider)) {
      out.at(file, ['agents', i, 'model', 'provider'], 'config.reference', `agent "${name ?? i}" names unknown provider "${provider}"`);
    }
  });
  return names;
}

function checkPipeline(file: YamlFile, value: Plain, agentRef: (path: Segment[], ref: unknown) => void, out: Collector): void {
  const steps = listOf(value['steps']).map((step) => (isPlain(step) ? step : {}));
  const ids = new Set<string>();
  steps.forEach((step, i) => {
    const id = text(step['id']);
    if (id !== undefined && ids.has(id)) out.at(file, ['steps', i, 'id'], 'config.duplicate-name', `step id "${id}" is used twice`);
    if (id !== undefined) ids.add(id);
  });
  steps.forEach((step, i) => {
    agentRef(['steps', i, 'agent'], step['agent']);
    const input = text(step['input']);
    if (input === undefined) return;
    const node = locate(file.doc, ['steps', i, 'input']).value;
    const raw = node?.range ? file.source.text.slice(node.range[0], node.range[1]) : '';
    let cursor = 0;
    for (const match of input.matchAll(TEMPLATE)) {
      // The template as written in the file (a block scalar's indentation sits between lines, not inside `{{…}}`).
      const found = raw.indexOf(match[0], cursor);
      if (found >= 0) cursor = found + match[0].length;
      const problem = templateProblem(match[1], i, ids);
      const offset = found >= 0 && node?.range ? node.range[0] + found + match[0].indexOf(match[1]) : undefined;
      if (problem) out.at(file, ['steps', i, 'input'], 'config.template', problem, offset);
    }
  });
  const stop = isPlain(value['stop']) ? text(value['stop']['step']) : undefined;
  if (stop !== undefined && !ids.has(stop)) out.at(file, ['stop', 'step'], 'config.reference', `stop.step names unknown step "${stop}"`);
}

const VARIABLES = ['task', 'iteration', 'previous.output'];

/** `{{task}}`, `{{iteration}}`, `{{previous.output}}` (not in the first step), `{{steps.<id>.output}}`. */
function templateProblem(expression: string, index: number, ids: ReadonlySet<string>): string | null {
  if (expression === 'task' || expression === 'iteration') return null;
  if (expression === 'previous.output') return index === 0 ? 'the first step has no previous output ({{previous.output}}): use {{task}} or {{steps.<id>.output}}' : null;
  const step = /^steps\.([a-z][a-z0-9_-]*)\.output$/.exec(expression);
  if (step) return ids.has(step[1]) ? null : `{{${expression}}} names unknown step "${step[1]}"${suggest(step[1], [...ids], (id) => `steps.${id}.output`)}`;
  return `unknown template variable {{${expression}}}${suggest(expression, VARIABLES, (variable) => variable)}: use task, iteration, previous.output or steps.<id>.output`;
}

function suggest(word: string, candidates: readonly string[], format: (candidate: string) => string): string {
  const close = candidates.find((candidate) => candidate !== word && sameLetters(word, candidate));
  return close ? ` — did you mean {{${format(close)}}}?` : '';
}

/** A transposition, one letter more, less or different: the typos a person makes. */
function sameLetters(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const rest = (x: string, skip: number) => x.slice(i + skip);
  return (
    rest(a, 1) === rest(b, 1) ||
    rest(a, 1) === rest(b, 0) ||
    rest(a, 0) === rest(b, 1) ||
    (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, 2) === rest(b, 2))
  );
}

/** The reference checks of sources already known to be valid (their text is parsed for positions). */
export function checkReferences(agents: ConfigSource<AgentsFile>, workflows: readonly ConfigSource<WorkflowFile>[]): ConfigProblem[] {
  const yamlOf = (source: ConfigSource<unknown>): YamlFile => {
    const read = readYaml(new SourceText(source.file, source.text));
    if (!read.ok) throw new Error(`${source.file} is not valid YAML: check it with validateConfigSet`);
    return read.file;
  };
  return referenceProblems({ file: agents.file, yaml: yamlOf(agents) }, workflows.map(yamlOf));
}
