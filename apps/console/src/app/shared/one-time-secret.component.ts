import { Clipboard } from '@angular/cdk/clipboard';
import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';

/**
 * A secret the api shows once (API key, invite or reset link): the value, a copy button and a
 * warning that it cannot be shown again. Stays until dismissed.
 */
@Component({
  selector: 'camel-one-time-secret',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'one-time-secret', role: 'region', '[attr.aria-label]': 'title()' },
  template: `
    <h2>{{ title() }}</h2>
    <p class="warning" role="alert" data-testid="one-time-warning">
      Copy it now: it is shown only once and cannot be displayed again.
      @if (hint()) {
        {{ hint() }}
      }
    </p>
    <div class="value-row">
      <code class="value" data-testid="one-time-value" tabindex="0">{{ value() }}</code>
      <button mat-flat-button type="button" data-testid="copy-secret" (click)="copy()">{{ copied() ? 'Copied' : 'Copy' }}</button>
    </div>
    <div class="actions">
      <button mat-button type="button" data-testid="dismiss-secret" (click)="dismissed.emit()">I have copied it</button>
    </div>
  `,
  styles: `
    :host {
      display: block;
      padding: 16px;
      margin-bottom: 16px;
      border: 2px solid var(--camel-warn);
      border-radius: 12px;
      background: var(--mat-sys-surface-container-lowest);
    }
    .warning {
      margin: 0 0 12px;
      color: var(--camel-warn);
      font-weight: 500;
    }
    .value-row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
    }
    .value {
      flex: 1 1 320px;
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container-high);
      overflow-wrap: anywhere;
      user-select: all;
    }
    .actions {
      display: flex;
      justify-content: flex-end;
      margin-top: 8px;
    }
  `,
})
export class OneTimeSecretComponent {
  private readonly clipboard = inject(Clipboard);

  readonly title = input.required<string>();
  readonly value = input.required<string>();
  /** One more sentence under the warning (what to do with it). */
  readonly hint = input<string>('');
  readonly dismissed = output<void>();

  protected readonly copied = signal(false);

  protected copy(): void {
    this.copied.set(this.clipboard.copy(this.value()));
  }
}
