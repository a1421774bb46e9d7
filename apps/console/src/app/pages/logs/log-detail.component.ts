import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, effect, inject, input, output, signal, untracked } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import type { LogEntryDetail } from '@camel/contracts';
import { RunsApiService } from '../runs/runs-api.service';
import { HighlightComponent } from '../../shared/highlight.component';

/** One log entry in a drawer: the exact prompt of its call, the answer (keyword marked), its alternatives, its run. */
@Component({
  selector: 'camel-log-detail',
  imports: [DecimalPipe, RouterLink, MatButtonModule, MatProgressBarModule, HighlightComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'log-detail', role: 'complementary', 'aria-label': 'Log entry', '[attr.data-entry-id]': 'entryId()' },
  template: `
    <header class="head">
      <h2>Log entry</h2>
      <button mat-button type="button" (click)="closed.emit()" data-testid="log-detail-close">Close</button>
    </header>
    @if (loading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the entry" />
    }
    @if (detail(); as entry) {
      <p class="meta">
        <strong>{{ entry.agent }}</strong> · {{ entry.kind === 'alternative' ? (entry.source === 'regenerated' ? 'regenerated answer' : 'candidate not chosen') : entry.kind === 'task_specify' ? 'task specification' : 'turn ' + entry.index }}
        · {{ entry.provider }}/{{ entry.model }}
        @if (entry.usage; as usage) {
          · {{ usage.totalTokens | number }} tokens
        }
        @if (entry.latencyMs !== null) {
          · {{ entry.latencyMs | number }} ms
        }
      </p>
      <a mat-stroked-button [routerLink]="['/runs', entry.projectId, entry.runId]" data-testid="log-detail-run-link">Open the run</a>
      <h3>Prompt <span class="camel-muted">({{ entry.prompt.length }} messages · sha256 {{ entry.promptSha256.slice(0, 12) }}…)</span></h3>
      <ol class="messages" data-testid="log-detail-prompt">
        @for (message of entry.prompt; track $index) {
          <li [attr.data-role]="message.role"><span class="role">{{ message.role }}</span><div class="text"><camel-highlight [text]="message.content" [query]="query()" /></div></li>
        }
      </ol>
      <h3>Response</h3>
      <div class="text response" data-testid="log-detail-response"><camel-highlight [text]="entry.content" [query]="query()" /></div>
      @if (entry.alternatives.length > 0) {
        <h3>Alternatives</h3>
        @for (alternative of entry.alternatives; track alternative.id) {
          <div class="alternative" data-testid="log-detail-alternative">
            <p class="camel-muted">{{ alternative.source === 'regenerated' ? 'regenerated' : 'candidate' }} · {{ alternative.model }}</p>
            <div class="text"><camel-highlight [text]="alternative.content" [query]="query()" /></div>
          </div>
        }
      }
    }
  `,
  styles: `
    :host {
      display: block;
      padding: 16px;
      overflow: auto;
    }
    .head {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    h3 {
      font: var(--mat-sys-title-small);
      margin: 16px 0 8px;
    }
    .messages {
      list-style: none;
      padding: 0;
      margin: 0;
    }
    .messages li {
      margin-bottom: 8px;
      padding: 8px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container);
    }
    .role {
      font: var(--mat-sys-label-small);
      text-transform: uppercase;
      color: var(--camel-muted);
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .response,
    .alternative {
      padding: 8px;
      border-radius: 8px;
      border: 1px solid var(--mat-sys-outline-variant);
      margin-bottom: 8px;
    }
  `,
})
export class LogDetailComponent {
  private readonly runsApi = inject(RunsApiService);
  readonly projectId = input.required<string>();
  readonly entryId = input.required<string>();
  readonly query = input('');
  readonly closed = output<void>();
  protected readonly detail = signal<LogEntryDetail | null>(null);
  protected readonly loading = signal(false);

  constructor() {
    effect(() => {
      const projectId = this.projectId();
      const entryId = this.entryId();
      untracked(() => void this.read(projectId, entryId));
    });
  }

  private async read(projectId: string, entryId: string): Promise<void> {
    this.loading.set(true);
    this.detail.set(null);
    try {
      const detail = await this.runsApi.getLogEntry(projectId, entryId);
      if (this.entryId() === entryId) this.detail.set(detail);
    } catch {
      // ApiService has shown the server's message.
    } finally {
      if (this.entryId() === entryId) this.loading.set(false);
    }
  }
}
