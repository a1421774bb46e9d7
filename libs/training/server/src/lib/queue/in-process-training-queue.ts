import type { EventStore, ProjectionRunner } from '@camel/event-store';
import { APP_CONFIG, EVENT_STORE, PROJECTION_RUNNER, type AppConfig } from '@camel/server';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { trainingRunsProjection } from '../training-runs.projection';
import { TrainingRunsReadModel } from '../training-runs.read-model';
import { RECOVER_TRAINING, type TrainingQueue } from './training-queue';
import { TrainingRunner } from './training-runner';

/**
 * The embedded default's training queue: runs wait in launch order and TRAINING_CONCURRENCY of them
 * train at once, each in its own training process (the api's event loop stays free). Like the
 * in-process run queue, nothing is kept that the log does not have: at start, `recover` queues every
 * unfinished run the read model lists, and each resumes from its last checkpoint.
 */
@Injectable()
export class InProcessTrainingQueue implements TrainingQueue, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TrainingQueue');
  private readonly waiting: string[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private closed = false;
  private bootstrapped = false;

  constructor(
    private readonly runner: TrainingRunner,
    private readonly runs: TrainingRunsReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RECOVER_TRAINING) private readonly recoverAtStart: boolean,
  ) {}

  onApplicationBootstrap(): void {
    // Nest calls the hooks once per provider token, and TRAINING_QUEUE may be this instance too.
    if (this.bootstrapped) return;
    this.bootstrapped = true;
    if (this.recoverAtStart) void this.recover().catch((error: unknown) => this.logger.error(`recovering training runs failed: ${String(error)}`));
  }

  /** Every run the log leaves unfinished (e.g. after kill -9) is queued again, oldest first. */
  async recover(): Promise<number> {
    await this.projections.waitFor(await this.store.headPosition(), { names: [trainingRunsProjection.name], timeoutMs: 600_000 });
    const unfinished = await this.runs.unfinished();
    for (const runId of unfinished) await this.enqueue(runId);
    if (unfinished.length > 0) this.logger.log(`${unfinished.length} unfinished training run(s) queued again`);
    return unfinished.length;
  }

  async enqueue(runId: string): Promise<void> {
    if (this.closed || this.active.has(runId) || this.waiting.includes(runId)) return;
    this.waiting.push(runId);
    this.next();
  }

  /** Resolves when nothing trains or waits (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.closed) return this.drain();
    this.closed = true;
    this.waiting.length = 0;
    await this.runner.onApplicationShutdown();
    await this.drain();
  }

  private next(): void {
    while (!this.closed && this.active.size < this.config.training.concurrency && this.waiting.length > 0) {
      const runId = this.waiting.shift() as string;
      const job = this.runner
        .run(runId)
        .then(
          () => undefined,
          (error: unknown) => {
            // The log is unchanged by what threw (e.g. the database went away): try again later.
            this.logger.error(`training run ${runId}: ${(error as Error).message}; retrying in 2 s`);
            if (!this.closed) setTimeout(() => void this.enqueue(runId), 2000).unref();
          },
        )
        .finally(() => {
          this.active.delete(runId);
          this.next();
        });
      this.active.set(runId, job);
    }
  }
}
