import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule, type AbstractControl } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { PROJECT_DESCRIPTION_MAX_LENGTH, PROJECT_NAME_MAX_LENGTH } from '@camel/contracts';
import { fieldErrors } from '../../core/api-errors';
import { ApiService } from '../../core/api.service';

type Field = 'name' | 'description';

/**
 * Creates a project. The api validates (it is the only authority on names), so the form submits
 * whatever is typed and shows the server's field errors under the inputs; the new row arrives in
 * the list through the live events.
 */
@Component({
  selector: 'camel-create-project-form',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="camel-card form" [formGroup]="form" (ngSubmit)="submit()" aria-labelledby="create-project-heading">
      <h2 id="create-project-heading">New project</h2>
      <div class="fields">
        <mat-form-field class="name">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" autocomplete="off" data-testid="create-project-name" />
          <mat-hint align="end">{{ name().length }} / {{ nameMax }}</mat-hint>
          <mat-error data-testid="create-project-name-error">{{ errors()['name'] }}</mat-error>
        </mat-form-field>
        <mat-form-field class="description">
          <mat-label>Description (optional)</mat-label>
          <textarea
            matInput
            formControlName="description"
            rows="1"
            data-testid="create-project-description"
          ></textarea>
          <mat-hint align="end">{{ description().length }} / {{ descriptionMax }}</mat-hint>
          <mat-error data-testid="create-project-description-error">{{ errors()['description'] }}</mat-error>
        </mat-form-field>
        <button mat-flat-button type="submit" class="submit" data-testid="create-project-submit" [disabled]="busy()">
          Create
        </button>
      </div>
      <p class="camel-muted result" role="status">{{ result() }}</p>
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-wrap: wrap;
      align-items: flex-start;
      gap: 12px;
    }
    .name {
      flex: 1 1 220px;
    }
    .description {
      flex: 2 1 320px;
    }
    .submit {
      margin-top: 8px;
    }
    .result {
      margin: 4px 0 0;
      min-height: 1.5em;
    }
  `,
})
export class CreateProjectFormComponent {
  private readonly api = inject(ApiService);

  protected readonly nameMax = PROJECT_NAME_MAX_LENGTH;
  protected readonly descriptionMax = PROJECT_DESCRIPTION_MAX_LENGTH;
  protected readonly form = inject(FormBuilder).nonNullable.group({ name: '', description: '' });
  protected readonly name = toSignal(this.form.controls.name.valueChanges, { initialValue: '' });
  protected readonly description = toSignal(this.form.controls.description.valueChanges, { initialValue: '' });
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected readonly busy = signal(false);
  protected readonly result = signal('');

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { name, description } = this.form.getRawValue();
    this.busy.set(true);
    this.result.set('');
    this.errors.set({});
    try {
      await this.api.createProject({ name, ...(description.trim() ? { description } : {}) });
      this.form.reset();
      this.result.set(`Project “${name.trim()}” created.`);
    } catch (error) {
      this.showFieldErrors(fieldErrors(error));
    } finally {
      this.busy.set(false);
    }
  }

  private showFieldErrors(errors: Record<string, string>): void {
    this.errors.set(errors);
    for (const field of ['name', 'description'] as const satisfies readonly Field[]) {
      const message = errors[field];
      if (message) markServerError(this.form.controls[field], message);
    }
  }
}

/** Shows under the input until the value changes (which recomputes the control's errors). */
export function markServerError(control: AbstractControl, message: string): void {
  control.setErrors({ server: message });
  control.markAsTouched();
}
