import type { RecordedEvent } from '@camel/contracts';
import type { EventStore, Subscription } from '@camel/event-store';

export interface FanoutListener {
  /** Called synchronously for every committed batch, in position order. */
  onLive(events: readonly RecordedEvent[]): void;
}

export interface FanoutLogger {
  error(message: string): void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * One tail subscription on the event log per process, shared by every live client: the database is
 * read once per commit whatever the number of sockets. PostgreSQL NOTIFY (from any process) or a
 * local append wakes it; polling is the fallback. It restarts after a database error from where it
 * stopped, so listeners never see a gap.
 */
export class EventFanout {
  private readonly listeners = new Set<FanoutListener>();
  private subscription: Subscription | null = null;
  private lastPosition = 0;
  private stopped = true;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly logger: FanoutLogger,
  ) {}

  /** Last position handed to listeners. */
  get position(): number {
    return this.lastPosition;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.lastPosition = await this.store.headPosition();
    this.follow();
  }

  add(listener: FanoutListener): void {
    this.listeners.add(listener);
  }

  remove(listener: FanoutListener): void {
    this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.subscription?.stop();
    this.subscription = null;
    this.listeners.clear();
  }

  private follow(): void {
    const subscription = this.store.subscribe(
      {
        after: this.lastPosition,
        onError: (error) => {
          this.logger.error(`live event subscription failed, retrying in ${this.retryMs} ms: ${(error as Error).message}`);
          if (this.stopped) return;
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            if (!this.stopped) this.follow();
          }, this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        },
      },
      async (events) => {
        this.retryMs = RETRY_MIN_MS;
        this.lastPosition = events[events.length - 1].position;
        for (const listener of [...this.listeners]) listener.onLive(events);
      },
    );
    this.subscription = subscription;
  }
}
