import type { MatDialog, MatDialogConfig, MatDialogRef } from '@angular/material/dialog';
import type { ChangePasswordDialogComponent, ChangePasswordDialogData } from './change-password-dialog.component';

/**
 * Opens the change-password dialog, its code loaded on first use: the form (Angular forms, Material
 * form fields and inputs) stays out of the initial bundle, which only the shell needs.
 */
export async function openChangePasswordDialog(dialog: MatDialog, config: MatDialogConfig<ChangePasswordDialogData> = {}): Promise<MatDialogRef<ChangePasswordDialogComponent>> {
  const { ChangePasswordDialogComponent } = await import('./change-password-dialog.component');
  return dialog.open(ChangePasswordDialogComponent, config);
}
