import { Injectable, inject } from '@angular/core';
import { MatSnackBar, type MatSnackBarRef } from '@angular/material/snack-bar';
import { ApiError } from '@camel/console-data-access';
import { ToastComponent, type ToastData, type ToastKind } from './toast.component';

const DURATION_MS: Record<ToastKind, number> = { error: 8000, info: 4000 };

/**
 * Short messages at the top right, under the toolbar: never over the panels at the bottom of a page
 * (a config's Problems, a form's Save). One at a time (a new one replaces the last).
 */
@Injectable({ providedIn: 'root' })
export class ToastService {
  private readonly snackBar = inject(MatSnackBar);
  private current: { ref: MatSnackBarRef<ToastComponent>; data: ToastData } | undefined;

  /** Shows the server's message of an `ApiError`, or the message of any other error. */
  error(error: unknown): void {
    this.show({ kind: 'error', message: errorMessage(error) });
  }

  info(message: string): void {
    this.show({ kind: 'info', message });
  }

  private show(data: ToastData): void {
    // A poller failing every few seconds must not make the same toast flicker.
    if (this.current && this.current.data.kind === data.kind && this.current.data.message === data.message) return;
    this.current?.ref.instance.leaving.set(true);
    const ref = this.snackBar.openFromComponent(ToastComponent, {
      data,
      duration: DURATION_MS[data.kind],
      politeness: data.kind === 'error' ? 'assertive' : 'polite',
      horizontalPosition: 'end',
      verticalPosition: 'top',
      panelClass: ['camel-toast', data.kind === 'error' ? 'camel-toast-error' : 'camel-toast-info'],
    });
    const entry = { ref, data };
    this.current = entry;
    ref.afterDismissed().subscribe(() => {
      if (this.current === entry) this.current = undefined;
    });
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.displayMessage;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
