/**
 * Where run work goes after a command: the queue carries work, the log carries truth. A job says only
 * "look at run X"; the processor reads the run's stream and does what `nextStep` says, so a job run
 * twice, late or after a crash records nothing twice (model answers are idempotent by call id).
 */
export interface RunQueue {
  enqueue(runId: string): Promise<void>;
}

export const RUN_QUEUE = Symbol('RUN_QUEUE');
