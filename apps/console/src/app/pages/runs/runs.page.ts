import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatDialog } from '@angular/material/dialog';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { Router, RouterLink } from '@angular/router';
import { permissions, type RunView } from '@camel/contracts';
import { matchesRunFilter, runListSource, type RunListFilter } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { RunsApiService } from './runs-api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { actorLabel } from '../../shared/actor-label';
import { DataTableComponent } from '../../shared/data-table.component';
import { openFirstProject } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { RunStatusComponent } from '../../shared/run-status.component';
import { openStartRunDialog } from './start-run-dialog.component';

type StatusFilter = NonNullable<RunListFilter['status']> | 'all';

/**
 * Runs of one project, live: every run event of the project moves its row (status, turns,
 * tokens). "Start run" opens the start-run dialog for those who may start runs.
 */
@Component({
  selector: 'camel-runs-page',
  imports: [
    DatePipe,
    DecimalPipe,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatProgressBarModule,
    MatTableModule,
    DataTableComponent,
    ProjectPickerComponent,
    RunStatusComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>Runs{{ picker()?.selectedName() ? ' of ' + picker()?.selectedName() : '' }}</h1>
      <div class="head-actions">
        <camel-project-picker [selected]="projectId() ?? ''" [requires]="readRun" testId="runs-project-picker" (picked)="open($event)" />
        @if (canOperateQueues()) {
          <button mat-stroked-button type="button" data-testid="queue-board" (click)="openQueueBoard()">Queue board</button>
        }
        @if (projectId() && canStart()) {
          <button mat-flat-button type="button" data-testid="run-start" (click)="start()">Start run</button>
        }
      </div>
    </div>

    @if (!projectId()) {
      <section class="camel-card" data-testid="runs-no-project">
        @if (noProject()) {
          <p>There is no project whose runs you may read.</p>
        } @else {
          <mat-progress-bar mode="indeterminate" aria-label="Finding a project" />
        }
      </section>
    } @else {
      <section class="camel-card" aria-labelledby="runs-heading">
        <div class="list-head">
          <h2 id="runs-heading">Runs</h2>
          <mat-button-toggle-group
            aria-label="Show"
            [value]="status()"
            (change)="status.set($event.value)"
            data-testid="runs-status-filter"
            hideSingleSelectionIndicator
          >
            <mat-button-toggle value="all">All</mat-button-toggle>
            <mat-button-toggle value="active">Active</mat-button-toggle>
            <mat-button-toggle value="completed">Completed</mat-button-toggle>
            <mat-button-toggle value="failed">Failed</mat-button-toggle>
          </mat-button-toggle-group>
        </div>
        <camel-data-table
          [rows]="rows()"
          [columns]="columns"
          [trackBy]="trackById"
          [state]="store.state()"
          [notLive]="store.notLive()"
          noun="runs"
          [emptyText]="store.items().length === 0 ? 'No runs yet.' : 'No run matches.'"
          testId="run-table"
          emptyTestId="runs-empty"
          notLiveTestId="runs-not-live"
          [minWidth]="900"
          (reload)="reload()"
        >
          <ng-container matColumnDef="status">
            <th mat-header-cell *matHeaderCellDef scope="col">Status</th>
            <td mat-cell *matCellDef="let run"><camel-run-status [status]="run.status" [reason]="run.terminationReason" data-testid="run-status" /></td>
          </ng-container>
          <ng-container matColumnDef="workflow">
            <th mat-header-cell *matHeaderCellDef scope="col">Workflow</th>
            <td mat-cell *matCellDef="let run">
              <a [routerLink]="['/runs', run.projectId, run.id]" data-testid="run-link">{{ run.workflow }}</a>
              <span class="camel-muted"> · v{{ run.configVersion }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="task">
            <th mat-header-cell *matHeaderCellDef scope="col">Task</th>
            <td mat-cell *matCellDef="let run" class="task" [title]="run.specifiedTask ?? run.task">{{ run.specifiedTask ?? run.task }}</td>
          </ng-container>
          <ng-container matColumnDef="turns">
            <th mat-header-cell *matHeaderCellDef scope="col">Turns</th>
            <td mat-cell *matCellDef="let run" data-testid="run-turns">{{ run.turns }}</td>
          </ng-container>
          <ng-container matColumnDef="tokens">
            <th mat-header-cell *matHeaderCellDef scope="col">Tokens</th>
            <td mat-cell *matCellDef="let run" data-testid="run-tokens">{{ run.tokensUsed | number }}</td>
          </ng-container>
          <ng-container matColumnDef="started">
            <th mat-header-cell *matHeaderCellDef scope="col">Started</th>
            <td mat-cell *matCellDef="let run">
              <time [attr.datetime]="run.createdAt">{{ run.createdAt | date: 'medium' }}</time>
              <span class="camel-muted"> by {{ starter(run) }}</span>
            </td>
          </ng-container>
          <tr
            mat-row
            *matRowDef="let run; columns: columns"
            data-testid="run-row"
            [attr.data-run-id]="run.id"
            [attr.data-status]="run.status"
            [attr.data-workflow]="run.workflow"
          ></tr>
        </camel-data-table>
      </section>
    }
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .list-head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      margin-bottom: 8px;
    }
    .list-head h2 {
      margin: 0;
    }
    .task {
      max-width: 360px;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `,
})
export class RunsPage {
  private readonly api = inject(ApiService);
  private readonly runsApi = inject(RunsApiService);
  private readonly auth = inject(AuthService);
  private readonly dialog = inject(MatDialog);
  private readonly router = inject(Router);
  protected readonly store = injectLiveList((projectId: string) => runListSource(projectId, () => this.runsApi.listRuns(projectId)), { clearOnLoad: true });

  /** Route parameter; absent on /runs (the first project is opened). */
  readonly projectId = input<string>();

  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readRun = permissions.readRun;
  protected readonly noProject = signal(false);
  protected readonly status = signal<StatusFilter>('all');
  protected readonly columns = ['status', 'workflow', 'task', 'turns', 'tokens', 'started'];
  protected readonly trackById = (_: number, run: RunView) => run.id;
  protected readonly canStart = computed(() => {
    const projectId = this.projectId();
    return !!projectId && this.auth.canIn(permissions.startRun, projectId);
  });
  /** Owners see the run queue's jobs in Bull Board (on an api with Redis). */
  protected readonly canOperateQueues = computed(() => this.auth.canGlobally(permissions.manageQueues));
  protected readonly rows = computed(() => {
    const status = this.status();
    return this.store.items().filter((run) => matchesRunFilter(run, status === 'all' ? {} : { status }));
  });

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        if (projectId) void this.store.load(projectId);
        else void this.openFirstProject();
      });
    });
  }

  /**
   * A navigation carries no bearer token: the api first sets the board's cookie (HttpOnly,
   * SameSite=Strict, the board's path only), then the board opens in its own tab.
   */
  protected async openQueueBoard(): Promise<void> {
    const opened = window.open('', '_blank');
    if (opened) opened.opener = null;
    try {
      const session = await this.runsApi.openQueueBoard();
      if (opened) opened.location.href = session.url;
      else window.location.href = session.url;
    } catch {
      opened?.close();
    }
  }

  protected starter(run: RunView): string {
    return actorLabel(run.createdBy, this.auth.me()?.actor);
  }

  protected open(projectId: string): void {
    void this.router.navigate(['/runs', projectId]);
  }

  protected reload(): void {
    const projectId = this.projectId();
    if (projectId) void this.store.load(projectId);
  }

  protected async start(): Promise<void> {
    const projectId = this.projectId();
    if (!projectId) return;
    const runId = await openStartRunDialog(this.dialog, { projectId });
    if (runId) await this.router.navigate(['/runs', projectId, runId]);
  }

  private async openFirstProject(): Promise<void> {
    this.noProject.set(false);
    if (!(await openFirstProject(this.api, this.auth, this.router, permissions.readRun, 'runs'))) this.noProject.set(true);
  }
}
