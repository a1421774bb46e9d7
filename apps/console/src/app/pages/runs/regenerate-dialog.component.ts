import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { LogEntryView, RegenerateTurnRequest } from '@camel/contracts';
import { firstValueFrom } from 'rxjs';

/**
 * Another answer to one turn's exact prompt, with another model or temperature: what differs from
 * the turn is sent (the api lays it over the turn's own parameters).
 */
@Component({
  selector: 'camel-regenerate-dialog',
  imports: [MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'regenerate-dialog' },
  template: `
    <h2 mat-dialog-title>Regenerate turn {{ turn.index }}</h2>
    <mat-dialog-content>
      <p class="camel-muted">{{ turn.agent }} is sent exactly this turn's prompt again; the answer is kept beside the turn.</p>
      <div class="fields">
        <mat-form-field>
          <mat-label>Provider</mat-label>
          <input matInput [value]="provider()" (input)="provider.set(value($event))" data-testid="regenerate-provider" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Model</mat-label>
          <input matInput [value]="model()" (input)="model.set(value($event))" data-testid="regenerate-model" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Temperature</mat-label>
          <input matInput type="number" min="0" max="2" step="0.1" [value]="temperature()" (input)="temperature.set(value($event))" data-testid="regenerate-temperature" />
        </mat-form-field>
      </div>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" mat-dialog-close>Cancel</button>
      <button mat-flat-button type="button" [mat-dialog-close]="request()" data-testid="regenerate-submit">Regenerate</button>
    </mat-dialog-actions>
  `,
  styles: `
    .fields {
      display: flex;
      flex-wrap: wrap;
      gap: 12px;
    }
  `,
})
export class RegenerateDialogComponent {
  protected readonly turn = inject<LogEntryView>(MAT_DIALOG_DATA);
  protected readonly provider = signal(this.turn.provider ?? '');
  protected readonly model = signal(this.turn.model ?? '');
  protected readonly temperature = signal(this.turn.parameters?.temperature?.toString() ?? '');

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected request(): RegenerateTurnRequest {
    const provider = this.provider().trim();
    const model = this.model().trim();
    const temperature = this.temperature().trim() === '' ? undefined : Number(this.temperature());
    return {
      ...(provider && provider !== this.turn.provider ? { provider } : {}),
      ...(model && model !== this.turn.model ? { model } : {}),
      ...(temperature !== undefined && Number.isFinite(temperature) && temperature !== this.turn.parameters?.temperature ? { parameters: { temperature } } : {}),
    };
  }
}

/** Resolves to the request to send, or undefined when cancelled. */
export function openRegenerateDialog(dialog: MatDialog, turn: LogEntryView): Promise<RegenerateTurnRequest | undefined> {
  return firstValueFrom(dialog.open<RegenerateDialogComponent, LogEntryView, RegenerateTurnRequest>(RegenerateDialogComponent, { data: turn, width: '560px', maxWidth: '95vw' }).afterClosed());
}
