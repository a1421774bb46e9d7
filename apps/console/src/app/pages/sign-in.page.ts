import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { Router } from '@angular/router';

/** Stand-in until identity (users, sessions, API keys) arrives in a later issue. */
@Component({
  selector: 'camel-sign-in-page',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Sign in</h1>
    <section class="camel-card sign-in" aria-labelledby="sign-in-note">
      <p id="sign-in-note">
        Accounts and sign-in arrive in a later issue. Until then the console works without an
        account.
      </p>
      <button mat-flat-button type="button" data-testid="sign-in-continue" (click)="continue()">Continue</button>
    </section>
  `,
  styles: `
    .sign-in {
      max-width: 480px;
    }
  `,
})
export class SignInPage {
  private readonly router = inject(Router);

  protected continue(): void {
    void this.router.navigateByUrl('/projects');
  }
}
