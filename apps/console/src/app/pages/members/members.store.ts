import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { PROJECT_MEMBER_EVENT_TYPES, type MemberView, type ProjectMemberEvent, type RecordedEvent } from '@camel/contracts';
import type { LiveSubscription } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { LiveEventsService } from '../../core/live-events.service';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

const MEMBER_TYPES: ReadonlySet<string> = new Set(PROJECT_MEMBER_EVENT_TYPES);
const isMemberEvent = (event: RecordedEvent): event is RecordedEvent & ProjectMemberEvent => MEMBER_TYPES.has(event.type);

/**
 * One project's members, kept live: the list, then the project's events from its read position.
 * A member event re-reads the list (the events carry no name or email, the rows do); commands
 * answer after their projection, so the re-read already shows the change. Provided by the page.
 */
@Injectable()
export class MembersStore {
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly live = inject(LiveEventsService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly list = signal<MemberView[]>([]);
  private readonly loadState = signal<LoadState>('idle');
  private readonly liveRefused = signal(false);
  private subscription: LiveSubscription | undefined;
  private projectId = '';
  private generation = 0;
  private destroyed = false;
  private rereading: Promise<void> | undefined;
  private rereadAgain = false;

  readonly members = this.list.asReadonly();
  readonly state = this.loadState.asReadonly();
  readonly notLive = this.liveRefused.asReadonly();

  constructor() {
    this.destroyRef.onDestroy(() => (this.destroyed = true));
  }

  async load(projectId: string): Promise<void> {
    const generation = ++this.generation;
    this.projectId = projectId;
    this.subscription?.close();
    this.subscription = undefined;
    this.list.set([]);
    this.loadState.set('loading');
    this.liveRefused.set(false);
    try {
      const { items, position } = await this.api.listMembers(projectId);
      if (this.destroyed || generation !== this.generation) return;
      this.list.set(items);
      this.loadState.set('ready');
      this.subscription = this.live.follow(
        { kind: 'project', projectId },
        position,
        {
          onEvents: (events) => this.onEvents(events, generation),
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

  private onEvents(events: readonly RecordedEvent[], generation: number): void {
    const memberEvents = events.filter(isMemberEvent);
    if (memberEvents.length === 0) return;
    const me = this.auth.me()?.actor;
    if (me?.type === 'user' && memberEvents.some((event) => event.data.userId === me.id)) void this.auth.reloadMe();
    void this.reread(generation);
  }

  /** One re-read at a time; events during one cause exactly one more. */
  private async reread(generation: number): Promise<void> {
    if (this.rereading) {
      this.rereadAgain = true;
      return;
    }
    this.rereading = (async () => {
      do {
        this.rereadAgain = false;
        try {
          const { items } = await this.api.listMembers(this.projectId);
          if (this.destroyed || generation !== this.generation) return;
          this.list.set(items);
        } catch {
          // A 404 after losing access: the subscription ends too, and the page says so.
          return;
        }
      } while (this.rereadAgain);
    })();
    try {
      await this.rereading;
    } finally {
      this.rereading = undefined;
    }
  }
}
