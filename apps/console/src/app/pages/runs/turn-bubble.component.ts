import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { RouterLink } from '@angular/router';
import type { LogEntryView } from '@camel/contracts';

/**
 * One recorded turn as a chat bubble (the user agent's on the left, the assistant's on the
 * right): agent, role, model, tokens and latency, the content, and its alternatives side by side
 * (critic candidates not picked, regenerations), each linking to its log entry.
 */
@Component({
  selector: 'camel-turn-bubble',
  imports: [DecimalPipe, MatButtonModule, RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    'data-testid': 'turn',
    '[attr.data-turn-id]': 'turn().turnId',
    '[attr.data-index]': 'turn().index',
    '[attr.data-role]': 'turn().role',
    '[class.assistant]': "turn().role === 'assistant'",
  },
  template: `
    <div class="answers" [class.side-by-side]="alternatives().length > 0 || regenerating().length > 0">
      <article class="bubble">
        <header>
          <strong data-testid="turn-agent">{{ turn().agent }}</strong>
          <span class="camel-muted">
            {{ turn().role ?? 'specifier' }}{{ turn().step ? ' · ' + turn().step + ' #' + turn().iteration : '' }} ·
            {{ turn().agentKind === 'human' ? 'a person' : turn().model }}
          </span>
        </header>
        <div class="content" data-testid="turn-content">{{ turn().content }}</div>
        <footer class="camel-muted">
          @if (turn().usage; as usage) {
            <span data-testid="turn-tokens">{{ usage.totalTokens | number }} tokens</span>
          }
          @if (turn().latencyMs !== null) {
            <span data-testid="turn-latency"> · {{ turn().latencyMs | number }} ms</span>
          }
          <a [routerLink]="['/logs', turn().projectId]" [queryParams]="{ runId: turn().runId, entry: turn().id }" data-testid="turn-log-link">log entry</a>
          @if (canRegenerate() && turn().kind === 'turn') {
            <button mat-button type="button" (click)="regenerate.emit(turn())" data-testid="turn-regenerate">Regenerate</button>
          }
        </footer>
      </article>
      @for (alternative of alternatives(); track alternative.id) {
        <article class="bubble alternative" data-testid="alternative" [attr.data-source]="alternative.source">
          <header>
            <strong>{{ alternative.source === 'regenerated' ? 'Regenerated' : 'Candidate not chosen' }}</strong>
            <span class="camel-muted"> · {{ alternative.model }}{{ alternative.parameters?.temperature !== undefined ? ' · t=' + alternative.parameters?.temperature : '' }}</span>
          </header>
          <div class="content" data-testid="alternative-content">{{ alternative.content }}</div>
          <footer class="camel-muted">
            @if (alternative.usage; as usage) {
              <span>{{ usage.totalTokens | number }} tokens</span>
            }
            <a [routerLink]="['/logs', alternative.projectId]" [queryParams]="{ runId: alternative.runId, entry: alternative.id }">log entry</a>
          </footer>
        </article>
      }
      @for (text of regenerating(); track $index) {
        <article class="bubble alternative streaming" data-testid="alternative-streaming">
          <header><strong>Regenerating…</strong></header>
          <div class="content">{{ text }}<span class="cursor" aria-hidden="true">▍</span></div>
        </article>
      }
    </div>
  `,
  styleUrl: './run-bubbles.scss',
})
export class TurnBubbleComponent {
  readonly turn = input.required<LogEntryView>();
  readonly alternatives = input<readonly LogEntryView[]>([]);
  /** Texts of this turn's regenerations being generated now. */
  readonly regenerating = input<readonly string[]>([]);
  readonly canRegenerate = input(false);
  readonly regenerate = output<LogEntryView>();
}
