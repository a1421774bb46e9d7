import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSelectModule } from '@angular/material/select';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { LOG_SORTS, TERMINATION_REASONS, permissions, type LogEntryView, type LogQuery, type LogSort, type TerminationReason, type TurnRole } from '@camel/contracts';
import type { LiveListStatus } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { RunsApiService } from '../runs/runs-api.service';
import { AuthService } from '../../core/auth.service';
import { DataTableComponent } from '../../shared/data-table.component';
import { HighlightComponent } from '../../shared/highlight.component';
import { openFirstProject } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { REASON_LABEL } from '../../shared/run-status.component';
import { LogDetailComponent } from './log-detail.component';

const PAGE_SIZE = 50;
const ALL_COLUMNS = ['createdAt', 'workflow', 'agent', 'model', 'content', 'tokens', 'latency', 'reason'];
/** Beside the open entry's drawer, whose header names the model, tokens and latency. */
const COMPACT_COLUMNS = ['createdAt', 'workflow', 'agent', 'content'];

/** The filters as typed; empty = not filtered. */
interface Filters {
  workflow: string;
  runId: string;
  agent: string;
  role: TurnRole | '';
  model: string;
  from: string;
  to: string;
  reason: TerminationReason | '';
  annotated: 'yes' | 'no' | '';
  q: string;
}

const NO_FILTERS: Filters = { workflow: '', runId: '', agent: '', role: '', model: '', from: '', to: '', reason: '', annotated: '', q: '' };

/** A `datetime-local` value (local time) as an ISO instant; '' stays unset. */
const isoOf = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined);

export function logQueryOf(filters: Filters, sort: LogSort): LogQuery {
  const text = (value: string) => value.trim() || undefined;
  return {
    workflow: text(filters.workflow),
    runId: text(filters.runId),
    agent: text(filters.agent),
    role: filters.role || undefined,
    model: text(filters.model),
    from: isoOf(filters.from),
    to: isoOf(filters.to),
    reason: filters.reason || undefined,
    annotated: filters.annotated === '' ? undefined : filters.annotated === 'yes',
    q: text(filters.q),
    sort,
    limit: PAGE_SIZE,
  };
}

/**
 * Logs explorer: every turn and alternative of a project's runs, filtered (workflow, run, agent,
 * role, model, time range, termination reason, annotated, keyword), sorted, paged by keyset
 * ("Load more" follows the api's `next` cursor); an entry opens in a drawer with its prompt.
 */
