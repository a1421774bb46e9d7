import { parse } from 'yaml';
import { AGENTS_FILE, type ConfigFiles } from '@camel/contracts';

/** An agent as the start-run dialog offers it for overrides. */
export interface AgentChoice {
  readonly name: string;
  readonly role: string;
  readonly provider: string;
  readonly model: string;
  readonly temperature: number | null;
}

/** A workflow of the config set as the start-run dialog offers it. */
export interface WorkflowChoice {
  readonly name: string;
  readonly path: string;
  readonly type: 'role_playing' | 'pipeline';
  readonly description: string;
  readonly taskPrompt: string;
  /** Agents that take turns (a person may take their seat): role-play user and assistant, pipeline steps' agents. */
  readonly seats: readonly string[];
  readonly critic: string | null;
  readonly maxTurns: number | null;
  readonly maxIterations: number | null;
}

export interface ConfigChoices {
  readonly workflows: readonly WorkflowChoice[];
  readonly agents: Readonly<Record<string, AgentChoice>>;
  readonly providers: readonly string[];
}

type Loose = Record<string, unknown>;

const mapping = (value: unknown): Loose => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {});
const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function safeParse(source: string | undefined): unknown {
  if (!source) return undefined;
  try {
    return parse(source, { maxAliasCount: 100, uniqueKeys: false });
  } catch {
    return undefined;
  }
}

function workflowChoice(path: string, root: Loose): WorkflowChoice | null {
  const name = text(root['name']);
  const type = root['type'];
  if (!name || (type !== 'role_playing' && type !== 'pipeline')) return null;
  const seats =
    type === 'role_playing'
      ? [text(root['user']), text(root['assistant'])]
      : list(root['steps']).map((step) => text(mapping(step)['agent']));
  return {
    name,
    path,
    type,
    description: text(root['description']),
    taskPrompt: text(root['task_prompt']),
    seats: [...new Set(seats.filter(Boolean))],
    critic: type === 'role_playing' ? text(root['critic']) || null : null,
    maxTurns: type === 'role_playing' ? count(root['max_turns']) : null,
    maxIterations: type === 'pipeline' ? count(root['max_iterations']) : null,
  };
}

/**
 * The workflows, agents and provider ids of a config set, read leniently: the api validated the
 * set when it was saved, and a file this cannot read is left out (the preflight names what is
 * wrong with a choice). Workflows by name.
 */
export function readConfigChoices(files: ConfigFiles): ConfigChoices {
  const agentsRoot = mapping(safeParse(files[AGENTS_FILE]));
  const agents: Record<string, AgentChoice> = {};
  for (const item of list(agentsRoot['agents'])) {
    const agent = mapping(item);
    const model = mapping(agent['model']);
    const name = text(agent['name']);
    if (!name) continue;
    const temperature = model['temperature'];
    agents[name] = {
      name,
      role: text(agent['role']),
      provider: text(model['provider']),
      model: text(model['name']),
      temperature: typeof temperature === 'number' ? temperature : null,
    };
  }
  const providers = list(agentsRoot['providers'])
    .map((provider) => text(mapping(provider)['id']))
    .filter(Boolean);
  const workflows = Object.keys(files)
    .filter((path) => path.startsWith('workflows/'))
    .map((path) => workflowChoice(path, mapping(safeParse(files[path]))))
    .filter((choice): choice is WorkflowChoice => choice !== null)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { workflows, agents, providers };
}
