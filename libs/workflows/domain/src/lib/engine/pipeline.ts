import type { PipelinePlan, TurnPlace } from '@camel/contracts';
import { turnIdOf, type Run } from '../runs/run-state';
import { outputVariables, pipelineMessages } from './prompts';
import { agentTurn, overBudget, type Work } from './work';

/**
 * A pipeline: its steps in order, once per iteration. After each iteration the stop condition is
 * tested; the run ends when it holds (`task_done`) or after `maxIterations` (`max_turns` when a stop
 * condition was configured and never held, `task_done` when running every iteration was the plan).
 */
export function pipelineWork(run: Run, plan: PipelinePlan): Work {
  const done = run.turns.length;
  const perIteration = plan.steps.length;
  if (done > 0 && done % perIteration === 0) {
    const iteration = done / perIteration;
    const stop = plan.stop;
    if (stop) {
      const tested = run.turns.findLast((t) => t.step?.id === stop.step);
      if (tested?.step?.iteration === iteration && tested.content.includes(stop.contains)) return { type: 'finish', reason: 'task_done' };
    }
    if (iteration >= plan.maxIterations) return { type: 'finish', reason: stop ? 'max_turns' : 'task_done' };
  }
  if (overBudget(run, plan.maxTotalTokens)) return { type: 'finish', reason: 'max_tokens_exceeded' };

  const position = done % perIteration;
  const iteration = Math.floor(done / perIteration) + 1;
  const step = plan.steps[position];
  const index = done + 1;
  const place: TurnPlace = { turnId: turnIdOf(index), index, agent: step.agent, role: 'step', step: { id: step.id, iteration } };
  const bindings: Record<string, string | null> = {};
  for (const variable of outputVariables(step.input)) {
    if (variable === 'previous.output') {
      bindings[variable] = position === 0 ? null : run.turns[done - 1].turnId;
      continue;
    }
    const named = /^steps\.(.+)\.output$/.exec(variable);
    // The latest output of that step: this iteration's when it already ran, else the previous one's.
    if (named) bindings[variable] = run.turns.findLast((t) => t.step?.id === named[1])?.turnId ?? null;
  }
  const messages = pipelineMessages(run, step.id, iteration, bindings);
  return agentTurn(place, plan.agents[step.agent], messages, (sha256) => ({ kind: 'pipeline', bindings, sha256 }));
}