@Component({
  selector: 'camel-logs-page',
  imports: [
    DatePipe,
    DecimalPipe,
    RouterLink,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatSelectModule,
    MatTableModule,
    DataTableComponent,
    HighlightComponent,
    LogDetailComponent,
    ProjectPickerComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './logs.page.html',
  styleUrls: ['../../shared/project-page.scss', './logs.page.scss'],
})
export class LogsPage {
  private readonly api = inject(ApiService);
  private readonly runsApi = inject(RunsApiService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** Route parameter; absent on /logs (the first project is opened). */
  readonly projectId = input<string>();
  /** Query parameters: a run's entries (from the run view), an entry to open. */
  readonly runId = input<string>();
  readonly entry = input<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readRun = permissions.readRun;
  protected readonly sorts = LOG_SORTS;
  protected readonly reasons = TERMINATION_REASONS;
  protected readonly reasonLabel = REASON_LABEL;
  protected readonly noProject = signal(false);
  protected readonly filters = signal<Filters>(NO_FILTERS);
  protected readonly sort = signal<LogSort>('newest');
  protected readonly entries = signal<readonly LogEntryView[]>([]);
  protected readonly next = signal<string | null>(null);
  protected readonly state = signal<LiveListStatus>('idle');
  protected readonly loadingMore = signal(false);
  protected readonly openEntry = signal<string | null>(null);
  /** The keyword of the shown results (not of what is being typed). */
  protected readonly shownQuery = signal('');
  protected readonly trackById = (_: number, entry: LogEntryView) => entry.id;
  protected readonly columns = computed(() => (this.openEntry() ? COMPACT_COLUMNS : ALL_COLUMNS));
  protected readonly filterCount = computed(() => Object.values(this.filters()).filter((value) => value !== '').length);
  /** Engineers and admins turn the shown filter or a selection into an annotation queue. */
  protected readonly canQueue = computed(() => !!this.projectId() && this.auth.canIn(permissions.manageAnnotation, this.projectId() ?? ''));
  protected readonly selected = signal<ReadonlySet<string>>(new Set());
  protected readonly shownColumns = computed(() => (this.canQueue() ? ['select', ...this.columns()] : this.columns()));
  private ticket = 0;

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const runId = this.runId() ?? '';
      const entry = this.entry() ?? null;
      untracked(() => {
        this.filters.set({ ...NO_FILTERS, runId });
        this.openEntry.set(entry);
        if (projectId) void this.search();
        else void this.openFirstProject();
      });
    });
  }

  protected set<K extends keyof Filters>(key: K, value: Filters[K]): void {
    this.filters.update((filters) => ({ ...filters, [key]: value }));
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected toggleSelected(entryId: string): void {
    this.selected.update((selected) => {
      const next = new Set(selected);
      if (!next.delete(entryId)) next.add(entryId);
      return next;
    });
  }

  /** The Queues page with a new queue's form filled from the shown filter, or from the selected entries. */
  protected queueThese(): void {
    const projectId = this.projectId();
    if (!projectId) return;
    const selected = [...this.selected()];
    const filters = this.filters();
    const queryParams = selected.length
      ? { entries: selected.join(',') }
      : { workflow: filters.workflow.trim() || undefined, runId: filters.runId.trim() || undefined, agent: filters.agent.trim() || undefined, model: filters.model.trim() || undefined, q: filters.q.trim() || undefined };
    void this.router.navigate(['/queues', projectId], { queryParams });
  }

  protected clear(): void {
    this.filters.set(NO_FILTERS);
    void this.search();
  }

  protected sortBy(sort: LogSort): void {
    this.sort.set(sort === 'newest' && this.sort() === 'newest' ? 'oldest' : sort);
    void this.search();
  }

  /** Reads the first page for the current filters and sort. */
  async search(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId) return;
    const ticket = ++this.ticket;
    const query = logQueryOf(this.filters(), this.sort());
    this.state.set('loading');
    try {
      const page = await this.runsApi.queryLogs(projectId, query);
      if (ticket !== this.ticket) return;
      this.entries.set(page.entries);
      this.next.set(page.next);
      this.shownQuery.set(query.q ?? '');
      this.state.set('ready');
    } catch {
      if (ticket === this.ticket) this.state.set('error');
    }
  }

  protected async loadMore(): Promise<void> {
    const projectId = this.projectId();
    const after = this.next();
    if (!projectId || !after || this.loadingMore()) return;
    const ticket = this.ticket;
    this.loadingMore.set(true);
    try {
      const page = await this.runsApi.queryLogs(projectId, { ...logQueryOf(this.filters(), this.sort()), q: this.shownQuery() || undefined, after });
      if (ticket !== this.ticket) return;
      const known = new Set(this.entries().map((entry) => entry.id));
      this.entries.update((entries) => [...entries, ...page.entries.filter((entry) => !known.has(entry.id))]);
      this.next.set(page.next);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/logs', projectId]);
  }

  protected reasonOf(entry: LogEntryView): string {
    return entry.terminationReason ? REASON_LABEL[entry.terminationReason] : '';
  }

  protected show(entry: LogEntryView): void {
    this.openEntry.set(entry.id);
  }

  private async openFirstProject(): Promise<void> {
    this.noProject.set(false);
    if (!(await openFirstProject(this.api, this.auth, this.router, permissions.readRun, 'logs'))) this.noProject.set(true);
  }
}
