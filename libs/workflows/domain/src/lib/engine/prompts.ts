import { createHash } from 'node:crypto';
import { OPENING_REF, type ChatMessage, type PipelinePlan, type PromptRef, type RolePlayPlan, type RunAgent, type TurnPlace } from '@camel/contracts';
import { turnById, type RecordedTurn, type Run } from '../runs/run-state';
import { fillTemplate, withPersona } from './camel-prompts';

/**
 * Every model call's message list is built here from the run's plan, its task and the turns a
 * prompt reference names — both when the engine asks for the call and when a recorded call is
 * rebuilt later, so the two cannot drift apart.
 */

/** sha256 (hex) of the message list as sent: JSON of `[{role, content}]`. */
export function promptHash(messages: readonly ChatMessage[]): string {
  return createHash('sha256')
    .update(JSON.stringify(messages.map(({ role, content }) => ({ role, content }))))
    .digest('hex');
}

export class PromptRebuildError extends Error {
  override readonly name = 'PromptRebuildError';
}

function rolePlayPlan(run: Run): RolePlayPlan {
  if (run.plan.type !== 'role_playing') throw new PromptRebuildError(`run ${run.runId} is not a role-play`);
  return run.plan;
}

function pipelinePlan(run: Run): PipelinePlan {
  if (run.plan.type !== 'pipeline') throw new PromptRebuildError(`run ${run.runId} is not a pipeline`);
  return run.plan;
}

function recorded(run: Run, turnId: string): RecordedTurn {
  const turn = turnById(run, turnId);
  if (!turn) throw new PromptRebuildError(`run ${run.runId} has no turn ${turnId}`);
  return turn;
}

function roleValues(plan: RolePlayPlan, task: string): Record<string, string> {
  return { assistant_role: plan.assistant.role, user_role: plan.user.role, task };
}

export function rolePlaySystem(run: Run, role: 'user' | 'assistant'): ChatMessage {
  const plan = rolePlayPlan(run);
  const agent = plan[role];
  return { role: 'system', content: withPersona(fillTemplate(plan.prompts[role], roleValues(plan, run.task)), agent.systemPrompt) };
}

/** `[system, …history]`: the caller's own turns as `assistant`, the peer's (and the opening) as `user`. */
export function rolePlayMessages(run: Run, role: 'user' | 'assistant', history: readonly string[]): ChatMessage[] {
  const plan = rolePlayPlan(run);
  return [
    rolePlaySystem(run, role),
    ...history.map((ref): ChatMessage => {
      if (ref === OPENING_REF) return { role: 'user', content: plan.prompts.opening };
      const turn = recorded(run, ref);
      return { role: turn.role === role ? 'assistant' : 'user', content: turn.content };
    }),
  ];
}

export function taskSpecifyMessages(run: Run): ChatMessage[] {
  const plan = rolePlayPlan(run);
  if (!plan.taskSpecifier) throw new PromptRebuildError(`run ${run.runId} has no task specifier`);
  const { agent, wordLimit } = plan.taskSpecifier;
  return [
    { role: 'system', content: agent.systemPrompt.trim() },
    { role: 'user', content: fillTemplate(plan.prompts.taskSpecify, { ...roleValues(plan, run.originalTask), word_limit: String(wordLimit) }) },
  ];
}

export function criticMessages(run: Run, turnId: string): ChatMessage[] {
  const plan = rolePlayPlan(run);
  const proposed = run.candidates[turnId];
  if (!proposed) throw new PromptRebuildError(`run ${run.runId} has no candidates for ${turnId}`);
  const persona = plan.critic?.kind === 'ai' ? plan.critic.agent.systemPrompt : '';
  const proposer = proposed.role === 'user' ? plan.user : plan.assistant;
  const options = proposed.candidates.map((c, i) => `Option ${i + 1}:\n${c.content}`).join('\n\n');
  return [
    { role: 'system', content: withPersona(plan.prompts.criticSystem, persona) },
    { role: 'user', content: fillTemplate(plan.prompts.criticOptions, { proposer_role: proposer.role, turn_role: proposed.role, task: run.task, options }) },
  ];
}

const TEMPLATE = /\{\{\s*([^}]*?)\s*\}\}/g;

/** The template variables of a step input that name earlier outputs. */
export function outputVariables(input: string): string[] {
  return [...new Set([...input.matchAll(TEMPLATE)].map(([, expression]) => expression).filter((e) => e !== 'task' && e !== 'iteration'))];
}

/** `[system, user: the step's input]`, rendered with each bound variable's turn (unbound: empty). */
export function pipelineMessages(
  run: Run,
  stepId: string,
  iteration: number,
  bindings: Readonly<Record<string, string | null>>,
): ChatMessage[] {
  const plan = pipelinePlan(run);
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) throw new PromptRebuildError(`pipeline of run ${run.runId} has no step ${stepId}`);
  const agent: RunAgent = plan.agents[step.agent];
  const input = step.input.replace(TEMPLATE, (whole, expression: string) => {
    if (expression === 'task') return run.task;
    if (expression === 'iteration') return String(iteration);
    if (!(expression in bindings)) return whole;
    const turnId = bindings[expression];
    return turnId === null ? '' : recorded(run, turnId).content;
  });
  return [
    { role: 'system', content: agent.systemPrompt.trim() },
    { role: 'user', content: input },
  ];
}

/** The messages a prompt reference stands for; `place` is the turn the call was made for (none for the specifier). */
export function messagesOf(run: Run, ref: PromptRef, place: TurnPlace | null): ChatMessage[] {
  switch (ref.kind) {
    case 'task_specify':
      return taskSpecifyMessages(run);
    case 'critic':
      return criticMessages(run, ref.turnId);
    case 'role_play':
      if (place?.role !== 'user' && place?.role !== 'assistant') throw new PromptRebuildError('a role-play prompt belongs to a user or assistant turn');
      return rolePlayMessages(run, place.role, ref.history);
    case 'pipeline':
      if (!place?.step) throw new PromptRebuildError('a pipeline prompt belongs to a step turn');
      return pipelineMessages(run, place.step.id, place.step.iteration, ref.bindings);
    default: {
      const unknown: never = ref;
      throw new PromptRebuildError(`unknown prompt reference ${JSON.stringify(unknown)}`);
    }
  }
}
