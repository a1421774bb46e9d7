import { DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { permissions, type QueueView } from '@camel/contracts';
import { queueListSource } from '@camel/console-data-access';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { injectProjectNavigation } from '../../shared/first-project';
import { ProjectPickerComponent } from '../../shared/project-picker.component';
import { AnnotationsApiService } from './annotations-api.service';

/** Share of a queue's required answers given, 0–1. */
export function queueFraction(queue: QueueView): number {
  const needed = queue.counts.items * queue.responsesRequired;
  return needed === 0 ? 0 : Math.min(1, queue.counts.responses / needed);
}

/**
 * The queues you may work in a project (annotators: those they are assigned to), live: each with
 * its progress, a start button, and its agreement report.
 */
@Component({
  selector: 'camel-annotate-queues-page',
  imports: [DecimalPipe, PercentPipe, RouterLink, MatButtonModule, MatProgressBarModule, ProjectPickerComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>Annotate{{ picker()?.selectedName() ? ' in ' + picker()?.selectedName() : '' }}</h1>
      <div class="head-actions">
        <camel-project-picker [selected]="projectId() ?? ''" [requires]="readAnnotation" testId="annotate-project-picker" (picked)="open($event)" />
        @if (projectId() && canManage()) {
          <a mat-stroked-button [routerLink]="['/queues', projectId()]" data-testid="annotate-manage">Manage queues</a>
        }
      </div>
    </div>
    @if (!projectId()) {
      <section class="camel-card" data-testid="annotate-no-project">
        @if (noProject()) {
          <p>There is no project whose annotations you may read.</p>
        } @else {
          <mat-progress-bar mode="indeterminate" aria-label="Finding a project" />
        }
      </section>
    } @else {
      @if (store.state() === 'loading') {
        <mat-progress-bar mode="indeterminate" aria-label="Loading queues" />
      }
      @if (store.notLive()) {
        <p class="load-error" role="alert">Live updates stopped. <button mat-button type="button" (click)="reload()">Reload</button></p>
      }
      @if (store.state() === 'ready' && store.items().length === 0) {
        <section class="camel-card" data-testid="annotate-no-queues"><p>No queue for you in this project yet.</p></section>
      }
      <div class="queues">
        @for (queue of store.items(); track queue.id) {
          <section class="camel-card queue" data-testid="annotate-queue" [attr.data-queue-id]="queue.id" [attr.data-completed]="queue.counts.completed">
            <h2>{{ queue.name }}</h2>
            <p class="camel-muted">{{ queue.kind === 'pairwise' ? 'Pairwise' : 'Single answers' }} · {{ queue.responsesRequired }} answer{{ queue.responsesRequired === 1 ? '' : 's' }} per item{{ queue.blind ? ' · blind' : '' }}{{ queue.suggestions ? ' · judge: ' + queue.suggestions.agent : '' }}</p>
            @if (queue.description) {
              <p>{{ queue.description }}</p>
            }
            <mat-progress-bar mode="determinate" [value]="fraction(queue) * 100" [attr.aria-label]="queue.name + ' progress'" />
            <p class="figure" data-testid="annotate-queue-counts">{{ queue.counts.completed | number }} / {{ queue.counts.items | number }} items complete · {{ fraction(queue) | percent }} of answers</p>
            <div class="actions">
              @if (canWrite()) {
                <a mat-flat-button [routerLink]="['/annotate', queue.projectId, queue.id]" data-testid="annotate-start">Start</a>
              }
              <a mat-button [routerLink]="['/agreement', queue.projectId, queue.id]" data-testid="annotate-agreement">Agreement</a>
            </div>
          </section>
        }
      </div>
    }
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .queues {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(320px, 1fr));
      gap: 12px;
    }
    .queue h2 {
      margin: 0;
    }
    .figure {
      font-variant-numeric: tabular-nums;
    }
    .actions {
      display: flex;
      gap: 8px;
    }
  `,
})
export class AnnotateQueuesPage {
  private readonly annotations = inject(AnnotationsApiService);
  private readonly auth = inject(AuthService);
  protected readonly store = injectLiveList((projectId: string) => queueListSource(projectId, () => this.annotations.listQueues(projectId)), { clearOnLoad: true });

  readonly projectId = input<string>();
  protected readonly picker = viewChild(ProjectPickerComponent);
  protected readonly readAnnotation = permissions.readAnnotation;
  private readonly navigation = injectProjectNavigation('annotate', permissions.readAnnotation);
  protected readonly noProject = this.navigation.noProject;
  protected readonly fraction = queueFraction;
  protected readonly canWrite = computed(() => !!this.projectId() && this.auth.canIn(permissions.writeAnnotation, this.projectId() ?? ''));
  protected readonly canManage = computed(() => !!this.projectId() && this.auth.canIn(permissions.manageAnnotation, this.projectId() ?? ''));

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        if (projectId) void this.store.load(projectId);
        else void this.navigation.openFirst();
      });
    });
  }

  protected open(projectId: string): void {
    this.navigation.open(projectId);
  }

  protected reload(): void {
    const projectId = this.projectId();
    if (projectId) void this.store.load(projectId);
  }

}
