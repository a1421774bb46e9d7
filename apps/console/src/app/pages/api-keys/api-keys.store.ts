import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { ApiKeyView } from '@camel/contracts';
import { applyApiKeyEvents, type LiveSubscription } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { LiveEventsService } from '../../core/live-events.service';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * One project's API keys, kept live: the list, then the project's events from its read position
 * folded in with `applyApiKeyEvents`. Provided by the page.
 */
@Injectable()
export class ApiKeysStore {
  private readonly api = inject(ApiService);
  private readonly live = inject(LiveEventsService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly list = signal<ApiKeyView[]>([]);
  private readonly loadState = signal<LoadState>('idle');
  private readonly liveRefused = signal(false);
  private subscription: LiveSubscription | undefined;
  private generation = 0;
  private destroyed = false;

  readonly keys = this.list.asReadonly();
  readonly state = this.loadState.asReadonly();
  readonly notLive = this.liveRefused.asReadonly();

  constructor() {
    this.destroyRef.onDestroy(() => (this.destroyed = true));
  }

  async load(projectId: string): Promise<void> {
    const generation = ++this.generation;
    this.subscription?.close();
    this.subscription = undefined;
    this.list.set([]);
    this.loadState.set('loading');
    this.liveRefused.set(false);
    try {
      const { items, position } = await this.api.listApiKeys(projectId);
      if (this.destroyed || generation !== this.generation) return;
      this.list.set(items);
      this.loadState.set('ready');
      this.subscription = this.live.follow(
        { kind: 'project', projectId },
        position,
        {
          onEvents: (events) => this.list.update((list) => applyApiKeyEvents(list, events, projectId)),
          onError: () => this.liveRefused.set(true),
          onEnded: () => this.liveRefused.set(true),
        },
        this.destroyRef,
      );
    } catch {
      // ApiService has shown the server's message.
      if (generation === this.generation) this.loadState.set('error');
    }
  }

  /** A key the api just created: shown at once, before its event arrives (which then changes nothing). */
  add(key: ApiKeyView): void {
    this.list.update((list) => (list.some((row) => row.id === key.id) ? list : applyApiKeyEvents([...list, key], [], key.projectId)));
  }
}
