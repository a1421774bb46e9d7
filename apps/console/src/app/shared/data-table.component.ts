import { NgTemplateOutlet } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ContentChildren,
  Directive,
  TemplateRef,
  ViewChild,
  contentChild,
  inject,
  input,
  output,
  type AfterContentInit,
  type QueryList,
  type TrackByFunction,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatColumnDef, MatRowDef, MatTable, MatTableModule } from '@angular/material/table';
import type { LiveListStatus } from '@camel/console-data-access';

/** A row's actions (`<ng-template camelRowActions let-row>`): the `actions` column of a data table. */
@Directive({ selector: 'ng-template[camelRowActions]' })
export class RowActionsDirective {
  readonly template = inject<TemplateRef<{ $implicit: unknown }>>(TemplateRef);
}

/**
 * The admin pages' list: a Material table over live rows, with the loading bar, a load error and
 * a "not live" notice (both offering to read again), the header row, and an empty row once loaded.
 * Pages project their `matColumnDef`s, one `matRowDef` (their row attributes) and their row actions
 * (`camelRowActions`, shown in the column named `actions`). The table scrolls sideways on narrow
 * screens; the actions column sticks to the right edge, so a row's actions stay reachable without
 * scrolling to the end.
 */
@Component({
  selector: 'camel-data-table',
  imports: [NgTemplateOutlet, MatButtonModule, MatProgressBarModule, MatTableModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @switch (state()) {
      @case ('loading') {
        <mat-progress-bar mode="indeterminate" [attr.aria-label]="'Loading ' + noun()" />
      }
      @case ('error') {
        <p class="load-error" role="alert">
          The {{ noun() }} could not be loaded.
          <button mat-button type="button" (click)="reload.emit()">Retry</button>
        </p>
      }
    }
    @if (notLive()) {
      <p class="load-error" role="alert" [attr.data-testid]="notLiveTestId()">
        Live updates stopped; the list may be out of date.
        <button mat-button type="button" (click)="reload.emit()">Reload</button>
      </p>
    }
    <div class="table-scroll">
      <table mat-table [dataSource]="rows()" [trackBy]="trackBy()" [attr.data-testid]="testId()" [style.min-width.px]="minWidth()">
        <caption class="camel-visually-hidden">{{ caption() || noun() }}</caption>
        <ng-container matColumnDef="actions" stickyEnd>
          <th mat-header-cell *matHeaderCellDef scope="col"><span class="camel-visually-hidden">Actions</span></th>
          <td mat-cell *matCellDef="let row" class="actions-cell">
            @if (actions(); as actions) {
              <ng-container *ngTemplateOutlet="actions.template; context: { $implicit: row }" />
            }
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns()"></tr>
        <tr class="mat-mdc-row" *matNoDataRow>
          <td class="mat-mdc-cell empty" [attr.colspan]="columns().length" [attr.data-testid]="emptyTestId()">
            @if (state() === 'ready') {
              {{ emptyText() }}
            }
          </td>
        </tr>
      </table>
    </div>
  `,
  styles: `
    .table-scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
    }
    .actions-cell {
      white-space: nowrap;
      text-align: right;
    }
    .empty {
      padding: 16px;
      color: var(--camel-muted);
    }
    .load-error {
      color: var(--camel-danger);
      background: var(--camel-danger-soft);
      padding: 8px 12px;
      border-radius: 8px;
    }
  `,
})
export class DataTableComponent<T> implements AfterContentInit {
  readonly rows = input.required<readonly T[]>();
  readonly columns = input.required<readonly string[]>();
  readonly trackBy = input.required<TrackByFunction<T>>();
  readonly state = input.required<LiveListStatus>();
  readonly notLive = input(false);
  /** What the rows are, in the plural ("API keys"): the loading label, the error, the caption. */
  readonly noun = input.required<string>();
  readonly caption = input('');
  readonly emptyText = input.required<string>();
  readonly testId = input.required<string>();
  readonly emptyTestId = input.required<string>();
  readonly notLiveTestId = input<string | null>(null);
  /** Below this width the table scrolls sideways. */
  readonly minWidth = input(640);
  /** Retry after an error, or reload after live updates stopped. */
  readonly reload = output<void>();

  protected readonly actions = contentChild(RowActionsDirective);
  @ContentChildren(MatColumnDef) private readonly columnDefs!: QueryList<MatColumnDef>;
  @ContentChildren(MatRowDef) private readonly rowDefs!: QueryList<MatRowDef<T>>;
  @ViewChild(MatTable, { static: true }) private readonly table!: MatTable<T>;

  ngAfterContentInit(): void {
    for (const column of this.columnDefs) this.table.addColumnDef(column);
    for (const row of this.rowDefs) this.table.addRowDef(row);
  }
}
