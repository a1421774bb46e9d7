import {
  CAMEL_TASK_DONE,
  DomainError,
  RUN_TEXT_MAX_LENGTH,
  type AgentKind,
  type AgentOverride,
  type ModelParameters,
  type RunAgent,
  type RunCritic,
  type RunOverrides,
  type RunPlan,
} from '@camel/contracts';
import type { AgentConfig, PipelineWorkflow, RolePlayingWorkflow, ValidConfigSet } from '@camel/configs';
import { CAMEL_PROMPTS } from '../engine/camel-prompts';
import { isRecord, optional, validInteger, validParameters, validRecord, validText } from './validate';

export const DEFAULT_CRITIC_CANDIDATES = 3;
export const DEFAULT_WORD_LIMIT = 50;
const MAX_CANDIDATES = 8;
const MAX_INPUT_TIMEOUT_SECONDS = 7 * 24 * 3600;

export interface ResolvedRun {
  readonly task: string;
  readonly overrides: RunOverrides;
  readonly plan: RunPlan;
}

/**
 * The plan a run pins at start: the workflow of the config version with the run's overrides
 * applied and every agent resolved, so that deciding and replaying the run never reads a config.
 */
export function resolveRunPlan(config: ValidConfigSet, workflowName: unknown, rawOverrides: unknown): ResolvedRun {
  const workflow = Object.values(config.workflows).find((w) => w.name === workflowName);
  if (!workflow) throw DomainError.validation('run.workflow.unknown', 'workflow', `workflow ${String(workflowName)} is not in this config version`);
  const overrides = validOverrides(rawOverrides, workflow.type);
  const agentsByName = new Map(config.agents.agents.map((agent) => [agent.name, agent]));
  const providers = config.agents.providers.map((p) => p.id);
  const participants = workflow.type === 'role_playing' ? [workflow.assistant, workflow.user] : workflow.steps.map((s) => s.agent);
  for (const [name, override] of Object.entries(overrides.agents ?? {})) {
    if (!participants.includes(name)) {
      throw DomainError.validation('run.override.agent', `overrides.agents.${name}`, `agent ${name} takes no turns in workflow ${workflow.name}`);
    }
    if (override.provider !== undefined && !providers.includes(override.provider)) {
      throw DomainError.validation('run.override.provider', `overrides.agents.${name}.provider`, `provider ${override.provider} is not in this config version`);
    }
  }
  const agent = (name: string, participant: boolean): RunAgent => {
    const config = agentsByName.get(name);
    // The config set's references were checked when it was saved; a missing agent means a corrupt set.
    if (!config) throw DomainError.validation('run.workflow.agent', 'workflow', `workflow ${workflow.name} names unknown agent ${name}`);
    return runAgent(config, participant ? overrides.agents?.[name] : undefined);
  };
  const task = overrides.task ?? workflow.task_prompt;
  const maxTotalTokens = overrides.maxTotalTokens ?? null;
  if (workflow.type === 'pipeline') return { task, overrides, plan: pipelinePlan(workflow, overrides, agent, maxTotalTokens, providers) };
  return { task, overrides, plan: rolePlayPlan(workflow, overrides, agent, maxTotalTokens, providers) };
}

function rolePlayPlan(
  workflow: RolePlayingWorkflow,
  overrides: RunOverrides,
  agent: (name: string, participant: boolean) => RunAgent,
  maxTotalTokens: number | null,
  providers: readonly string[],
): RunPlan {
  const terminationTokens = workflow.termination_tokens ?? [];
  const endTokens = [CAMEL_TASK_DONE, ...terminationTokens];
  return {
    type: 'role_playing',
    assistant: withoutStops(agent(workflow.assistant, true), endTokens),
    user: withoutStops(agent(workflow.user, true), endTokens),
    taskSpecifier: workflow.task_specify
      ? { agent: agent(workflow.task_specify.agent, false), wordLimit: workflow.task_specify.word_limit ?? DEFAULT_WORD_LIMIT }
      : null,
    critic: critic(workflow, overrides, agent),
    maxTurns: overrides.maxTurns ?? workflow.max_turns,
    terminationTokens,
    maxTotalTokens,
    prompts: CAMEL_PROMPTS,
    providers,
  };
}

function pipelinePlan(
  workflow: PipelineWorkflow,
  overrides: RunOverrides,
  agent: (name: string, participant: boolean) => RunAgent,
  maxTotalTokens: number | null,
  providers: readonly string[],
): RunPlan {
  const agents: Record<string, RunAgent> = {};
  for (const step of workflow.steps) agents[step.agent] ??= agent(step.agent, true);
  return {
    type: 'pipeline',
    steps: workflow.steps.map((s) => ({ id: s.id, agent: s.agent, input: s.input })),
    agents,
    maxIterations: overrides.maxIterations ?? workflow.max_iterations,
    stop: workflow.stop ? { step: workflow.stop.step, contains: workflow.stop.contains } : null,
    maxTotalTokens,
    providers,
  };
}

