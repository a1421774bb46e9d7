import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import {
  PREFERENCE_CHOICES,
  permissions,
  type AgreementMetric,
  type AgreementReport,
  type AnnotationValue,
  type Disagreement,
  type PreferenceChoice,
} from '@camel/contracts';
import { queueRowSource } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { AuthService } from '../../core/auth.service';
import { injectLiveList } from '../../core/live-list';
import { ToastService } from '../../core/toast.service';
import { AnnotationsApiService } from '../annotate/annotations-api.service';
import { memberNames } from '../annotate/member-names';

const METRIC_LABEL: Readonly<Record<AgreementMetric, string>> = {
  cohens_kappa: "Cohen's κ",
  krippendorff_alpha_nominal: "Krippendorff's α (nominal)",
  krippendorff_alpha_interval: "Krippendorff's α (interval)",
  percent_agreement: 'Percent agreement',
};
const CHOICE_LABEL: Readonly<Record<PreferenceChoice, string>> = { A: 'A', B: 'B', equal: 'equal', both_bad: 'both bad' };

/** An answer in a few words: the preference, the rating, the flags. */
export function answerLabel(value: AnnotationValue): string {
  const parts = [
    value.preference ? CHOICE_LABEL[value.preference.choice] : null,
    value.rating !== undefined ? `rating ${value.rating}` : null,
    value.flags?.length ? value.flags.join(', ') : null,
  ].filter((part): part is string => part !== null);
  return parts.join(' · ') || 'no choice';
}

/**
 * A queue's agreement, live: the statistics per answered field (Cohen's κ for two annotators,
 * Krippendorff's α for more, percent agreement for pairwise; "—" where a statistic is undefined)
 * and the items the annotators disagree on, which an engineer or admin decides: the decision is
 * final and recorded.
 */
