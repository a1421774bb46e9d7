import type { EventStore, Subscription } from '@camel/event-store';
import { EVENT_STORE } from '@camel/server';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Cancel reaches a model call in flight in whichever process makes it: this process follows the
 * log (NOTIFY wakes it on PostgreSQL) and aborts the HTTP calls of runs whose `RunCancelled` it
 * sees. The log is the control channel, so no second transport is needed.
 */
@Injectable()
export class RunCancellations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunCancellations');
  private readonly controllers = new Map<string, Set<AbortController>>();
  private subscription: Subscription | null = null;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationBootstrap(): Promise<void> {
    const head = await this.store.headPosition();
    this.subscription = this.store.subscribe(
      { after: head, onError: (error) => this.logger.error(`following cancellations failed: ${String(error)}`) },
      async (batch) => {
        for (const event of batch) {
          if (event.type === 'RunCancelled') this.abort((event.data as { runId: string }).runId);
        }
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  /** A signal that aborts when the run is cancelled; call `release` when the call is over. */
  signalFor(runId: string): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    const set = this.controllers.get(runId) ?? new Set<AbortController>();
    set.add(controller);
    this.controllers.set(runId, set);
    return {
      signal: controller.signal,
      release: () => {
        set.delete(controller);
        if (set.size === 0) this.controllers.delete(runId);
      },
    };
  }

  abort(runId: string): void {
    for (const controller of this.controllers.get(runId) ?? []) controller.abort(new Error(`run ${runId} cancelled`));
  }
}
