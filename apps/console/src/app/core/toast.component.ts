import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_SNACK_BAR_DATA, MatSnackBarRef } from '@angular/material/snack-bar';

export type ToastKind = 'error' | 'info';

export interface ToastData {
  readonly kind: ToastKind;
  readonly message: string;
}

/**
 * Snack bar content with a stable test hook: the message is the text of `[data-testid=toast]`.
 * A toast on its way out (replaced or dismissed, still animating) drops the hook, so the hook
 * always names one element.
 */
@Component({
  selector: 'camel-toast',
  imports: [MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toast">
      <span class="message" [attr.data-testid]="leaving() ? 'toast-leaving' : 'toast'" [attr.data-kind]="data.kind">{{ data.message }}</span>
      <button mat-button type="button" (click)="dismiss()">Dismiss</button>
    </div>
  `,
  styles: `
    .toast {
      display: flex;
      align-items: center;
      gap: 8px;
    }
    .message {
      flex: 1;
      overflow-wrap: anywhere;
    }
  `,
})
export class ToastComponent {
  protected readonly data = inject<ToastData>(MAT_SNACK_BAR_DATA);
  private readonly ref = inject<MatSnackBarRef<ToastComponent>>(MatSnackBarRef);
  readonly leaving = signal(false);

  dismiss(): void {
    this.leaving.set(true);
    this.ref.dismiss();
  }
}
