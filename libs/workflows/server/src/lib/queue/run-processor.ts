import { APP_CONFIG, type AppConfig } from '@camel/server';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type IRedisClient, type Job } from 'bullmq';
import { RunExecutor } from '../runs/run-executor';
import { RunsReadModel } from '../runs/runs.read-model';
import { bullmqConnection } from './bullmq-connection';
import { BullMqRunQueue, type RunJob } from './bullmq-run-queue';
import { queueKeys, RUN_QUEUE_NAME } from './queue-keys';
import { RedisClient } from './redis/redis-client';
import { RunGate } from './run-gate';

/** How long a stopping worker lets its passes finish; the rest continue elsewhere (stalled jobs). */
const SHUTDOWN_GRACE_MS = 10_000;
/** A job whose worker died more often than this fails instead of being picked up again. */
const MAX_STALLED = 5;

/**
 * The worker's side of the run queue: a BullMQ Worker whose jobs each drive one run through the
 * same RunExecutor as the embedded queue, behind the run's lock (RunGate). A killed worker's job
 * is stalled, moved back by BullMQ (lockDuration/stalledInterval) and taken by another worker,
 * which continues the run from its last recorded turn: the executor reads the stream and records
 * nothing twice. Every RUN_SWEEP_MS (and at start) it queues the unfinished runs the log knows of.
 */
@Injectable()
export class RunProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunProcessor');
  private worker: Worker<RunJob, string> | null = null;
  private connection: IRedisClient | null = null;
  private redis: RedisClient | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly executor: RunExecutor,
    private readonly runs: RunsReadModel,
    private readonly queue: BullMqRunQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { redisUrl, queue } = this.config;
    if (!redisUrl) {
      this.logger.warn('REDIS_URL is not set: no queue to process (on the embedded default the api drives runs itself)');
      return;
    }
    const redis = new RedisClient(redisUrl);
    this.redis = redis;
    await redis.connect();
    // Redis restarted or the network dropped: the run locks need this connection back (ours, at shutdown, carries no error).
    redis.onclose = (error) => void (error && redis.connect().catch(() => undefined));
    const gate = new RunGate(this.redis, queueKeys(queue.prefix), queue.lockMs, (message) => this.logger.warn(message));
    this.connection = bullmqConnection(redisUrl);
    this.worker = new Worker<RunJob, string>(RUN_QUEUE_NAME, (job) => this.process(gate, job), {
      connection: this.connection,
      prefix: queue.prefix,
      concurrency: queue.concurrency,
      lockDuration: queue.lockMs,
      stalledInterval: queue.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
    });
    this.worker.on('error', (error) => this.logger.error(`worker: ${error.message}`));
    this.worker.on('failed', (job, error) => this.logger.error(`run ${job?.data.runId}: pass failed (attempt ${job?.attemptsMade}): ${error.message}`));
    await this.worker.waitUntilReady();
    this.logger.log(`processing ${RUN_QUEUE_NAME} (concurrency ${queue.concurrency}, lock ${queue.lockMs} ms)`);
    void this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), queue.sweepMs);
  }

  /** Redis answers this worker's own connection (the one its run locks go through). */
  async ping(): Promise<void> {
    if (!this.redis) throw new Error('REDIS_URL is not set: this worker has no queue to process');
    await this.redis.send('PING');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([worker.close(), new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS)))]);
      clearTimeout(timer);
    }
    await this.connection?.quit();
    this.redis?.close();
  }

  /** Queues every run the runs read model lists as unfinished (deduplicated: a waiting run is not queued twice). */
  async sweep(): Promise<number> {
    try {
      const unfinished = await this.runs.unfinished();
      for (const runId of unfinished) await this.queue.enqueue(runId);
      return unfinished.length;
    } catch (error) {
      this.logger.error(`sweeping unfinished runs failed: ${(error as Error).message}`);
      return 0;
    }
  }

  private async process(gate: RunGate, job: Job<RunJob>): Promise<string> {
    const { runId } = job.data;
    const result = await gate.exclusive(runId, () => this.executor.pass(runId));
    if (result.type === 'contended') {
      await this.queue.retryIn(runId, result.retryInMs);
      return 'contended';
    }
    if (result.outcome.type === 'wake_at') await this.queue.wakeAt(runId, result.outcome.at);
    return result.outcome.type;
  }
}
