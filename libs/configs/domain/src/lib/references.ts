import type { ConfigProblem } from '@camel/contracts';
import type { AgentsFile, PipelineWorkflow, WorkflowFile } from './config-schema';
import { positionIn, sortProblems } from './parse-config';

export interface ConfigSource<T> {
  readonly file: string;
  readonly text: string;
  readonly value: T;
}

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;

/**
 * Cross-references of a config set: agents name known providers, workflows name known agents,
 * pipeline templates and stop conditions name known steps; names are unique. Each problem points
 * at the key that holds the bad reference.
 */
export function checkReferences(agents: ConfigSource<AgentsFile>, workflows: readonly ConfigSource<WorkflowFile>[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (source: ConfigSource<unknown>, path: (string | number)[], code: string, message: string) =>
    problems.push(positionIn(source.file, source.text, path, code, message));

  const providers = new Set<string>();
  agents.value.providers.forEach((provider, i) => {
    if (providers.has(provider.id)) at(agents, ['providers', i, 'id'], 'config.duplicate-name', `provider id "${provider.id}" is used twice`);
    providers.add(provider.id);
  });
  const agentNames = new Set<string>();
  agents.value.agents.forEach((agent, i) => {
    if (agentNames.has(agent.name)) at(agents, ['agents', i, 'name'], 'config.duplicate-name', `agent name "${agent.name}" is used twice`);
    agentNames.add(agent.name);
    if (!providers.has(agent.model.provider)) {
      at(agents, ['agents', i, 'model', 'provider'], 'config.reference', `agent "${agent.name}" names unknown provider "${agent.model.provider}"`);
    }
  });

  const workflowNames = new Map<string, string>();
  for (const source of workflows) {
    const workflow = source.value;
    const other = workflowNames.get(workflow.name);
    if (other) at(source, ['name'], 'config.duplicate-name', `workflow name "${workflow.name}" is also used by ${other}`);
    workflowNames.set(workflow.name, source.file);
    const agentRef = (path: (string | number)[], name: string | undefined) => {
      if (name !== undefined && !agentNames.has(name)) at(source, path, 'config.reference', `unknown agent "${name}" (not in ${agents.file})`);
    };
    if (workflow.type === 'role_playing') {
      agentRef(['assistant'], workflow.assistant);
      agentRef(['user'], workflow.user);
      agentRef(['critic'], workflow.critic);
      agentRef(['task_specify', 'agent'], workflow.task_specify?.agent);
    } else {
      checkPipeline(source as ConfigSource<PipelineWorkflow>, agentRef, at);
    }
  }
  return sortProblems(problems);
}

function checkPipeline(
  source: ConfigSource<PipelineWorkflow>,
  agentRef: (path: (string | number)[], name: string) => void,
  at: (source: ConfigSource<unknown>, path: (string | number)[], code: string, message: string) => void,
): void {
  const steps = source.value.steps;
  const ids = new Set<string>();
  steps.forEach((step, i) => {
    if (ids.has(step.id)) at(source, ['steps', i, 'id'], 'config.duplicate-name', `step id "${step.id}" is used twice`);
    ids.add(step.id);
  });
  steps.forEach((step, i) => {
    agentRef(['steps', i, 'agent'], step.agent);
    for (const [, expression] of step.input.matchAll(TEMPLATE)) {
      const problem = templateProblem(expression, i, ids);
      if (problem) at(source, ['steps', i, 'input'], 'config.template', problem);
    }
  });
  const stop = source.value.stop;
  if (stop && !ids.has(stop.step)) at(source, ['stop', 'step'], 'config.reference', `stop.step names unknown step "${stop.step}"`);
}

/** `{{task}}`, `{{iteration}}`, `{{previous.output}}` (not in the first step), `{{steps.<id>.output}}`. */
function templateProblem(expression: string, index: number, ids: ReadonlySet<string>): string | null {
  if (expression === 'task' || expression === 'iteration') return null;
  if (expression === 'previous.output') return index === 0 ? 'the first step has no previous output ({{previous.output}})' : null;
  const step = /^steps\.([a-z][a-z0-9_-]*)\.output$/.exec(expression);
  if (step) return ids.has(step[1]) ? null : `{{${expression}}} names unknown step "${step[1]}"`;
  return `unknown template variable {{${expression}}}: use task, iteration, previous.output or steps.<id>.output`;
}
