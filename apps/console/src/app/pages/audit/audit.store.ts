import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import type { AuditEntry, AuditQuery } from '@camel/contracts';
import { auditTopics, mergeAuditEvents, type LiveSubscription } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { LiveEventsService } from '../../core/live-events.service';

/**
 * Every event family of the product, as type-name prefixes: an unfiltered audit view follows one
 * topic per family (the gateway has no "every event" topic). `Project` covers `ProjectMember…`.
 */
export const EVENT_FAMILIES: readonly string[] = ['Project', 'User', 'Session', 'ApiKey'];

const PAGE_SIZE = 50;

export type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The audit trail for one query, newest first: a page from GET /api/audit, older pages on demand,
 * and new matching events prepended live from the read position. Provided by the audit page.
 */
@Injectable()
export class AuditStore {
  private readonly api = inject(ApiService);
  private readonly live = inject(LiveEventsService);
  private readonly destroyRef = inject(DestroyRef);

  private readonly list = signal<AuditEntry[]>([]);
  private readonly loadState = signal<LoadState>('idle');
  private readonly older = signal<number | null>(null);
  private readonly loadingOlder = signal(false);
  private readonly liveRefused = signal(false);
  private subscriptions: LiveSubscription[] = [];
  private query: AuditQuery = {};
  private generation = 0;
  private destroyed = false;

  readonly entries = this.list.asReadonly();
  readonly state = this.loadState.asReadonly();
  /** `before` for the next older page; null at the start of the log. */
  readonly nextBefore = this.older.asReadonly();
  readonly pagingOlder = this.loadingOlder.asReadonly();
  readonly notLive = this.liveRefused.asReadonly();

  constructor() {
    this.destroyRef.onDestroy(() => (this.destroyed = true));
  }

  async load(query: AuditQuery): Promise<void> {
    const generation = ++this.generation;
    this.query = query;
    for (const subscription of this.subscriptions) subscription.close();
    this.subscriptions = [];
    this.loadState.set('loading');
    this.liveRefused.set(false);
    try {
      const page = await this.api.listAudit({ ...query, limit: PAGE_SIZE });
      if (this.destroyed || generation !== this.generation) return;
      this.list.set([...page.entries]);
      this.older.set(page.nextBefore);
      this.loadState.set('ready');
      // Without a read position header, the newest entry is where the list stands.
      const from = page.position || (page.entries[0]?.position ?? 0);
      this.subscriptions = auditTopics(query, EVENT_FAMILIES).map((topic) =>
        this.live.follow(
          topic,
          from,
          {
            onEvents: (events) => this.list.update((entries) => mergeAuditEvents(entries, events, this.query)),
            onError: () => this.liveRefused.set(true),
            onEnded: () => this.liveRefused.set(true),
          },
          this.destroyRef,
        ),
      );
    } catch {
      // ApiService has shown the server's message.
      if (generation === this.generation) this.loadState.set('error');
    }
  }

  async loadOlder(): Promise<void> {
    const before = this.older();
    if (before === null || this.loadingOlder()) return;
    const generation = this.generation;
    this.loadingOlder.set(true);
    try {
      const page = await this.api.listAudit({ ...this.query, before, limit: PAGE_SIZE });
      if (this.destroyed || generation !== this.generation) return;
      const known = new Set(this.list().map((entry) => entry.position));
      this.list.update((entries) => [...entries, ...page.entries.filter((entry) => !known.has(entry.position))]);
      this.older.set(page.nextBefore);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.loadingOlder.set(false);
    }
  }
}
