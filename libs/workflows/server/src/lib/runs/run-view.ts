import type { RunView } from '@camel/contracts';
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
    awaiting: awaiting
      ? {
          turnId: awaiting.turnId,
          index: awaiting.index,
          agent: awaiting.agent,
          role: awaiting.role,
          ...(awaiting.step ? { step: awaiting.step } : {}),
          input: awaiting.input,
          deadline: awaiting.deadline,
        }
      : null,
    failure: run.failure
      ? { callId: run.failure.callId, errorKind: run.failure.errorKind, message: run.failure.message, retryable: run.failure.retryable }
      : null,
    ...meta,
  };
}
