import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ConfigDiff } from '@camel/contracts';
import { compareConfigPaths, diffRows } from '@camel/console-data-access';

/**
 * A `ConfigDiff` side by side: for every added, removed or changed file, the older version's lines
 * on the left and the newer's on the right, unchanged runs shortened to the context of the changes.
 */
@Component({
  selector: 'camel-config-diff',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'config-diff', '[attr.data-from]': 'diff().from', '[attr.data-to]': 'diff().to' },
  template: `
    @for (file of files(); track file.path) {
      <section class="file" data-testid="config-diff-file" [attr.data-path]="file.path" [attr.data-status]="file.status">
        <h3>
          <code>{{ file.path }}</code> <span class="status" [class]="file.status">{{ file.status }}</span>
        </h3>
        <div class="scroll">
          <table>
            <caption class="camel-visually-hidden">{{ file.path }}: {{ leftLabel() }} (left) and {{ rightLabel() }} (right)</caption>
            <colgroup>
              <col class="num-col" />
              <col />
              <col class="num-col" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col" colspan="2">{{ leftLabel() }}</th>
                <th scope="col" colspan="2">{{ rightLabel() }}</th>
              </tr>
            </thead>
            <tbody>
              @for (row of file.rows; track $index) {
                @switch (row.kind) {
                  @case ('skip') {
                    <tr class="skip" data-testid="config-diff-row" data-kind="skip">
                      <td colspan="4">⋯ {{ row.count }} unchanged line{{ row.count === 1 ? '' : 's' }}</td>
                    </tr>
                  }
                  @case ('add') {
                    <tr data-testid="config-diff-row" data-kind="add">
                      <td class="num"></td>
                      <td class="empty"></td>
                      <td class="num">{{ row.right.line }}</td>
                      <td class="text added" data-testid="config-diff-right">{{ row.right.text }}</td>
                    </tr>
                  }
                  @case ('remove') {
                    <tr data-testid="config-diff-row" data-kind="remove">
                      <td class="num">{{ row.left.line }}</td>
                      <td class="text removed" data-testid="config-diff-left">{{ row.left.text }}</td>
                      <td class="num"></td>
                      <td class="empty"></td>
                    </tr>
                  }
                  @default {
                    <tr data-testid="config-diff-row" [attr.data-kind]="row.kind">
                      <td class="num">{{ row.left.line }}</td>
                      <td class="text" [class.removed]="row.kind === 'change'" data-testid="config-diff-left">{{ row.left.text }}</td>
                      <td class="num">{{ row.right.line }}</td>
                      <td class="text" [class.added]="row.kind === 'change'" data-testid="config-diff-right">{{ row.right.text }}</td>
                    </tr>
                  }
                }
              }
            </tbody>
          </table>
        </div>
      </section>
    } @empty {
      <p class="camel-muted" data-testid="config-diff-empty">No differences.</p>
    }
    @if (unchanged() > 0) {
      <p class="camel-muted">{{ unchanged() }} unchanged file{{ unchanged() === 1 ? '' : 's' }} not shown.</p>
    }
  `,
  styles: `
    :host {
      display: block;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 12px 0 6px;
    }
    .status {
      font: var(--mat-sys-label-small);
      padding: 2px 6px;
      border-radius: 6px;
      background: var(--mat-sys-surface-container-high);
    }
    .scroll {
      overflow-x: auto;
      border: 1px solid var(--mat-sys-outline-variant);
      border-radius: 8px;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      table-layout: fixed;
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      font-size: 12px;
    }
    th {
      text-align: left;
      padding: 4px 8px;
      background: var(--mat-sys-surface-container);
      font-family: var(--mat-sys-body-small-font);
    }
    td {
      padding: 0 8px;
      vertical-align: top;
    }
    .num-col {
      width: 48px;
    }
    .num {
      text-align: right;
      color: var(--camel-muted);
      user-select: none;
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .added {
      background: #dafbe1;
    }
    .removed {
      background: #ffebe9;
    }
    .empty {
      background: var(--mat-sys-surface-container-low);
    }
    .skip td {
      text-align: center;
      color: var(--camel-muted);
      background: var(--mat-sys-surface-container-low);
    }
  `,
})
export class ConfigDiffComponent {
  readonly diff = input.required<ConfigDiff>();
  readonly leftLabel = input('');
  readonly rightLabel = input('');

  protected readonly files = computed(() =>
    this.diff()
      .files.filter((file) => file.status !== 'unchanged')
      .sort((a, b) => compareConfigPaths(a.path, b.path))
      .map((file) => ({ path: file.path, status: file.status, rows: diffRows(file) })),
  );
  protected readonly unchanged = computed(() => this.diff().files.filter((file) => file.status === 'unchanged').length);
}
