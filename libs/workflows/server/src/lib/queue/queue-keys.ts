/** The BullMQ queue every run's work goes through. */
export const RUN_QUEUE_NAME = 'workflow-runs';

/** Redis keys beside BullMQ's own, under the deployment's prefix (QUEUE_PREFIX). */
export const queueKeys = (prefix: string) => ({
  lock: (runId: string) => `${prefix}:run-lock:${runId}`,
  again: (runId: string) => `${prefix}:run-again:${runId}`,
  deltas: `${prefix}:run-deltas`,
});

export type QueueKeys = ReturnType<typeof queueKeys>;
