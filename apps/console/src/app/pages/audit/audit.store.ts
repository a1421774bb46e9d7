import { Injectable, effect, inject, signal, untracked } from '@angular/core';
import { auditNameKeys, type AuditEntry, type AuditQuery } from '@camel/contracts';
import { AUDIT_EVENT_FAMILIES, appendOlderAudit, auditListSource, type AuditListPage, type AuditNames } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { injectLiveList } from '../../core/live-list';

const PAGE_SIZE = 50;

/**
 * The audit trail for one query, newest first (`auditListSource`), with older pages on demand, and
 * the names its entries refer to (merged from every page read). Live entries that name someone the
 * pages did not cover (a new user, a new key) get their names from a read of the newest page.
 * Provided by the audit page.
 */
@Injectable()
export class AuditStore {
  private readonly api = inject(ApiService);
  private readonly older = signal<number | null>(null);
  private readonly loadingOlder = signal(false);
  private readonly knownNames = signal<AuditNames>({});
  /** Name keys already asked for: each is read at most once (an id that no longer resolves stays an id). */
  private readonly asked = new Set<string>();
  private query: AuditQuery = {};
  private readonly list = injectLiveList((query: AuditQuery) => ({
    ...auditListSource(query, AUDIT_EVENT_FAMILIES, (read) => this.api.listAudit({ ...read, limit: PAGE_SIZE })),
    loaded: (page: AuditListPage) => {
      this.older.set(page.nextBefore);
      this.addNames(page.items, page.names);
    },
  }));

  readonly entries = this.list.items;
  readonly state = this.list.state;
  readonly names = this.knownNames.asReadonly();
  /** `before` for the next older page; null at the start of the log. */
  readonly nextBefore = this.older.asReadonly();
  readonly pagingOlder = this.loadingOlder.asReadonly();
  readonly notLive = this.list.notLive;

  constructor() {
    effect(() => {
      const entries = this.entries();
      untracked(() => {
        const names = this.knownNames();
        const missing = [...new Set(entries.flatMap(auditNameKeys))].filter((key) => !(key in names) && !this.asked.has(key));
        if (missing.length > 0) void this.readNames(missing);
      });
    });
  }

  load(query: AuditQuery): Promise<void> {
    this.query = query;
    return this.list.load(query);
  }

  async loadOlder(): Promise<void> {
    const before = this.older();
    if (before === null || this.loadingOlder()) return;
    const isCurrent = this.list.ticket();
    this.loadingOlder.set(true);
    try {
      const page = await this.api.listAudit({ ...this.query, before, limit: PAGE_SIZE });
      if (!isCurrent()) return;
      this.addNames(page.entries, page.names);
      this.list.update((entries) => appendOlderAudit(entries, page.entries));
      this.older.set(page.nextBefore);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.loadingOlder.set(false);
    }
  }

  /** A page's names; what it could not name is not asked for again. */
  private addNames(entries: readonly AuditEntry[], names: AuditNames | undefined): void {
    for (const key of entries.flatMap(auditNameKeys)) this.asked.add(key);
    if (names && Object.keys(names).length > 0) this.knownNames.update((known) => ({ ...known, ...names }));
  }

  /** The newest page's names cover the live entries (they are the newest). */
  private async readNames(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.asked.add(key);
    try {
      const page = await this.api.listAudit({ ...this.query, limit: PAGE_SIZE });
      this.addNames(page.entries, page.names);
    } catch {
      // ApiService has shown the server's message; the entries keep their short ids.
    }
  }
}
