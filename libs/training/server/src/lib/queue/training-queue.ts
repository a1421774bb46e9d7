/** Where a launched run goes: a job says "train run X"; the runner reads the run's stream for the rest. */
export interface TrainingQueue {
  enqueue(runId: string): Promise<void>;
}

export const TRAINING_QUEUE = Symbol('TRAINING_QUEUE');

/** Whether this process trains the unfinished runs it finds at start (the api on the embedded default; not the CLI). */
export const RECOVER_TRAINING = Symbol('RECOVER_TRAINING');
