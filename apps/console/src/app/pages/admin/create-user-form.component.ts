import { ChangeDetectionStrategy, Component, inject, output, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_NAME_MAX_LENGTH, type UserCreatedResponse } from '@camel/contracts';
import { fieldErrors } from '../../core/api-errors';
import { ApiService } from '../../core/api.service';

export interface UserCreated {
  readonly email: string;
  readonly response: UserCreatedResponse;
}

type Mode = 'invite' | 'password';
const FIELDS = ['email', 'name', 'password'] as const;

/**
 * Adds a user: by invitation (the api answers with a one-time link, shown by the page) or with a
 * password set here. The new row arrives in the list through the live events.
 */
@Component({
  selector: 'camel-create-user-form',
  imports: [ReactiveFormsModule, MatButtonModule, MatButtonToggleModule, MatCheckboxModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="camel-card" [formGroup]="form" (ngSubmit)="submit()" aria-labelledby="create-user-heading">
      <div class="head">
        <h2 id="create-user-heading">New user</h2>
        <mat-button-toggle-group formControlName="mode" aria-label="How the user gets a password" hideSingleSelectionIndicator>
          <mat-button-toggle value="invite" data-testid="create-user-mode-invite">Invite by link</mat-button-toggle>
          <mat-button-toggle value="password" data-testid="create-user-mode-password">Set a password</mat-button-toggle>
        </mat-button-toggle-group>
      </div>
      <div class="fields">
        <mat-form-field class="grow">
          <mat-label>Email</mat-label>
          <input matInput type="email" formControlName="email" autocomplete="off" [maxlength]="emailMax" data-testid="create-user-email" />
          <mat-error data-testid="create-user-email-error">{{ errors()['email'] }}</mat-error>
        </mat-form-field>
        <mat-form-field class="grow">
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" autocomplete="off" [maxlength]="nameMax" data-testid="create-user-name" />
          <mat-error data-testid="create-user-name-error">{{ errors()['name'] }}</mat-error>
        </mat-form-field>
        @if (mode() === 'password') {
          <mat-form-field class="grow">
            <mat-label>Password</mat-label>
            <input
              matInput
              type="password"
              formControlName="password"
              autocomplete="new-password"
              [maxlength]="passwordMax"
              data-testid="create-user-password"
            />
            <mat-hint>At least {{ passwordMin }} characters</mat-hint>
            <mat-error data-testid="create-user-password-error">{{ errors()['password'] }}</mat-error>
          </mat-form-field>
        }
        <mat-checkbox formControlName="owner" data-testid="create-user-owner">Owner (administers the installation)</mat-checkbox>
        <button mat-flat-button type="submit" data-testid="create-user-submit" [disabled]="busy()">
          {{ mode() === 'invite' ? 'Invite' : 'Create' }}
        </button>
      </div>
    </form>
  `,
  styles: `
    .head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 12px;
      margin-bottom: 12px;
    }
    .head h2 {
      margin: 0;
    }
    .fields {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
    }
    .grow {
      flex: 1 1 220px;
    }
  `,
})
export class CreateUserFormComponent {
  private readonly api = inject(ApiService);

  readonly created = output<UserCreated>();

  protected readonly emailMax = EMAIL_MAX_LENGTH;
  protected readonly nameMax = USER_NAME_MAX_LENGTH;
  protected readonly passwordMin = PASSWORD_MIN_LENGTH;
  protected readonly passwordMax = PASSWORD_MAX_LENGTH;
  protected readonly form = inject(FormBuilder).nonNullable.group({
    mode: 'invite' as Mode,
    email: '',
    name: '',
    password: '',
    owner: false,
  });
  protected readonly mode = toSignal(this.form.controls.mode.valueChanges, { initialValue: 'invite' as Mode });
  protected readonly errors = signal<Partial<Record<string, string>>>({});
  protected readonly busy = signal(false);

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { mode, email, name, password, owner } = this.form.getRawValue();
    this.busy.set(true);
    this.errors.set({});
    try {
      const response = await this.api.createUser({
        email: email.trim(),
        name,
        globalRole: owner ? 'owner' : null,
        ...(mode === 'password' ? { password } : {}),
      });
      this.form.reset({ mode });
      this.created.emit({ email: email.trim(), response });
    } catch (error) {
      const errors = fieldErrors(error);
      this.errors.set(errors);
      for (const field of FIELDS) {
        const message = errors[field];
        if (message) {
          this.form.controls[field].setErrors({ server: message });
          this.form.controls[field].markAsTouched();
        }
      }
    } finally {
      this.busy.set(false);
    }
  }
}
