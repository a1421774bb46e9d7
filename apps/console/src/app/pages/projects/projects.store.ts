import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { EventTopic, ProjectView } from '@camel/contracts';
import { applyProjectEvents, type LiveSubscription } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { LiveEventsService } from '../../core/live-events.service';

export const PROJECTS_TOPIC: EventTopic = { kind: 'type', prefix: 'Project' };

export type LoadState = 'loading' | 'ready' | 'error';

/**
 * Every project (active and archived), kept live: one list request, then the `Project` event
 * family from the list's read position. The page filters by status locally, so archiving moves a
 * row between the filters without a request. Provided by the projects page (one per visit).
 */
@Injectable()
export class ProjectsStore {
  private readonly api = inject(ApiService);
  private readonly live = inject(LiveEventsService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly list = signal<ProjectView[]>([]);
  private readonly loadState = signal<LoadState>('loading');
  private readonly readPosition = signal(0);
  private readonly liveRefused = signal(false);
  private subscription: LiveSubscription | undefined;
  private generation = 0;
  private destroyed = false;

  readonly projects = this.list.asReadonly();
  readonly state = this.loadState.asReadonly();
  /** Position of the last event the list reflects. */
  readonly position = this.readPosition.asReadonly();
  /** The gateway refused the subscription: the list is not live until reloaded. */
  readonly notLive = this.liveRefused.asReadonly();

  constructor() {
    this.destroyRef.onDestroy(() => (this.destroyed = true));
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.subscription?.close();
    this.subscription = undefined;
    this.loadState.set('loading');
    this.liveRefused.set(false);
    try {
      const { projects, position } = await this.api.listProjects('all');
      if (this.destroyed || generation !== this.generation) return;
      this.list.set(projects);
      this.readPosition.set(position);
      this.loadState.set('ready');
      this.subscription = this.live.follow(
        PROJECTS_TOPIC,
        position,
        {
          onEvents: (events, at) => {
            this.list.update((list) => applyProjectEvents(list, events, 'all'));
            this.readPosition.set(at);
          },
          onError: () => this.liveRefused.set(true),
        },
        this.destroyRef,
      );
    } catch {
      // ApiService has shown the server's message.
      if (generation === this.generation) this.loadState.set('error');
    }
  }
}
