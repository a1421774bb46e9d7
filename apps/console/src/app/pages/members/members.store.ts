import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { PROJECT_MEMBER_EVENT_TYPES, type MemberView, type ProjectMemberEvent, type RecordedEvent } from '@camel/contracts';
import { applyMemberEvents, fillMembers, isPendingMember, type LiveSubscription } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { LiveEventsService } from '../../core/live-events.service';

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

const MEMBER_TYPES: ReadonlySet<string> = new Set(PROJECT_MEMBER_EVENT_TYPES);
const isMemberEvent = (event: RecordedEvent): event is RecordedEvent & ProjectMemberEvent => MEMBER_TYPES.has(event.type);

/** A live event can arrive before the read model has it: read again after these pauses. */
const FILL_RETRY_MS = [0, 100, 250, 500, 1000, 2000];

/**
 * One project's members, kept live: the list, then the project's events from its read position
 * folded in with `applyMemberEvents`. A member added live has no email or name in its event: the
 * list is read again until it holds them. Provided by the page.
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
  private filling = false;

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
    this.list.update((list) => applyMemberEvents(list, memberEvents, this.projectId));
    const me = this.auth.me()?.actor;
    if (me?.type === 'user' && memberEvents.some((event) => event.data.userId === me.id)) void this.auth.reloadMe();
    void this.fillPending(generation);
  }

  /** One fill at a time; it reads until no row is pending (or gives up: the row shows its id). */
  private async fillPending(generation: number): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    try {
      for (const pause of FILL_RETRY_MS) {
        if (!this.list().some(isPendingMember)) return;
        if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
        const { items } = await this.api.listMembers(this.projectId);
        if (this.destroyed || generation !== this.generation) return;
        this.list.update((list) => fillMembers(list, items));
      }
    } catch {
      // A 404 after losing access: the subscription ends too, and the page says so.
    } finally {
      this.filling = false;
    }
  }
}
