import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import type { ChatMessage } from '@camel/contracts';
import { ApiError } from '@camel/console-data-access';
import { ModelsApiService } from './models-api.service';

/**
 * A chat with one registry model through `/v1/chat/completions` (streaming), as any OpenAI client
 * would use it: the conversation, a system prompt, temperature and max tokens; the reply grows as
 * its tokens arrive. Stop aborts the request.
 */
@Component({
  selector: 'camel-model-playground',
  imports: [MatButtonModule, MatFormFieldModule, MatInputModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'model-playground' },
  template: `
    <h3>Playground</h3>
    <div class="fields">
      <mat-form-field class="grow">
        <mat-label>System prompt</mat-label>
        <input matInput [value]="system()" (input)="system.set(text($event))" data-testid="playground-system" />
      </mat-form-field>
      <mat-form-field class="number">
        <mat-label>Temperature</mat-label>
        <input matInput type="number" min="0" max="2" step="0.1" [value]="temperature()" (input)="temperature.set(number($event))" data-testid="playground-temperature" />
      </mat-form-field>
      <mat-form-field class="number">
        <mat-label>Max tokens</mat-label>
        <input matInput type="number" min="1" max="4096" [value]="maxTokens()" (input)="maxTokens.set(number($event))" data-testid="playground-max-tokens" />
      </mat-form-field>
    </div>
    <ol class="messages" aria-live="polite" data-testid="playground-messages">
      @for (message of messages(); track $index) {
        <li [class]="message.role" data-testid="playground-message" [attr.data-role]="message.role">
          <span class="role">{{ message.role === 'user' ? 'You' : modelName() }}</span>
          <span class="content">{{ message.content }}</span>
        </li>
      }
      @if (streaming() !== null) {
        <li class="assistant" data-testid="playground-streaming">
          <span class="role">{{ modelName() }}</span>
          <span class="content">{{ streaming() }}<span class="cursor" aria-hidden="true">▍</span></span>
        </li>
      }
    </ol>
    @if (failure(); as f) {
      <p class="load-error" role="alert" data-testid="playground-error">{{ f }}</p>
    }
    <form class="fields" (submit)="$event.preventDefault(); send()" aria-label="Message">
      <mat-form-field class="grow">
        <mat-label>Message</mat-label>
        <textarea matInput rows="2" [value]="draft()" (input)="draft.set(text($event))" (keydown.control.enter)="send()" (keydown.meta.enter)="send()" data-testid="playground-input"></textarea>
        <mat-hint>Ctrl+Enter sends</mat-hint>
      </mat-form-field>
      @if (streaming() === null) {
        <button mat-flat-button type="submit" [disabled]="!draft().trim()" data-testid="playground-send">Send</button>
      } @else {
        <button mat-stroked-button type="button" (click)="stop()" data-testid="playground-stop">Stop</button>
      }
      <button mat-button type="button" [disabled]="streaming() !== null || messages().length === 0" (click)="messages.set([])">Clear</button>
    </form>
  `,
  styleUrls: ['../../shared/project-page.scss'],
  styles: `
    .number {
      width: 130px;
    }
    .messages {
      list-style: none;
      padding: 0;
      margin: 0 0 12px;
      display: grid;
      gap: 8px;
    }
    .messages li {
      padding: 8px 12px;
      border-radius: 8px;
      background: var(--mat-sys-surface-container);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
    }
    .messages li.user {
      background: var(--mat-sys-primary-container);
      color: var(--mat-sys-on-primary-container);
    }
    .role {
      display: block;
      font: var(--mat-sys-label-medium);
      opacity: 0.8;
    }
  `,
})
export class ModelPlaygroundComponent {
  private readonly models = inject(ModelsApiService);

  readonly projectId = input.required<string>();
  /** The name `/v1` knows the model by. */
  readonly modelName = input.required<string>();

  protected readonly system = signal('');
  protected readonly temperature = signal(0.7);
  protected readonly maxTokens = signal(128);
  protected readonly draft = signal('');
  protected readonly messages = signal<readonly ChatMessage[]>([]);
  /** The reply so far while one streams; null otherwise. */
  protected readonly streaming = signal<string | null>(null);
  protected readonly failure = signal<string | null>(null);
  private abort: AbortController | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.abort?.abort());
  }

  protected text(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected number(event: Event): number {
    return (event.target as HTMLInputElement).valueAsNumber;
  }

  protected async send(): Promise<void> {
    const content = this.draft().trim();
    if (!content || this.streaming() !== null) return;
    const history: ChatMessage[] = [...this.messages(), { role: 'user', content }];
    this.messages.set(history);
    this.draft.set('');
    this.failure.set(null);
    this.streaming.set('');
    const abort = new AbortController();
    this.abort = abort;
    const system = this.system().trim();
    const temperature = this.temperature();
    const maxTokens = this.maxTokens();
    try {
      const reply = await this.models.streamChat(
        this.projectId(),
        {
          model: this.modelName(),
          messages: system ? [{ role: 'system', content: system }, ...history] : history,
          ...(Number.isFinite(temperature) ? { temperature } : {}),
          ...(Number.isFinite(maxTokens) ? { max_tokens: maxTokens } : {}),
        },
        (delta) => this.streaming.update((text) => (text ?? '') + delta),
        abort.signal,
      );
      this.messages.update((list) => [...list, { role: 'assistant', content: reply.content }]);
    } catch (error) {
      const partial = this.streaming();
      if (abort.signal.aborted) {
        if (partial) this.messages.update((list) => [...list, { role: 'assistant', content: partial }]);
      } else {
        this.failure.set(error instanceof ApiError ? error.displayMessage : error instanceof Error ? error.message : String(error));
      }
    } finally {
      if (this.abort === abort) this.abort = null;
      this.streaming.set(null);
    }
  }

  protected stop(): void {
    this.abort?.abort();
  }
}
