import type { EventStore, ProjectionRunner } from '@camel/event-store';
import { APP_CONFIG, EVENT_STORE, PROJECTION_RUNNER, type AppConfig } from '@camel/server';
import type { Provider } from '@nestjs/common';
import { InProcessRunQueue } from '../runs/in-process-run-queue';
import { RunExecutor } from '../runs/run-executor';
import { RUN_QUEUE, type RunQueue } from '../runs/run-queue';
import { RunsReadModel } from '../runs/runs.read-model';
import { BullMqRunQueue } from './bullmq-run-queue';

/**
 * RUN_QUEUE chosen by configuration when the process starts: with REDIS_URL, run work becomes
 * BullMQ jobs for the workers and this process only adds them; without, the embedded default's
 * in-process queue drives runs here (`recover`: pick up unfinished runs at start).
 */
export const runQueueByConfig = (options: { readonly recover: boolean }): Provider => ({
  provide: RUN_QUEUE,
  inject: [APP_CONFIG, RunExecutor, RunsReadModel, EVENT_STORE, PROJECTION_RUNNER],
  useFactory: (config: AppConfig, executor: RunExecutor, runs: RunsReadModel, store: EventStore, projections: ProjectionRunner): RunQueue =>
    config.redisUrl
      ? new BullMqRunQueue({ redisUrl: config.redisUrl, prefix: config.queue.prefix })
      : new InProcessRunQueue(executor, runs, store, projections, options.recover),
});

/** The worker's producer: wake-ups and lock retries (and sweeps) go back onto the same queue. */
export const bullMqRunQueueProvider: Provider = {
  provide: BullMqRunQueue,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new BullMqRunQueue({ redisUrl: config.redisUrl ?? 'redis://127.0.0.1:6379', prefix: config.queue.prefix }),
};
