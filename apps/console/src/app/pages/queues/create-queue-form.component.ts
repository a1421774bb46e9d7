import { ChangeDetectionStrategy, Component, computed, effect, inject, input, output, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import {
  DEFAULT_RESERVATION_SECONDS,
  RESPONSES_REQUIRED_MAX,
  type CreateQueueRequest,
  type MemberView,
  type QueueItemSource,
  type QueueKind,
} from '@camel/contracts';
import { ApiError } from '@camel/console-data-access';
import { ApiService } from '../../core/api.service';
import { ToastService } from '../../core/toast.service';
import { AnnotationsApiService } from '../annotate/annotations-api.service';

/** Where the new queue's items come from, as the Logs explorer hands them over (query parameters). */
export interface QueueSeed {
  readonly workflow?: string;
  readonly runId?: string;
  readonly agent?: string;
  readonly model?: string;
  readonly q?: string;
  /** Entry ids selected in the explorer. */
  readonly entries?: readonly string[];
}

interface QueueForm {
  name: string;
  description: string;
  kind: QueueKind;
  sourceKind: 'filter' | 'entries';
  workflow: string;
  runId: string;
  agent: string;
  model: string;
  q: string;
  entries: string;
  unannotatedOnly: boolean;
  responsesRequired: number;
  reservationMinutes: number;
  blind: boolean;
  ratingMax: number;
  assignAll: boolean;
  assignees: string[];
  judge: string;
}

const text = (value: string) => value.trim() || undefined;

/** The request of a form (pure: tested through the page). */
export function createQueueRequest(form: QueueForm): CreateQueueRequest {
  const source: QueueItemSource =
    form.sourceKind === 'entries'
      ? { entryIds: form.entries.split(/[\s,]+/).filter(Boolean) }
      : {
          filter: {
            workflow: text(form.workflow),
            runId: text(form.runId),
            agent: text(form.agent),
            model: text(form.model),
            q: text(form.q),
            ...(form.unannotatedOnly ? { annotated: false } : {}),
          },
        };
  return {
    name: form.name.trim(),
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
    kind: form.kind,
    ratingScale: { min: 1, max: form.ratingMax },
    responsesRequired: form.responsesRequired,
    reservationSeconds: Math.round(form.reservationMinutes * 60),
    blind: form.blind,
    assignees: form.assignAll ? { kind: 'role' } : { kind: 'users', userIds: form.assignees },
    suggestions: form.judge.trim() ? { agent: form.judge.trim() } : null,
    source,
  };
}

/**
 * A new annotation queue: its items from a logs filter or selected entries (both handed over from
 * the Logs explorer), who works it, how many answers each item needs, the reservation time, blind
 * mode and an optional judge agent. Refused fields show in place.
 */
@Component({
  selector: 'camel-create-queue-form',
  imports: [MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatSelectModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="camel-card form" (submit)="$event.preventDefault(); create()" aria-label="New queue" data-testid="queue-form">
      <h2>New queue</h2>
      <div class="fields">
        <mat-form-field class="grow">
          <mat-label>Name</mat-label>
          <input matInput required [value]="form().name" (input)="set('name', value($event))" data-testid="queue-name" />
          @if (fieldError('name'); as error) { <mat-hint class="error">{{ error }}</mat-hint> }
        </mat-form-field>
        <mat-form-field>
          <mat-label>Kind</mat-label>
          <mat-select [value]="form().kind" (valueChange)="set('kind', $event)" data-testid="queue-kind">
            <mat-option value="pairwise">Pairwise (entry vs alternative)</mat-option>
            <mat-option value="single">Single answers</mat-option>
          </mat-select>
        </mat-form-field>
        <mat-form-field class="grow">
          <mat-label>Description</mat-label>
          <input matInput [value]="form().description" (input)="set('description', value($event))" data-testid="queue-description" />
        </mat-form-field>
      </div>
      <fieldset>
        <legend>Items</legend>
        <mat-form-field>
          <mat-label>From</mat-label>
          <mat-select [value]="form().sourceKind" (valueChange)="set('sourceKind', $event)" data-testid="queue-source-kind">
            <mat-option value="filter">a logs filter</mat-option>
            <mat-option value="entries">selected entries</mat-option>
          </mat-select>
        </mat-form-field>
        @if (form().sourceKind === 'filter') {
          <div class="fields">
            <mat-form-field><mat-label>Workflow</mat-label><input matInput [value]="form().workflow" (input)="set('workflow', value($event))" data-testid="queue-filter-workflow" /></mat-form-field>
            <mat-form-field><mat-label>Run id</mat-label><input matInput [value]="form().runId" (input)="set('runId', value($event))" data-testid="queue-filter-run" /></mat-form-field>
            <mat-form-field><mat-label>Agent</mat-label><input matInput [value]="form().agent" (input)="set('agent', value($event))" data-testid="queue-filter-agent" /></mat-form-field>
            <mat-form-field><mat-label>Model</mat-label><input matInput [value]="form().model" (input)="set('model', value($event))" data-testid="queue-filter-model" /></mat-form-field>
            <mat-form-field><mat-label>Keyword</mat-label><input matInput [value]="form().q" (input)="set('q', value($event))" data-testid="queue-filter-q" /></mat-form-field>
            <mat-checkbox [checked]="form().unannotatedOnly" (change)="set('unannotatedOnly', $event.checked)" data-testid="queue-filter-unannotated">Not annotated yet</mat-checkbox>
          </div>
          <p class="camel-muted">Pairwise queues take each matching entry with each of its alternatives; an item is never added twice.</p>
        } @else {
          <mat-form-field class="wide">
            <mat-label>Entry ids (one a line)</mat-label>
            <textarea matInput rows="3" [value]="form().entries" (input)="set('entries', value($event))" data-testid="queue-entries"></textarea>
          </mat-form-field>
        }
        @if (fieldError('source'); as error) { <p class="load-error">{{ error }}</p> }
      </fieldset>
      <fieldset>
        <legend>Work</legend>
        <div class="fields">
          <mat-form-field class="number">
            <mat-label>Answers per item</mat-label>
            <input matInput type="number" min="1" [max]="responsesMax" [value]="form().responsesRequired" (input)="set('responsesRequired', number($event))" data-testid="queue-responses" />
            @if (fieldError('responsesRequired'); as error) { <mat-hint class="error">{{ error }}</mat-hint> }
          </mat-form-field>
          <mat-form-field class="number">
            <mat-label>Reservation (minutes)</mat-label>
            <input matInput type="number" min="0.5" step="0.5" [value]="form().reservationMinutes" (input)="set('reservationMinutes', number($event))" data-testid="queue-reservation" />
            @if (fieldError('reservationSeconds'); as error) { <mat-hint class="error">{{ error }}</mat-hint> }
          </mat-form-field>
          <mat-form-field class="number">
            <mat-label>Rating scale 1 to</mat-label>
            <input matInput type="number" min="2" max="10" [value]="form().ratingMax" (input)="set('ratingMax', number($event))" data-testid="queue-rating-max" />
          </mat-form-field>
          <mat-checkbox [checked]="form().blind" (change)="set('blind', $event.checked)" data-testid="queue-blind">Blind (answers hidden from other annotators until the item completes)</mat-checkbox>
        </div>
        <div class="fields">
          <mat-checkbox [checked]="form().assignAll" (change)="set('assignAll', $event.checked)" data-testid="queue-assign-all">Every annotator of the project</mat-checkbox>
          @if (!form().assignAll) {
            <mat-form-field class="grow">
              <mat-label>Assignees</mat-label>
              <mat-select multiple [value]="form().assignees" (valueChange)="set('assignees', $event)" data-testid="queue-assignees">
                @for (member of members(); track member.userId) {
                  <mat-option [value]="member.userId" [attr.data-testid]="'queue-assignee-' + member.email">{{ member.name }} ({{ member.role }})</mat-option>
                }
              </mat-select>
            </mat-form-field>
          }
          <mat-form-field>
            <mat-label>Judge agent (optional)</mat-label>
            <input matInput [value]="form().judge" (input)="set('judge', value($event))" data-testid="queue-judge" />
          </mat-form-field>
        </div>
      </fieldset>
      <div class="actions">
        <button mat-flat-button type="submit" [disabled]="busy() || !form().name.trim()" data-testid="queue-create">Create queue</button>
        <button mat-button type="button" (click)="cancelled.emit()">Cancel</button>
      </div>
    </form>
  `,
  styleUrl: '../../shared/project-page.scss',
  styles: `
    .form {
      margin-bottom: 16px;
    }
    fieldset {
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
      margin: 8px 0;
    }
    .number {
      width: 170px;
    }
    .wide {
      width: 100%;
    }
    .error {
      color: var(--camel-danger);
    }
    .actions {
      display: flex;
      gap: 8px;
    }
  `,
})
export class CreateQueueFormComponent {
  private readonly annotations = inject(AnnotationsApiService);
  private readonly api = inject(ApiService);
  private readonly toast = inject(ToastService);

  readonly projectId = input.required<string>();
  readonly seed = input<QueueSeed>({});
  readonly created = output<string>();
  readonly cancelled = output<void>();

  protected readonly responsesMax = RESPONSES_REQUIRED_MAX;
  protected readonly members = signal<readonly MemberView[]>([]);
  protected readonly busy = signal(false);
  protected readonly errors = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly form = signal<QueueForm>({
    name: '',
    description: '',
    kind: 'pairwise',
    sourceKind: 'filter',
    workflow: '',
    runId: '',
    agent: '',
    model: '',
    q: '',
    entries: '',
    unannotatedOnly: false,
    responsesRequired: 1,
    reservationMinutes: DEFAULT_RESERVATION_SECONDS / 60,
    blind: true,
    ratingMax: 5,
    assignAll: true,
    assignees: [],
    judge: '',
  });
  protected readonly fieldError = (field: string) => {
    const errors = this.errors();
    return errors.get(field) ?? [...errors].find(([key]) => key.startsWith(`${field}.`))?.[1] ?? null;
  };
  protected readonly valid = computed(() => this.form().name.trim().length > 0);

  constructor() {
    effect(() => {
      const seed = this.seed();
      untracked(() =>
        this.form.update((form) => ({
          ...form,
          workflow: seed.workflow ?? form.workflow,
          runId: seed.runId ?? form.runId,
          agent: seed.agent ?? form.agent,
          model: seed.model ?? form.model,
          q: seed.q ?? form.q,
          ...(seed.entries?.length ? { sourceKind: 'entries' as const, entries: seed.entries.join('\n') } : {}),
        })),
      );
    });
    effect(() => {
      const projectId = this.projectId();
      untracked(() =>
        this.api.listMembers(projectId).then(
          (list) => this.members.set(list.items),
          () => undefined,
        ),
      );
    });
  }

  protected set<K extends keyof QueueForm>(key: K, value: QueueForm[K]): void {
    this.form.update((form) => ({ ...form, [key]: value }));
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected number(event: Event): number {
    return Number((event.target as HTMLInputElement).value);
  }

  protected async create(): Promise<void> {
    if (!this.valid() || this.busy()) return;
    this.busy.set(true);
    this.errors.set(new Map());
    try {
      const result = await this.annotations.createQueue(this.projectId(), createQueueRequest(this.form()));
      this.toast.info(`Queue created with ${result.added} item${result.added === 1 ? '' : 's'}${result.duplicates ? ` (${result.duplicates} duplicates left out)` : ''}.`);
      this.created.emit(result.id);
    } catch (error) {
      const fields = error instanceof ApiError ? (error.body.fields ?? []) : [];
      if (fields.length > 0) this.errors.set(new Map(fields.map((field) => [field.field, field.message])));
      else this.toast.error(error);
    } finally {
      this.busy.set(false);
    }
  }
}