function critic(workflow: RolePlayingWorkflow, overrides: RunOverrides, agent: (name: string, participant: boolean) => RunAgent): RunCritic | null {
  const wanted = overrides.critic;
  const candidates = wanted?.candidates ?? DEFAULT_CRITIC_CANDIDATES;
  if (wanted?.kind === 'human') return { kind: 'human', candidates, inputTimeoutSeconds: wanted.inputTimeoutSeconds ?? null };
  if (!workflow.critic) {
    if (wanted) throw DomainError.validation('run.override.critic', 'overrides.critic', `workflow ${workflow.name} has no critic agent: choose kind human`);
    return null;
  }
  return { kind: 'ai', agent: agent(workflow.critic, false), candidates };
}

/**
 * A stop sequence is cut from the answer by the endpoint, so a termination token used as one would
 * never reach the engine: role-play agents are sent their stops without the run's end tokens.
 */
function withoutStops(agent: RunAgent, tokens: readonly string[]): RunAgent {
  const { stop, ...rest } = agent.parameters;
  const kept = (stop ?? []).filter((s) => !tokens.includes(s));
  return { ...agent, parameters: kept.length > 0 ? { ...rest, stop: kept } : rest };
}

function runAgent(config: AgentConfig, override: AgentOverride | undefined): RunAgent {
  const { provider, name, ...configured } = config.model;
  const parameters: ModelParameters = Object.fromEntries(Object.entries(configured).filter(([, v]) => v !== undefined));
  return {
    name: config.name,
    role: config.role,
    kind: override?.kind ?? 'ai',
    systemPrompt: config.system_prompt,
    provider: override?.provider ?? provider,
    model: override?.model ?? name,
    parameters: { ...parameters, ...override?.parameters },
    memoryWindow: config.memory_window ?? null,
    inputTimeoutSeconds: override?.inputTimeoutSeconds ?? null,
  };
}

const validKind = (field: string) => (raw: unknown): AgentKind => {
  if (raw !== 'ai' && raw !== 'human') throw DomainError.validation('run.input.invalid', field, `${field} must be ai or human`);
  return raw;
};
const validTimeout = (field: string) => (raw: unknown) => validInteger(raw, field, 1, MAX_INPUT_TIMEOUT_SECONDS);

function validOverrides(raw: unknown, type: RunPlan['type']): RunOverrides {
  const input = validRecord(raw, 'overrides', ['task', 'maxTurns', 'maxIterations', 'maxTotalTokens', 'agents', 'critic']);
  const onlyFor = (key: string, wanted: RunPlan['type']) => {
    if (input[key] !== undefined && type !== wanted) {
      throw DomainError.validation('run.override.type', `overrides.${key}`, `overrides.${key} applies to ${wanted} workflows only`);
    }
  };
  onlyFor('maxTurns', 'role_playing');
  onlyFor('critic', 'role_playing');
  onlyFor('maxIterations', 'pipeline');
  const agents: Record<string, AgentOverride> = {};
  for (const [name, value] of Object.entries(validRecord(input['agents'], 'overrides.agents', isRecord(input['agents']) ? Object.keys(input['agents']) : []))) {
    const field = `overrides.agents.${name}`;
    const agent = validRecord(value, field, ['kind', 'provider', 'model', 'parameters', 'inputTimeoutSeconds']);
    agents[name] = dropUndefined({
      kind: optional(agent['kind'], validKind(`${field}.kind`)),
      provider: optional(agent['provider'], (v) => validText(v, `${field}.provider`, 64)),
      model: optional(agent['model'], (v) => validText(v, `${field}.model`, 200)),
      parameters: optional(agent['parameters'], (v) => validParameters(v, `${field}.parameters`)),
      inputTimeoutSeconds: optional(agent['inputTimeoutSeconds'], validTimeout(`${field}.inputTimeoutSeconds`)),
    });
  }
  const criticInput = input['critic'] === undefined ? undefined : validRecord(input['critic'], 'overrides.critic', ['kind', 'candidates', 'inputTimeoutSeconds']);
  return dropUndefined({
    task: optional(input['task'], (v) => validText(v, 'overrides.task', RUN_TEXT_MAX_LENGTH).trim()),
    maxTurns: optional(input['maxTurns'], (v) => validInteger(v, 'overrides.maxTurns', 1, 1000)),
    maxIterations: optional(input['maxIterations'], (v) => validInteger(v, 'overrides.maxIterations', 1, 100)),
    maxTotalTokens: optional(input['maxTotalTokens'], (v) => validInteger(v, 'overrides.maxTotalTokens', 1, 1_000_000_000)),
    agents: Object.keys(agents).length > 0 ? agents : undefined,
    critic: criticInput
      ? dropUndefined({
          kind: optional(criticInput['kind'], validKind('overrides.critic.kind')),
          candidates: optional(criticInput['candidates'], (v) => validInteger(v, 'overrides.critic.candidates', 2, MAX_CANDIDATES)),
          inputTimeoutSeconds: optional(criticInput['inputTimeoutSeconds'], validTimeout('overrides.critic.inputTimeoutSeconds')),
        })
      : undefined,
  });
}

/** Overrides are stored in the run's first event: absent keys stay absent rather than `undefined`. */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
