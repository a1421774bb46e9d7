import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router } from '@angular/router';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH } from '@camel/contracts';
import { AuthService } from '../../core/auth.service';
import { AuthLayoutComponent } from '../../shared/auth-layout.component';
import { errorMessage } from '../../core/toast.service';
import { safeReturnUrl } from './return-url';

/** Email and password; the api's answer (wrong credentials, throttled, disabled) shows in place. */
@Component({
  selector: 'camel-sign-in-page',
  imports: [ReactiveFormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, AuthLayoutComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <camel-auth-layout heading="Sign in" headingId="sign-in-heading">
      <form [formGroup]="form" (ngSubmit)="submit()" data-testid="sign-in-form">
        <mat-form-field class="field">
          <mat-label>Email</mat-label>
          <input
            matInput
            type="email"
            formControlName="email"
            autocomplete="username"
            required
            [maxlength]="emailMax"
            data-testid="sign-in-email"
          />
        </mat-form-field>
        <mat-form-field class="field">
          <mat-label>Password</mat-label>
          <input
            matInput
            type="password"
            formControlName="password"
            autocomplete="current-password"
            required
            [maxlength]="passwordMax"
            data-testid="sign-in-password"
          />
        </mat-form-field>
        @if (error()) {
          <p class="error" role="alert" data-testid="sign-in-error">{{ error() }}</p>
        }
        <button mat-flat-button type="submit" data-testid="sign-in-submit" [disabled]="busy()">Sign in</button>
      </form>
    </camel-auth-layout>
  `,
})
export class SignInPage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** `?returnUrl=`: where the guard came from. */
  readonly returnUrl = input<string>();

  protected readonly emailMax = EMAIL_MAX_LENGTH;
  protected readonly passwordMax = PASSWORD_MAX_LENGTH;
  protected readonly form = inject(FormBuilder).nonNullable.group({ email: '', password: '' });
  protected readonly busy = signal(false);
  protected readonly error = signal('');

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { email, password } = this.form.getRawValue();
    this.busy.set(true);
    this.error.set('');
    try {
      await this.auth.signIn(email.trim(), password);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (error) {
      // The server's message: wrong credentials, too many attempts (429), account disabled…
      this.error.set(errorMessage(error));
      this.form.controls.password.reset();
    } finally {
      this.busy.set(false);
    }
  }
}
