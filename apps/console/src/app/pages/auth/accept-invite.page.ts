import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { Router, RouterLink } from '@angular/router';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@camel/contracts';
import { fieldErrors } from '../../core/api-errors';
import { AuthService } from '../../core/auth.service';
import { AuthLayoutComponent } from '../../shared/auth-layout.component';
import { errorMessage } from '../../core/toast.service';

/**
 * `/accept-invite?token=…`: the link of an invitation or a password reset. Choosing a password
 * spends the token and signs the user in.
 */
@Component({
  selector: 'camel-accept-invite-page',
  imports: [ReactiveFormsModule, RouterLink, MatButtonModule, MatFormFieldModule, MatInputModule, AuthLayoutComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <camel-auth-layout heading="Choose your password" headingId="accept-heading">
      @if (!inviteToken()) {
        <p class="error" role="alert" data-testid="accept-invite-error">
          This link has no token. Open the whole link you were given, or ask for a new one.
        </p>
        <a mat-button routerLink="/sign-in">Go to sign-in</a>
      } @else {
        <p class="camel-muted">At least {{ minLength }} characters. The link works once.</p>
        <form [formGroup]="form" (ngSubmit)="submit()" data-testid="accept-invite-form">
          <mat-form-field class="field">
            <mat-label>New password</mat-label>
            <input
              matInput
              type="password"
              formControlName="password"
              autocomplete="new-password"
              required
              [maxlength]="maxLength"
              data-testid="accept-invite-password"
            />
          </mat-form-field>
          <mat-form-field class="field">
            <mat-label>Repeat the password</mat-label>
            <input
              matInput
              type="password"
              formControlName="confirm"
              autocomplete="new-password"
              required
              [maxlength]="maxLength"
              data-testid="accept-invite-confirm"
            />
          </mat-form-field>
          @if (error()) {
            <p class="error" role="alert" data-testid="accept-invite-error">{{ error() }}</p>
          }
          <button mat-flat-button type="submit" data-testid="accept-invite-submit" [disabled]="busy()">
            Set password and sign in
          </button>
        </form>
      }
    </camel-auth-layout>
  `,
})
export class AcceptInvitePage {
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  /** `?token=` of the link. */
  readonly token = input<string>();
  protected readonly inviteToken = computed(() => this.token()?.trim() ?? '');

  protected readonly minLength = PASSWORD_MIN_LENGTH;
  protected readonly maxLength = PASSWORD_MAX_LENGTH;
  protected readonly form = inject(FormBuilder).nonNullable.group({ password: '', confirm: '' });
  protected readonly busy = signal(false);
  protected readonly error = signal('');

  protected async submit(): Promise<void> {
    if (this.busy()) return;
    const { password, confirm } = this.form.getRawValue();
    if (password !== confirm) {
      this.error.set('The two passwords differ.');
      return;
    }
    this.busy.set(true);
    this.error.set('');
    try {
      await this.auth.acceptInvite(this.inviteToken(), password);
      await this.router.navigateByUrl('/home');
    } catch (error) {
      const fields = fieldErrors(error);
      this.error.set(fields['password'] ?? fields['token'] ?? errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}
