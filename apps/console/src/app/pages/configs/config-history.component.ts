import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, input, output, signal, untracked } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { ConfigVersionView } from '@camel/contracts';

export interface VersionPair {
  readonly from: number;
  readonly to: number;
}

const SOURCE_LABELS: Readonly<Record<ConfigVersionView['source'], string>> = {
  edit: 'edit',
  import: 'import',
  restore: 'restore',
  sync: 'sync from configs/',
};

/**
 * The versions of a config set, newest first (kept live by the store): who saved what and when;
 * the changes of one version, a comparison of any two, and Restore for those who may write.
 */
@Component({
  selector: 'camel-config-history',
  imports: [DatePipe, FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'config-history' },
  template: `
    @if (versions().length > 0) {
      <form class="compare" (ngSubmit)="compare.emit({ from: from(), to: to() })" aria-label="Compare two versions">
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>From</mat-label>
          <select matNativeControl [value]="from()" (change)="from.set(+$any($event.target).value)" data-testid="config-compare-from">
            @for (option of choices(); track option) {
              <!-- [selected] per option: a select's [value] set before its options exist shows the first one. -->
              <option [value]="option" [selected]="option === from()">{{ option === 0 ? 'empty (0)' : 'version ' + option }}</option>
            }
          </select>
        </mat-form-field>
        <mat-form-field subscriptSizing="dynamic">
          <mat-label>To</mat-label>
          <select matNativeControl [value]="to()" (change)="to.set(+$any($event.target).value)" data-testid="config-compare-to">
            @for (option of choices(); track option) {
              <!-- [selected] per option: a select's [value] set before its options exist shows the first one. -->
              <option [value]="option" [selected]="option === to()">{{ option === 0 ? 'empty (0)' : 'version ' + option }}</option>
            }
          </select>
        </mat-form-field>
        <button mat-stroked-button type="submit" data-testid="config-compare" [disabled]="from() === to()">Compare</button>
      </form>
    }
    <div class="scroll">
      <table data-testid="config-versions">
        <caption class="camel-visually-hidden">Versions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Message</th>
            <th scope="col">By</th>
            <th scope="col">Saved</th>
            <th scope="col"><span class="camel-visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          @for (version of versions(); track version.version) {
            <tr
              data-testid="config-version-row"
              [attr.data-version]="version.version"
              [attr.data-source]="version.source"
              [class.current]="version.version === current()"
            >
              <td class="version">
                {{ version.version }}
                @if (version.version === latest()) {
                  <span class="tag">latest</span>
                }
                @if (version.version === current() && current() !== latest()) {
                  <span class="tag">editing</span>
                }
              </td>
              <td data-testid="config-version-message">
                {{ version.message }}
                <span class="camel-muted">
                  · {{ sourceLabels[version.source] }}{{ version.restoredFrom ? ' of version ' + version.restoredFrom : '' }}
                </span>
              </td>
              <td>{{ actorLabel()(version.actor) }}</td>
              <td>
                <time [attr.datetime]="version.createdAt">{{ version.createdAt | date: 'medium' }}</time>
              </td>
              <td class="actions">
                <button
                  mat-button
                  type="button"
                  data-testid="config-version-changes"
                  [attr.aria-label]="'Changes of version ' + version.version"
                  (click)="compare.emit({ from: version.version - 1, to: version.version })"
                >
                  Changes
                </button>
                @if (canWrite() && version.version !== latest()) {
                  <button
                    mat-button
                    type="button"
                    data-testid="config-restore"
                    [attr.aria-label]="'Restore version ' + version.version"
                    (click)="restore.emit(version.version)"
                  >
                    Restore
                  </button>
                }
              </td>
            </tr>
          } @empty {
            <tr>
              <td colspan="5" class="camel-muted" data-testid="config-versions-empty">No version saved yet.</td>
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  styles: `
    .compare {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      margin-bottom: 12px;
    }
    .scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
    }
    th,
    td {
      text-align: left;
      padding: 6px 8px;
      border-bottom: 1px solid var(--mat-sys-outline-variant);
    }
    .current {
      background: var(--mat-sys-surface-container);
    }
    .version {
      white-space: nowrap;
    }
    .tag {
      font: var(--mat-sys-label-small);
      padding: 1px 6px;
      margin-left: 4px;
      border-radius: 6px;
      background: var(--mat-sys-secondary-container);
    }
    .actions {
      white-space: nowrap;
      text-align: right;
    }
  `,
})
export class ConfigHistoryComponent {
  readonly versions = input.required<readonly ConfigVersionView[]>();
  /** The newest version. */
  readonly latest = input.required<number>();
  /** The version the editor's edits started from. */
  readonly current = input.required<number>();
  readonly canWrite = input(false);
  readonly actorLabel = input<(actor: string) => string>((actor) => actor);
  readonly compare = output<VersionPair>();
  readonly restore = output<number>();

  protected readonly sourceLabels = SOURCE_LABELS;
  protected readonly from = signal(0);
  protected readonly to = signal(0);
  protected readonly choices = computed(() => [...this.versions().map((version) => version.version), 0]);

  constructor() {
    // By default: the latest version against the one before it (following new versions).
    effect(() => {
      const latest = this.latest();
      untracked(() => {
        this.to.set(latest);
        this.from.set(Math.max(latest - 1, 0));
      });
    });
  }
}
