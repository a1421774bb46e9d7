import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { EventTopic, RecordedEvent, UserView } from '@camel/contracts';
import { applyUserEvents, replaceUser, type LiveSubscription } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { LiveEventsService } from '../../core/live-events.service';

/** `User*` changes the rows; `Session*` carries the last sign-in. */
const TOPICS: readonly EventTopic[] = [
  { kind: 'type', prefix: 'User' },
  { kind: 'type', prefix: 'Session' },
];

/** A live event can arrive before the read model has it: read again after these pauses. */
const REFETCH_RETRY_MS = [0, 100, 250, 500, 1000, 2000];

export type LoadState = 'loading' | 'ready' | 'error';

/**
 * Every user, kept live: one list request, then the User and Session event families from the
 * list's read position, folded in with `applyUserEvents`. Provided by the users page.
 */
@Injectable()
export class UsersStore {
  private readonly api = inject(ApiService);
  private readonly live = inject(LiveEventsService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly list = signal<UserView[]>([]);
  private readonly loadState = signal<LoadState>('loading');
  private readonly liveRefused = signal(false);
  private subscriptions: LiveSubscription[] = [];
  private generation = 0;
  private destroyed = false;

  readonly users = this.list.asReadonly();
  readonly state = this.loadState.asReadonly();
  readonly notLive = this.liveRefused.asReadonly();

  constructor() {
    this.destroyRef.onDestroy(() => (this.destroyed = true));
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    for (const subscription of this.subscriptions) subscription.close();
    this.subscriptions = [];
    this.loadState.set('loading');
    this.liveRefused.set(false);
    try {
      const { items, position } = await this.api.listUsers();
      if (this.destroyed || generation !== this.generation) return;
      this.list.set(items);
      this.loadState.set('ready');
      this.subscriptions = TOPICS.map((topic) =>
        this.live.follow(
          topic,
          position,
          { onEvents: (events) => this.apply(events), onError: () => this.liveRefused.set(true) },
          this.destroyRef,
        ),
      );
    } catch {
      // ApiService has shown the server's message.
      if (generation === this.generation) this.loadState.set('error');
    }
  }

  private apply(events: readonly RecordedEvent[]): void {
    const { users, refetch } = applyUserEvents(this.list(), events);
    this.list.set(users);
    for (const id of refetch) void this.refetch(id);
  }

  /** Reads the row until the read model has caught up with the version the events reached. */
  private async refetch(id: string): Promise<void> {
    for (const pause of REFETCH_RETRY_MS) {
      if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
      if (this.destroyed) return;
      const wanted = this.list().find((user) => user.id === id)?.version ?? 0;
      try {
        const user = await this.api.getUser(id);
        if (this.destroyed) return;
        this.list.update((list) => replaceUser(list, user));
        if (user.version >= wanted) return;
      } catch {
        return; // ApiService has shown the server's message.
      }
    }
  }
}
