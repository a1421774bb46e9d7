import type { EventStore, ProjectionRunner } from '@camel/event-store';
import { EVENT_STORE, PROJECTION_RUNNER } from '@camel/server';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RunExecutor } from './run-executor';
import type { RunQueue } from './run-queue';
import { runsProjection } from './runs.projection';
import { RunsReadModel } from './runs.read-model';

/** Whether this process drives the unfinished runs it finds at start (the api on the embedded default; not the CLI). */
export const RECOVER_RUNS = Symbol('RECOVER_RUNS');

interface Slot {
  /** Another enqueue arrived while a pass ran: pass again when it ends. */
  again: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * The embedded default's queue: runs are driven in this process, one pass at a time per run, as
 * many runs at once as they like (they wait on HTTP, not on the CPU). Nothing is kept that the log
 * does not have: after a restart, `recover` enqueues every unfinished run the runs read model lists.
 */
@Injectable()
export class InProcessRunQueue implements RunQueue, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunQueue');
  private readonly slots = new Map<string, Slot>();
  private readonly passes = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly executor: RunExecutor,
    private readonly runs: RunsReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly projections: ProjectionRunner,
    @Inject(RECOVER_RUNS) private readonly recoverAtStart: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (this.recoverAtStart) void this.recover().catch((error: unknown) => this.logger.error(`recovering runs failed: ${String(error)}`));
  }

  /** Every run the log leaves unfinished (e.g. after kill -9) is driven again, from its last recorded turn. */
  async recover(): Promise<number> {
    await this.projections.waitFor(await this.store.headPosition(), { names: [runsProjection.name], timeoutMs: 600_000 });
    const unfinished = await this.runs.unfinished();
    for (const runId of unfinished) await this.enqueue(runId);
    if (unfinished.length > 0) this.logger.log(`${unfinished.length} unfinished run(s) picked up again`);
    return unfinished.length;
  }

  async enqueue(runId: string): Promise<void> {
    if (this.closed) return;
    const slot = this.slots.get(runId);
    if (slot) {
      if (slot.timer) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
        this.start(runId, slot);
      } else {
        slot.again = true;
      }
      return;
    }
    this.start(runId, { again: false });
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.passes.size > 0) await Promise.allSettled([...this.passes]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    await this.drain();
  }

  private start(runId: string, slot: Slot): void {
    this.slots.set(runId, slot);
    slot.again = false;
    const pass = this.executor.pass(runId).then(
      (outcome) => {
        if (this.closed) return;
        if (slot.again) return this.start(runId, slot);
        if (outcome.type === 'wake_at') {
          slot.timer = setTimeout(() => {
            slot.timer = undefined;
            this.start(runId, slot);
          }, Math.max(0, outcome.at - Date.now()));
          return;
        }
        this.slots.delete(runId);
      },
      (error: unknown) => {
        // The log is unchanged by a pass that threw (e.g. the database went away): try again later.
        this.logger.error(`run ${runId}: pass failed, retrying in 2 s`, error instanceof Error ? error.stack : undefined);
        if (this.closed) return;
        slot.timer = setTimeout(() => {
          slot.timer = undefined;
          this.start(runId, slot);
        }, 2000);
      },
    );
    const tracked = pass.finally(() => this.passes.delete(tracked));
    this.passes.add(tracked);
  }
}
