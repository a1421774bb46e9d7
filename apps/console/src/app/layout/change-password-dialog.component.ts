import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@camel/contracts';
import { fieldErrors } from '../core/api-errors';
import { ApiService } from '../core/api.service';
import { ToastService } from '../core/toast.service';

/** `required`: the password was generated (the first owner's); the dialog asks for a new one and cannot be cancelled. */
export interface ChangePasswordDialogData {
  readonly required?: boolean;
}

/** The signed-in user's own password: the current one, then the new one. */
@Component({
  selector: 'camel-change-password-dialog',
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'change-password-dialog' },
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()">
      <h2 mat-dialog-title>{{ required ? 'Choose your own password' : 'Change password' }}</h2>
      <mat-dialog-content class="fields">
        @if (required) {
          <p data-testid="change-password-required">
            You signed in with the password generated at the first start (it was printed in the server's log). Choose one only you know
            before you go on.
          </p>
        }
        <mat-form-field>
          <mat-label>Current password</mat-label>
          <input matInput type="password" formControlName="currentPassword" autocomplete="current-password" data-testid="current-password" />
          <mat-error>{{ errors()['currentPassword'] }}</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>New password</mat-label>
          <input
            matInput
            type="password"
            formControlName="newPassword"
            autocomplete="new-password"
            [maxlength]="maxLength"
            data-testid="new-password"
          />
          <mat-hint>At least {{ minLength }} characters</mat-hint>
          <mat-error>{{ errors()['newPassword'] }}</mat-error>
        </mat-form-field>
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        @if (!required) {
          <button mat-button type="button" mat-dialog-close>Cancel</button>
        }
        <button mat-flat-button type="submit" data-testid="change-password-submit" [disabled]="busy()">Change</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .fields {
      display: flex;
      flex-direction: column;
      gap: 8px;
      min-width: min(360px, 80vw);
    }
  `,
})
export class ChangePasswordDialogComponent {
  private readonly api = inject(ApiService);
  private readonly toast = inject(ToastService);
  private readonly ref = inject<MatDialogRef<ChangePasswordDialogComponent>>(MatDialogRef);

  protected readonly required = inject<ChangePasswordDialogData | null>(MAT_DIALOG_DATA, { optional: true })?.required === true;
  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly maxLength = PASSWORD_MAX_LENGTH;
  protected readonly form = inject(FormBuilder).nonNullable.group({ currentPassword: '', newPassword: '' });
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected readonly busy = signal(false);

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { currentPassword, newPassword } = this.form.getRawValue();
    this.busy.set(true);
    this.errors.set({});
    try {
      await this.api.changePassword(currentPassword, newPassword);
      this.toast.info('Password changed.');
      this.ref.close(true);
    } catch (error) {
      const errors = fieldErrors(error);
      this.errors.set(errors);
      for (const field of ['currentPassword', 'newPassword'] as const) {
        if (errors[field]) {
          this.form.controls[field].setErrors({ server: errors[field] });
          this.form.controls[field].markAsTouched();
        }
      }
    } finally {
      this.busy.set(false);
    }
  }
}
