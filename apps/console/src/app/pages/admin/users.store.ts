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
    for (const id of refetch) {
      this.api.getUser(id).then(
        (user) => {
          if (!this.destroyed) this.list.update((list) => replaceUser(list, user));
        },
        () => undefined, // ApiService has shown the server's message.
      );
    }
  }
}
