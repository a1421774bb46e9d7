import { DecimalPipe, PercentPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { QueueProgress } from '@camel/contracts';
import { queueRowSource } from '@camel/console-data-access';
import { injectLiveList } from '../../core/live-list';
import { AnnotationsApiService } from '../annotate/annotations-api.service';

/** One queue's progress per person, live (read again after the queue's events). */
@Component({
  selector: 'camel-queue-progress',
  imports: [DecimalPipe, PercentPipe, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'queue-progress', '[attr.data-queue-id]': 'queueId()', '[attr.data-completed]': 'completed()' },
  template: `
    @if (progress(); as p) {
      <mat-progress-bar mode="determinate" [value]="p.fraction * 100" aria-label="Queue progress" />
      <p class="figure">
        {{ p.counts.completed | number }} / {{ p.counts.items | number }} items complete · {{ p.counts.responses | number }} answers ({{ p.fraction | percent }})
        @if (p.counts.adjudicated) { · {{ p.counts.adjudicated | number }} adjudicated }
      </p>
      @if (p.annotators.length > 0) {
        <table class="camel-grid">
          <caption class="camel-visually-hidden">Progress per person</caption>
          <thead><tr><th scope="col">Annotator</th><th scope="col">Answers</th><th scope="col">Extra</th><th scope="col">Skipped</th><th scope="col">Holding</th></tr></thead>
          <tbody>
            @for (person of p.annotators; track person.annotator) {
              <tr data-testid="queue-person" [attr.data-annotator]="person.annotator" [attr.data-responses]="person.responses">
                <td>{{ nameOf()(person.annotator) }}</td>
                <td>{{ person.responses | number }}</td>
                <td>{{ person.extra | number }}</td>
                <td>{{ person.skipped | number }}</td>
                <td>{{ person.reserved | number }}</td>
              </tr>
            }
          </tbody>
        </table>
      } @else {
        <p class="camel-muted">Nobody has answered yet.</p>
      }
    } @else {
      <mat-progress-bar mode="indeterminate" aria-label="Loading progress" />
    }
  `,
  styles: `
    .figure {
      font-variant-numeric: tabular-nums;
    }
  `,
})
export class QueueProgressComponent {
  private readonly annotations = inject(AnnotationsApiService);
  readonly projectId = input.required<string>();
  readonly queueId = input.required<string>();
  /** A person's name from their user id. */
  readonly nameOf = input<(userId: string) => string>((id) => id);

  private readonly store = injectLiveList((projectId: string, queueId: string) =>
    queueRowSource<QueueProgress>(projectId, queueId, () => this.annotations.getProgress(projectId, queueId)),
  );
  protected readonly progress = computed(() => this.store.items().at(0) ?? null);
  protected readonly completed = computed(() => this.progress()?.counts.completed ?? 0);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const queueId = this.queueId();
      untracked(() => void this.store.load(projectId, queueId));
    });
  }
}
