import { bullmqConnection, withTimeout } from '@camel/workflows/server';
import { TRAINING_QUEUE_NAME } from '@camel/contracts';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type IRedisClient } from 'bullmq';
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
  private connection: IRedisClient | null = null;
  private queue: Queue<TrainingJob> | null = null;

  constructor(private readonly settings: { readonly redisUrl: string; readonly prefix: string }) {}

  async enqueue(runId: string): Promise<void> {
    try {
      await withTimeout(this.open().add('train', { runId }, { jobId: runId, removeOnComplete: true, removeOnFail: true }), ENQUEUE_TIMEOUT_MS);
    } catch (error) {
      this.logger.error(`training run ${runId}: could not be queued (${(error as Error).message}); a worker's sweep of unfinished runs picks it up`);
    }
  }

  async counts(): Promise<Record<string, number>> {
    return this.open().getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
  }

  async onApplicationShutdown(): Promise<void> {
    const { queue, connection } = this;
    this.queue = null;
    this.connection = null;
    await queue?.close();
    await connection?.quit();
  }

  open(): Queue<TrainingJob> {
    if (!this.queue) {
      this.connection = bullmqConnection(this.settings.redisUrl);
      this.queue = new Queue<TrainingJob>(TRAINING_QUEUE_NAME, { connection: this.connection, prefix: this.settings.prefix });
      this.queue.on('error', (error) => this.logger.error(`queue: ${error.message}`));
    }
    return this.queue;
  }
}