@Component({
  selector: 'camel-agreement-page',
  imports: [DecimalPipe, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="page-head">
      <h1>Agreement</h1>
      <div class="head-actions">
        <a mat-button [routerLink]="['/annotate', projectId()]">Queues</a>
      </div>
    </div>
    @if (store.state() === 'loading' && !report()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the report" />
    }
    @if (store.state() === 'error') {
      <p class="load-error" role="alert">The report could not be loaded. <button mat-button type="button" (click)="reload()">Retry</button></p>
    }
    @if (report(); as r) {
      <section class="camel-card" aria-labelledby="agreement-stats" data-testid="agreement-stats">
        <h2 id="agreement-stats">Statistics</h2>
        @if (r.fields.length === 0) {
          <p class="camel-muted">No item has two answers yet.</p>
        } @else {
          <table class="camel-grid">
            <thead><tr><th scope="col">Field</th><th scope="col">Items</th><th scope="col">Annotators</th><th scope="col">Statistic</th><th scope="col">Value</th></tr></thead>
            <tbody>
              @for (field of r.fields; track field.field) {
                @for (statistic of field.statistics; track statistic.metric; let first = $first) {
                  <tr data-testid="agreement-stat" [attr.data-field]="field.field" [attr.data-metric]="statistic.metric" [attr.data-value]="statistic.value ?? 'null'">
                    <td>{{ first ? field.field : '' }}</td>
                    <td>{{ first ? field.units : '' }}</td>
                    <td>{{ first ? field.annotators : '' }}</td>
                    <td>{{ metricLabel[statistic.metric] }}</td>
                    <td>{{ statistic.value === null ? '— (undefined for these answers)' : (statistic.value | number: '1.3-3') }}</td>
                  </tr>
                }
              }
            </tbody>
          </table>
        }
      </section>
      <section class="camel-card" aria-labelledby="agreement-disagreements">
        <h2 id="agreement-disagreements">Disagreements ({{ r.disagreements.length }})</h2>
        @for (item of r.disagreements; track item.itemId) {
          <article class="disagreement" data-testid="disagreement" [attr.data-item-id]="item.itemId" [attr.data-adjudicated]="!!item.adjudication">
            <p>
              <a [routerLink]="['/logs', projectId()]" [queryParams]="{ entry: item.entryId }">{{ item.entryId }}</a>
              @if (item.alternativeEntryId) { <span class="camel-muted"> vs {{ item.alternativeEntryId }}</span> }
              <span class="camel-muted"> · differs on {{ item.fields.join(', ') }}</span>
            </p>
            <ul>
              @for (answer of item.answers; track answer.annotationId) {
                <li>{{ nameOf(answer.annotator) }}: <strong>{{ answerLabel(answer.value) }}</strong>{{ answer.value.rationale ? ' — ' + answer.value.rationale : '' }}</li>
              }
            </ul>
            @if (item.adjudication; as decision) {
              <p class="decided" data-testid="adjudication">Decided by {{ nameOf(decision.decidedBy) }}: <strong>{{ answerLabel(decision.value) }}</strong>{{ decision.note ? ' — ' + decision.note : '' }}</p>
            } @else if (canAdjudicate()) {
              <div class="decide" role="group" aria-label="Decide">
                @if (item.alternativeEntryId) {
                  @for (choice of choices; track choice) {
                    <button mat-stroked-button type="button" [disabled]="busy() === item.itemId" (click)="decide(item, { preference: { alternativeEntryId: item.alternativeEntryId, choice } })" [attr.data-testid]="'adjudicate-' + choice">
                      {{ choiceLabel[choice] }}
                    </button>
                  }
                } @else {
                  @for (answer of item.answers; track answer.annotationId) {
                    <button mat-stroked-button type="button" [disabled]="busy() === item.itemId" (click)="decide(item, answer.value)" data-testid="adjudicate-take">Take {{ answerLabel(answer.value) }}</button>
                  }
                }
                <mat-form-field subscriptSizing="dynamic">
                  <mat-label>Note</mat-label>
                  <input matInput [value]="notes()[item.itemId] ?? ''" (input)="setNote(item.itemId, $event)" data-testid="adjudicate-note" />
                </mat-form-field>
              </div>
            }
          </article>
        } @empty {
          <p class="camel-muted" data-testid="agreement-no-disagreements">The annotators agree on every item so far.</p>
        }
      </section>
    }
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .disagreement {
      border-bottom: 1px solid var(--mat-sys-outline-variant);
      padding: 8px 0;
    }
    .decide {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
    }
    .decided {
      color: var(--mat-sys-primary);
    }
  `,
})
export class AgreementPage {
  private readonly annotations = inject(AnnotationsApiService);
  private readonly api = inject(ApiService);
  private readonly auth = inject(AuthService);
  private readonly toast = inject(ToastService);

  readonly projectId = input.required<string>();
  readonly queueId = input.required<string>();

  protected readonly store = injectLiveList((projectId: string, queueId: string) =>
    queueRowSource<AgreementReport>(projectId, queueId, () => this.annotations.getAgreement(projectId, queueId)),
  );
  protected readonly report = computed(() => this.store.items().at(0) ?? null);
  protected readonly metricLabel = METRIC_LABEL;
  protected readonly choiceLabel = CHOICE_LABEL;
  protected readonly choices = PREFERENCE_CHOICES;
  protected readonly answerLabel = answerLabel;
  protected readonly busy = signal<string | null>(null);
  protected readonly notes = signal<Readonly<Record<string, string | undefined>>>({});
  private readonly members = memberNames(this.api);
  protected readonly canAdjudicate = computed(() => this.auth.canIn(permissions.manageAnnotation, this.projectId()));

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const queueId = this.queueId();
      untracked(() => {
        void this.store.load(projectId, queueId);
        this.members.load(projectId);
      });
    });
  }

  protected nameOf(userId: string): string {
    return this.members.nameOf(userId, (id) => (id === this.auth.me()?.actor.id ? 'you' : id));
  }

  protected setNote(itemId: string, event: Event): void {
    const note = (event.target as HTMLInputElement).value;
    this.notes.update((notes) => ({ ...notes, [itemId]: note }));
  }

  protected async decide(item: Disagreement, value: AnnotationValue): Promise<void> {
    this.busy.set(item.itemId);
    try {
      const note = this.notes()[item.itemId]?.trim();
      await this.annotations.adjudicate(this.projectId(), this.queueId(), item.itemId, { value, ...(note ? { note } : {}) });
      this.toast.info('Decision recorded.');
    } catch {
      // shown by ApiService
    } finally {
      this.busy.set(null);
    }
  }

  protected reload(): void {
    void this.store.load(this.projectId(), this.queueId());
  }
}
