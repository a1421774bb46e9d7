import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { LABEL_NAME_MAX_LENGTH, type Label, type LabelSetView } from '@camel/contracts';
import { ApiError, labelSetSource } from '@camel/console-data-access';
import { injectLiveList } from '../../core/live-list';
import { AnnotationsApiService } from '../annotate/annotations-api.service';

/**
 * The project's label set (the tags annotators pick with Shift+1–9): add, rename, recolor and
 * remove labels, then save the whole set (it replaces the previous one; answers keep the tags they
 * were given). Live: another manager's save shows here unless you have unsaved edits.
 */
@Component({
  selector: 'camel-label-set-editor',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'label-set-editor', '[attr.data-count]': 'saved().length', '[attr.data-dirty]': 'dirty()' },
  template: `
    <h2>Labels</h2>
    <p class="camel-muted">The tags annotators may give; the first nine have the keys Shift+1–9.</p>
    @for (label of draft(); track $index; let i = $index) {
      <div class="label-row" data-testid="label-row">
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Name</mat-label>
          <input matInput [value]="label.name" [attr.maxlength]="nameMax" (input)="edit(i, { name: value($event) })" data-testid="label-name" />
          @if (errorAt(i, 'name'); as message) {
            <mat-error>{{ message }}</mat-error>
          }
        </mat-form-field>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Description</mat-label>
          <input matInput [value]="label.description ?? ''" (input)="edit(i, { description: value($event) || undefined })" data-testid="label-description" />
        </mat-form-field>
        <input type="color" [value]="label.color ?? '#888888'" (input)="edit(i, { color: value($event) })" aria-label="Color" data-testid="label-color" />
        <button mat-button type="button" (click)="remove(i)" data-testid="label-remove">Remove</button>
      </div>
    }
    @if (problem(); as message) {
      <p class="load-error" role="alert" data-testid="label-set-error">{{ message }}</p>
    }
    <div class="actions">
      <button mat-button type="button" (click)="add()" data-testid="label-add">Add a label</button>
      <button mat-flat-button type="button" [disabled]="!dirty() || saving()" (click)="save()" data-testid="label-save">Save labels</button>
      @if (dirty()) {
        <button mat-button type="button" (click)="discard()" data-testid="label-discard">Discard changes</button>
      }
    </div>
  `,
  styles: `
    .label-row {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      align-items: center;
      margin-bottom: 8px;
    }
    .actions {
      display: flex;
      gap: 8px;
    }
  `,
})
export class LabelSetEditorComponent {
  private readonly annotations = inject(AnnotationsApiService);
  readonly projectId = input.required<string>();

  private readonly store = injectLiveList((projectId: string) => labelSetSource(projectId, () => this.annotations.getLabelSetAt(projectId)));
  protected readonly saved = computed<readonly Label[]>(() => (this.store.items().at(0) as LabelSetView | undefined)?.labels ?? []);
  /** Your edits; null while you have none (the saved set shows, live). */
  private readonly edits = signal<readonly Label[] | null>(null);
  protected readonly draft = computed(() => this.edits() ?? this.saved());
  protected readonly dirty = computed(() => this.edits() !== null);
  protected readonly saving = signal(false);
  private readonly errors = signal<ReadonlyMap<string, string>>(new Map());
  protected readonly problem = signal<string | null>(null);
  protected readonly nameMax = LABEL_NAME_MAX_LENGTH;

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      untracked(() => {
        this.edits.set(null);
        void this.store.load(projectId);
      });
    });
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected errorAt(index: number, member: string): string | undefined {
    return this.errors().get(`labels.${index}.${member}`);
  }

  protected edit(index: number, change: Partial<Label>): void {
    this.edits.set(this.draft().map((label, i) => (i === index ? { ...label, ...change } : label)));
  }

  protected add(): void {
    this.edits.set([...this.draft(), { name: '' }]);
  }

  protected remove(index: number): void {
    this.edits.set(this.draft().filter((_, i) => i !== index));
  }

  protected discard(): void {
    this.edits.set(null);
    this.errors.set(new Map());
    this.problem.set(null);
  }

  protected async save(): Promise<void> {
    const labels = this.edits();
    if (!labels) return;
    this.saving.set(true);
    this.errors.set(new Map());
    this.problem.set(null);
    try {
      await this.annotations.defineLabelSet(this.projectId(), labels.map(({ name, description, color }) => ({ name, ...(description ? { description } : {}), ...(color ? { color } : {}) })));
      // The live list reads the set again after its LabelSetDefined: show what was saved from there.
      this.edits.set(null);
      await this.store.refresh();
    } catch (error) {
      const fields = error instanceof ApiError ? (error.body.fields ?? []) : [];
      this.errors.set(new Map(fields.map((field) => [field.field, field.message])));
      this.problem.set(fields[0]?.message ?? (error instanceof ApiError ? error.body.message : 'The labels could not be saved.'));
    } finally {
      this.saving.set(false);
    }
  }
}
