import { TRAINING_QUEUE_NAME } from '@camel/contracts';
import { APP_CONFIG, type AppConfig } from '@camel/server';
import { bullmqConnection } from '@camel/workflows/server';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type IRedisClient } from 'bullmq';
import { TrainingRunsReadModel } from '../training-runs.read-model';
import { BullMqTrainingQueue, type TrainingJob } from './bullmq-training-queue';
import { MAX_TRAINING_ATTEMPTS, TrainingRunner, type TrainingJobOutcome } from './training-runner';

/**
 * The worker's side of the training queue: a BullMQ Worker with TRAINING_CONCURRENCY (default 1:
 * one training process per core; start more workers to train more runs at once). The job's lock is
 * renewed while the training process computes (this event loop only relays its reports); a killed
 * worker's job stalls and another worker takes it, resuming from the last checkpoint. Every
 * RUN_SWEEP_MS (and at start) it queues the unfinished runs the log knows of (deduplicated by id).
 */
@Injectable()
export class TrainingProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TrainingProcessor');
  private worker: Worker<TrainingJob, TrainingJobOutcome> | null = null;
  private connection: IRedisClient | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly runner: TrainingRunner,
    private readonly runs: TrainingRunsReadModel,
    private readonly queue: BullMqTrainingQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { redisUrl, queue, training } = this.config;
    if (!redisUrl) {
      this.logger.warn('REDIS_URL is not set: no training queue to process (on the embedded default the api trains itself)');
      return;
    }
    this.connection = bullmqConnection(redisUrl);
    this.worker = new Worker<TrainingJob, TrainingJobOutcome>(TRAINING_QUEUE_NAME, (job) => this.runner.run(job.data.runId), {
      connection: this.connection,
      prefix: queue.prefix,
      concurrency: training.concurrency,
      lockDuration: queue.lockMs,
      stalledInterval: queue.stalledIntervalMs,
      // The run's own attempt count (its stream) ends a run lost too often; BullMQ's count only backs it up.
      maxStalledCount: 2 * MAX_TRAINING_ATTEMPTS,
    });
    this.worker.on('error', (error) => this.logger.error(`worker: ${error.message}`));
    this.worker.on('failed', (job, error) => this.logger.error(`training run ${job?.data.runId}: job failed: ${error.message}`));
    await this.worker.waitUntilReady();
    this.logger.log(`processing ${TRAINING_QUEUE_NAME} (concurrency ${training.concurrency}, lock ${queue.lockMs} ms)`);
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), queue.sweepMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const worker = this.worker;
    this.worker = null;
    await this.runner.onApplicationShutdown();
    await worker?.close();
    await this.connection?.quit();
  }

  /** Queues every unfinished run (a job lost with Redis, or never queued because Redis was away). */
  async sweep(): Promise<number> {
    try {
      const unfinished = await this.runs.unfinished();
      for (const runId of unfinished) await this.queue.enqueue(runId);
      return unfinished.length;
    } catch (error) {
      this.logger.error(`sweeping unfinished training runs failed: ${(error as Error).message}`);
      return 0;
    }
  }
}
