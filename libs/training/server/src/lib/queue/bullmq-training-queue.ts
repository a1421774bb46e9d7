import { TRAINING_QUEUE_NAME } from '@camel/contracts';
import { LazyQueue, withTimeout } from '@camel/workflows/server';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { TrainingQueue } from './training-queue';

export interface TrainingJob {
  readonly runId: string;
}

const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * The production TrainingQueue: one BullMQ job per run on the `training` queue (job id = run id, so
 * a run is never queued twice while its job exists; ended jobs are removed, so a sweep can queue an
 * unfinished run again). The job carries no retries of its own: a lost worker's job is stalled and
 * moved back by BullMQ, and the runner counts attempts on the run's stream.
 */
export class BullMqTrainingQueue implements TrainingQueue, OnApplicationShutdown {
  private readonly logger = new Logger('TrainingQueue');
  private readonly queue: LazyQueue<TrainingJob>;

  constructor(settings: { readonly redisUrl: string; readonly prefix: string }) {
    this.queue = new LazyQueue<TrainingJob>(TRAINING_QUEUE_NAME, settings, this.logger);
  }

  async enqueue(runId: string): Promise<void> {
    try {
      await withTimeout(this.queue.open().add('train', { runId }, { jobId: runId, removeOnComplete: true, removeOnFail: true }), ENQUEUE_TIMEOUT_MS);
    } catch (error) {
      this.logger.error(`training run ${runId}: could not be queued (${(error as Error).message}); a worker's sweep of unfinished runs picks it up`);
    }
  }

  counts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  onApplicationShutdown(): Promise<void> {
    return this.queue.close();
  }
}
