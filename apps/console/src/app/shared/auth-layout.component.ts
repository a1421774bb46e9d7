import { ChangeDetectionStrategy, Component, ViewEncapsulation, input } from '@angular/core';

/**
 * The frame of the pages used signed out (sign-in, accepting an invite or a reset link): one
 * narrow card with the page's heading; the page projects its text and form. Its form stacks its
 * fields full width (`.field`), with the server's answer in `.error` above the button.
 */
@Component({
  selector: 'camel-auth-layout',
  changeDetection: ChangeDetectionStrategy.OnPush,
  // The form is the page's (projected content): the rules are scoped by this element instead.
  encapsulation: ViewEncapsulation.None,
  template: `
    <section class="camel-card auth-card" [attr.aria-labelledby]="headingId()">
      <h1 [id]="headingId()">{{ heading() }}</h1>
      <ng-content />
    </section>
  `,
  styles: `
    camel-auth-layout .auth-card {
      max-width: 420px;
      margin: 48px auto;
    }
    camel-auth-layout form {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    camel-auth-layout .field {
      width: 100%;
    }
    camel-auth-layout .error {
      margin: 0 0 12px;
      color: var(--camel-danger);
      background: var(--camel-danger-soft);
      padding: 8px 12px;
      border-radius: 8px;
    }
  `,
})
export class AuthLayoutComponent {
  readonly heading = input.required<string>();
  readonly headingId = input('auth-heading');
}
