import { Injectable, inject, signal } from '@angular/core';
import type { AuditQuery } from '@camel/contracts';
import { AUDIT_EVENT_FAMILIES, appendOlderAudit, auditListSource, type AuditListPage } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { injectLiveList } from '../../core/live-list';

const PAGE_SIZE = 50;

/**
 * The audit trail for one query, newest first (`auditListSource`), with older pages on demand.
 * Provided by the audit page.
 */
@Injectable()
export class AuditStore {
  private readonly api = inject(ApiService);
  private readonly older = signal<number | null>(null);
  private readonly loadingOlder = signal(false);
  private query: AuditQuery = {};
  private readonly list = injectLiveList((query: AuditQuery) => ({
    ...auditListSource(query, AUDIT_EVENT_FAMILIES, (read) => this.api.listAudit({ ...read, limit: PAGE_SIZE })),
    loaded: (page: AuditListPage) => this.older.set(page.nextBefore),
  }));

  readonly entries = this.list.items;
  readonly state = this.list.state;
  /** `before` for the next older page; null at the start of the log. */
  readonly nextBefore = this.older.asReadonly();
  readonly pagingOlder = this.loadingOlder.asReadonly();
  readonly notLive = this.list.notLive;

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
      this.list.update((entries) => appendOlderAudit(entries, page.entries));
      this.older.set(page.nextBefore);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.loadingOlder.set(false);
    }
  }
}
