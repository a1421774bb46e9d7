import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import type { RunQueue } from '../runs/run-queue';
import { LazyQueue } from './bullmq-connection';
import { RUN_QUEUE_NAME } from './queue-keys';

export interface RunJob {
  readonly runId: string;
}

export interface BullMqRunQueueSettings {
  readonly redisUrl: string;
  readonly prefix: string;
}

/** An api command answers without waiting longer for Redis: the run is in the log, the worker's sweep finds it. */
const ENQUEUE_TIMEOUT_MS = 5_000;

const JOB_DEFAULTS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
  // A pass throws only when the database or Redis went away: try again, less and less often.
  attempts: 10,
  backoff: { type: 'exponential', delay: 1000 },
};

/**
 * The production RunQueue: a job on the `workflow-runs` BullMQ queue says "look at run X". At most
 * one job per run waits (BullMQ deduplication by run id); an enqueue while the run's job is active is
 * kept and becomes the next job when it ends (`keepLastIfActive`), so nothing that arrives during a
 * pass is lost. Deadlines and lock retries are delayed jobs with their own deduplication ids. The
 * connection opens on first use, so a process that never enqueues (a CLI command) never connects.
 */
export class BullMqRunQueue implements RunQueue, OnApplicationShutdown {
  private readonly logger = new Logger('RunQueue');
  private readonly queue: LazyQueue<RunJob>;

  constructor(settings: BullMqRunQueueSettings) {
    this.queue = new LazyQueue<RunJob>(RUN_QUEUE_NAME, settings, this.logger);
  }

  async enqueue(runId: string): Promise<void> {
    try {
      await withTimeout(this.add(runId, { deduplication: { id: runId, keepLastIfActive: true } }), ENQUEUE_TIMEOUT_MS);
    } catch (error) {
      this.logger.error(`run ${runId}: could not be queued (${(error as Error).message}); a worker's sweep of unfinished runs picks it up`);
    }
  }

  /** A person's deadline: look at the run again at `at`. */
  async wakeAt(runId: string, at: number): Promise<void> {
    await this.add(runId, { delay: Math.max(0, at - Date.now()), deduplication: { id: `wake:${runId}:${at}`, keepLastIfActive: true } });
  }

  /** The run was locked by another pass: look again when that lock would have expired. */
  async retryIn(runId: string, delayMs: number): Promise<void> {
    await this.add(runId, { delay: delayMs, deduplication: { id: `contended:${runId}`, keepLastIfActive: true } });
  }

  counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  onApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }

  private async add(runId: string, options: JobsOptions): Promise<void> {
    await this.open().add('pass', { runId }, { ...JOB_DEFAULTS, ...options });
  }

  /** The BullMQ queue itself (the queue board shows it); opens the connection. */
  open(): Queue<RunJob> {
    return this.queue.open();
  }
}

/** `work`, or an error naming Redis after `ms` (a stopped or unreachable Redis may leave a command pending). */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
