import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { Router, RouterLink } from '@angular/router';
import { permissions } from '@camel/contracts';
import { queueListSource } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { injectLiveList } from '../../core/live-list';
import { injectProjectNavigation } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { AnnotationsApiService } from '../annotate/annotations-api.service';
import { memberNames } from '../annotate/member-names';
import { CreateQueueFormComponent, type QueueSeed } from './create-queue-form.component';
import { LabelSetEditorComponent } from './label-set-editor.component';
import { QueueItemsComponent } from './queue-items.component';
import { QueueProgressComponent } from './queue-progress.component';

/**
 * Queues admin (engineers, admins): every queue of the project, live, with its settings, its
 * progress per queue and per person and its open items (an unanswered one can be removed); the
 * archived queues on a toggle (read-only); a new queue from a logs filter or a selection (the Logs
 * explorer opens this page with them as query parameters).
 */
@Component({
  selector: 'camel-queues-page',
  imports: [RouterLink, MatButtonModule, MatProgressBarModule, ProjectPickerComponent, CreateQueueFormComponent, QueueProgressComponent, QueueItemsComponent, LabelSetEditorComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>Queues{{ picker()?.selectedName() ? ' of ' + picker()?.selectedName() : '' }}</h1>
      <div class="head-actions">
        <camel-project-picker [selected]="projectId() ?? ''" [requires]="manage" testId="queues-project-picker" (picked)="open($event)" />
        @if (projectId()) {
          <button mat-button type="button" (click)="toggleArchived()" [attr.aria-pressed]="archived()" data-testid="queues-archived-toggle">{{ archived() ? 'Queues in use' : 'Archived queues' }}</button>
        }
        @if (projectId() && !creating() && !archived()) {
          <button mat-flat-button type="button" (click)="creating.set(true)" data-testid="queue-new">New queue</button>
        }
      </div>
    </div>
    @if (!projectId()) {
      <section class="camel-card" data-testid="queues-no-project">
        @if (noProject()) {
          <p>There is no project whose queues you may manage.</p>
        } @else {
          <mat-progress-bar mode="indeterminate" aria-label="Finding a project" />
        }
      </section>
    } @else {
      @if (creating()) {
        <camel-create-queue-form [projectId]="projectId() ?? ''" [seed]="seed()" (created)="created()" (cancelled)="creating.set(false)" />
      }
      @if (store.state() === 'loading') {
        <mat-progress-bar mode="indeterminate" aria-label="Loading queues" />
      }
      @if (store.notLive()) {
        <p class="load-error" role="alert">Live updates stopped. <button mat-button type="button" (click)="reload()">Reload</button></p>
      }
      @if (store.state() === 'ready' && store.items().length === 0 && !creating()) {
        <section class="camel-card" data-testid="queues-empty">
          <p>{{ archived() ? 'No archived queue.' : 'No queue yet. Create one from a logs filter, or select entries in the Logs explorer.' }}</p>
        </section>
      }
      @for (queue of store.items(); track queue.id) {
        <section class="camel-card queue" data-testid="queue-row" [attr.data-queue-id]="queue.id" [attr.data-name]="queue.name" [attr.data-items]="queue.counts.items">
          <div class="queue-head">
            <h2>{{ queue.name }}@if (queue.status !== 'open') {<span class="status" data-testid="queue-status"> · {{ queue.status }}</span>}</h2>
            <div class="actions" [attr.data-status]="queue.status">
              <button mat-button type="button" (click)="toggleItems(queue.id)" [attr.aria-expanded]="showingItems().has(queue.id)" data-testid="queue-items-toggle">
                {{ showingItems().has(queue.id) ? 'Hide items' : 'Items' }}
              </button>
              <!-- An archived queue is final: read-only. -->
              @if (queue.status !== 'archived') {
                @if (queue.status === 'open') {
                  <button mat-button type="button" [disabled]="acting()" (click)="lifecycle(queue.projectId, queue.id, 'close')" data-testid="queue-close">Close</button>
                } @else {
                  <button mat-button type="button" [disabled]="acting()" (click)="lifecycle(queue.projectId, queue.id, 'reopen')" data-testid="queue-reopen">Reopen</button>
                }
                @if (archiving() === queue.id) {
                  <button mat-flat-button type="button" color="warn" [disabled]="acting()" (click)="lifecycle(queue.projectId, queue.id, 'archive')" data-testid="queue-archive-confirm">Archive for good</button>
                  <button mat-button type="button" (click)="archiving.set(null)">Keep</button>
                } @else {
                  <button mat-button type="button" [disabled]="acting()" (click)="archiving.set(queue.id)" data-testid="queue-archive">Archive…</button>
                }
                <a mat-button [routerLink]="['/annotate', queue.projectId, queue.id]" data-testid="queue-work">Annotate</a>
              }
              <a mat-button [routerLink]="['/agreement', queue.projectId, queue.id]" data-testid="queue-agreement">Agreement</a>
              <a mat-button [routerLink]="['/datasets', queue.projectId]" [queryParams]="{ queue: queue.id }" data-testid="queue-dataset">Dataset…</a>
            </div>
          </div>
          <p class="camel-muted">
            {{ queue.kind === 'pairwise' ? 'Pairwise' : 'Single answers' }} · {{ queue.counts.items }} items · {{ queue.responsesRequired }} answer{{ queue.responsesRequired === 1 ? '' : 's' }} per item · reservation {{ queue.reservationSeconds / 60 }} min
            · {{ queue.blind ? 'blind' : 'answers visible' }} · {{ assigneesLabel(queue.assignees) }}{{ queue.suggestions ? ' · judge ' + queue.suggestions.agent : '' }}
          </p>
          <camel-queue-progress [projectId]="queue.projectId" [queueId]="queue.id" [nameOf]="nameOf" />
          @if (showingItems().has(queue.id)) {
            <camel-queue-items [projectId]="queue.projectId" [queueId]="queue.id" [readOnly]="queue.status === 'archived'" [nameOf]="nameOf" />
          }
        </section>
      }
      @if (!archived()) {
        <section class="camel-card labels">
          <camel-label-set-editor [projectId]="projectId() ?? ''" />
        </section>
      }
    }
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .queue {
      margin-bottom: 12px;
    }
    .queue-head {
      display: flex;
      flex-wrap: wrap;
      justify-content: space-between;
      align-items: center;
    }
    .queue-head h2 {
      margin: 0;
    }
    .queue-head .status {
      font-weight: normal;
      opacity: 0.7;
    }
  `,
})
export class QueuesPage {
  private readonly api = inject(ApiService);
  private readonly annotations = inject(AnnotationsApiService);
  private readonly router = inject(Router);
  protected readonly store = injectLiveList(
    (projectId: string, archived: boolean) => queueListSource(projectId, () => this.annotations.listQueues(projectId, archived ? 'archived' : undefined)),
    { clearOnLoad: true },
  );
  /** The archived queues instead of those in use (read-only). */
  protected readonly archived = signal(false);
  /** The queues whose open items are shown. */
  protected readonly showingItems = signal<ReadonlySet<string>>(new Set());

  readonly projectId = input<string>();
  /** Query parameters from the Logs explorer: its filter, or the selected entries (comma-separated). */
  readonly workflow = input<string>();
  readonly runId = input<string>();
  readonly agent = input<string>();
  readonly model = input<string>();
  readonly q = input<string>();
  readonly entries = input<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly manage = permissions.manageAnnotation;
  private readonly navigation = injectProjectNavigation('queues', permissions.manageAnnotation);
  protected readonly noProject = this.navigation.noProject;
  protected readonly creating = signal(false);
  /** The queue whose archiving waits for a second click. */
  protected readonly archiving = signal<string | null>(null);
  protected readonly acting = signal(false);
  private readonly members = memberNames(this.api);
  protected readonly nameOf = (userId: string) => this.members.nameOf(userId);
  protected readonly seed = computed<QueueSeed>(() => ({
    workflow: this.workflow(),
    runId: this.runId(),
    agent: this.agent(),
    model: this.model(),
    q: this.q(),
    entries: this.entries()?.split(',').filter(Boolean),
  }));

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const handedOver = Object.values(this.seed()).some((value) => (Array.isArray(value) ? value.length > 0 : !!value));
      untracked(() => {
        if (!projectId) {
          void this.navigation.openFirst();
          return;
        }
        if (handedOver) this.creating.set(true);
        void this.store.load(projectId, this.archived());
        this.members.load(projectId);
      });
    });
  }

  protected assigneesLabel(assignees: { kind: 'role' } | { kind: 'users'; userIds: readonly string[] }): string {
    return assignees.kind === 'role' ? 'every annotator' : assignees.userIds.map((id) => this.nameOf(id)).join(', ') || 'nobody assigned';
  }

  /** Close, reopen or archive; the live list shows the change (its event reads the list again). */
  protected async lifecycle(projectId: string, queueId: string, action: 'close' | 'reopen' | 'archive'): Promise<void> {
    this.acting.set(true);
    try {
      if (action === 'close') await this.annotations.closeQueue(projectId, queueId);
      else if (action === 'reopen') await this.annotations.reopenQueue(projectId, queueId);
      else await this.annotations.archiveQueue(projectId, queueId);
    } catch {
      // shown by ApiService
    } finally {
      this.archiving.set(null);
      this.acting.set(false);
    }
  }

  protected created(): void {
    this.creating.set(false);
    const projectId = this.projectId();
    // The hand-over is used: drop it from the address.
    if (projectId) void this.router.navigate(['/queues', projectId], { replaceUrl: true });
  }

  protected open(projectId: string): void {
    this.navigation.open(projectId);
  }

  protected reload(): void {
    const projectId = this.projectId();
    if (projectId) void this.store.load(projectId, this.archived());
  }

  protected toggleArchived(): void {
    this.archived.update((shown) => !shown);
    this.creating.set(false);
    this.reload();
  }

  protected toggleItems(queueId: string): void {
    this.showingItems.update((shown) => {
      const next = new Set(shown);
      if (!next.delete(queueId)) next.add(queueId);
      return next;
    });
  }

}
