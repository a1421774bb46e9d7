import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';

export interface ArchiveDialogData {
  readonly name: string;
}

/** Confirms archiving; closes with `true` when confirmed. */
@Component({
  selector: 'camel-archive-dialog',
  imports: [MatDialogModule, MatButtonModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'archive-dialog' },
  template: `
    <h2 mat-dialog-title>Archive project?</h2>
    <mat-dialog-content>
      <p>
        “{{ data.name }}” will be archived: it leaves the list of active projects and can no longer be
        renamed. This cannot be undone here.
      </p>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close data-testid="cancel-archive">Cancel</button>
      <button mat-flat-button type="button" [mat-dialog-close]="true" data-testid="confirm-archive">
        Archive
      </button>
    </mat-dialog-actions>
  `,
})
export class ArchiveDialogComponent {
  protected readonly data = inject<ArchiveDialogData>(MAT_DIALOG_DATA);
}
