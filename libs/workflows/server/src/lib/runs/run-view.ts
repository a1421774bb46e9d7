import type { RunAwaiting, RunView } from '@camel/contracts';
import type { Run } from '@camel/workflows';

export interface RunMeta {
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly createdBy: string;
}

/** The API's view of a run's domain state (the list, the live view and the replay slider show it). */
export function runView(run: Run, meta: RunMeta): RunView {
  const awaiting = run.awaiting;
  return {
    id: run.runId,
    projectId: run.projectId,
    workflow: run.workflow,
    workflowType: run.plan.type,
    configVersion: run.configVersion,
    status: run.status,
    terminationReason: run.terminationReason,
    task: run.originalTask,
    specifiedTask: run.specification?.specifiedTask ?? null,
    turns: run.turns.length,
    tokensUsed: run.tokensUsed,
    awaiting: awaiting ? awaitingView(run, awaiting) : null,
    regenerationsPending: run.regenerations.length,
    failure: run.failure
      ? { callId: run.failure.callId, errorKind: run.failure.errorKind, message: run.failure.message, retryable: run.failure.retryable }
      : null,
    ...meta,
  };
}

/** A person's turn, or a choice with the candidates to choose from (the acting agent's, in the order proposed). */
function awaitingView(run: Run, awaiting: NonNullable<Run['awaiting']>): RunAwaiting {
  const place = { turnId: awaiting.turnId, index: awaiting.index, agent: awaiting.agent, role: awaiting.role, ...(awaiting.step ? { step: awaiting.step } : {}), deadline: awaiting.deadline };
  if (awaiting.input === 'turn') return { ...place, input: 'turn' };
  const candidates = (run.candidates[awaiting.turnId]?.candidates ?? []).map(({ content, finishReason }) => ({ content, finishReason }));
  return { ...place, input: 'choice', candidates };
}
