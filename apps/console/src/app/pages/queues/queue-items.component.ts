import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { QueueItemPage } from '@camel/contracts';
import { queueRowSource } from '@camel/console-data-access';
import { injectLiveList } from '../../core/live-list';
import { AnnotationsApiService } from '../annotate/annotations-api.service';

/** Items shown at once; the count of the rest is on the queue row. */
const SHOWN = 50;

/**
 * A queue's open items, live (read again after the queue's events), each with its answers and
 * reservations; an item nobody answered can be removed (a second click confirms: it is never
 * offered again). Read-only for an archived queue.
 */
@Component({
  selector: 'camel-queue-items',
  imports: [DecimalPipe, MatButtonModule, MatProgressBarModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'queue-items', '[attr.data-queue-id]': 'queueId()', '[attr.data-count]': 'items().length' },
  template: `
    @if (store.state() === 'loading' && items().length === 0) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading items" />
    } @else if (items().length === 0) {
      <p class="camel-muted" data-testid="queue-items-empty">No open item.</p>
    } @else {
      <h3 class="title">Open items</h3>
      <table class="camel-grid">
        <caption class="camel-visually-hidden">Open items</caption>
        <thead><tr><th scope="col">#</th><th scope="col">Entry</th><th scope="col">Answers</th><th scope="col">Held by</th><th scope="col"><span class="camel-visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          @for (item of items(); track item.id) {
            <tr data-testid="queue-item" [attr.data-item-id]="item.id" [attr.data-responses]="item.responses + item.extraResponses">
              <td>{{ item.seq | number }}</td>
              <td class="entry">{{ item.entryId }}@if (item.alternativeEntryId) { <span class="camel-muted">vs {{ item.alternativeEntryId }}</span>}</td>
              <td>{{ item.responses | number }}@if (item.extraResponses) { <span class="camel-muted">+{{ item.extraResponses }}</span>}</td>
              <td>{{ heldBy(item.reservations) }}</td>
              <td class="actions">
                @if (!readOnly() && item.responses + item.extraResponses === 0) {
                  @if (removing() === item.id) {
                    <button mat-flat-button type="button" color="warn" [disabled]="acting()" (click)="remove(item.id)" data-testid="queue-item-remove-confirm">Remove for good</button>
                    <button mat-button type="button" (click)="removing.set(null)">Keep</button>
                  } @else {
                    <button mat-button type="button" [disabled]="acting()" (click)="removing.set(item.id)" data-testid="queue-item-remove">Remove…</button>
                  }
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
      @if (more()) {
        <p class="camel-muted">The first {{ shown }} open items are shown.</p>
      }
    }
  `,
  styles: `
    .title {
      margin: 16px 0 4px;
      font-size: 14px;
    }
    .entry {
      font-family: monospace;
      font-size: 12px;
      word-break: break-all;
    }
    .actions {
      white-space: nowrap;
      text-align: right;
    }
  `,
})
export class QueueItemsComponent {
  private readonly annotations = inject(AnnotationsApiService);
  readonly projectId = input.required<string>();
  readonly queueId = input.required<string>();
  readonly readOnly = input(false);
  /** A person's name from their user id. */
  readonly nameOf = input<(userId: string) => string>((id) => id);

  protected readonly shown = SHOWN;
  protected readonly store = injectLiveList((projectId: string, queueId: string) =>
    queueRowSource<QueueItemPage>(projectId, queueId, () => this.annotations.listItems(projectId, queueId, { status: 'open', limit: SHOWN })),
  );
  private readonly page = computed(() => this.store.items().at(0) ?? null);
  protected readonly items = computed(() => this.page()?.items ?? []);
  protected readonly more = computed(() => this.page()?.next !== null && this.page() !== null);
  /** The item whose removal waits for a second click. */
  protected readonly removing = signal<string | null>(null);
  protected readonly acting = signal(false);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const queueId = this.queueId();
      untracked(() => void this.store.load(projectId, queueId));
    });
  }

  protected heldBy(reservations: readonly { readonly annotator: string }[]): string {
    return reservations.map((r) => this.nameOf()(r.annotator)).join(', ') || '—';
  }

  /** The live list drops the row (the removal is a queue event: the page is read again). */
  protected async remove(itemId: string): Promise<void> {
    this.acting.set(true);
    try {
      await this.annotations.removeItem(this.projectId(), this.queueId(), itemId);
    } catch {
      // shown by ApiService
    } finally {
      this.removing.set(null);
      this.acting.set(false);
    }
  }
}
