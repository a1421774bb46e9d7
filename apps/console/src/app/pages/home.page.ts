import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { JsonPipe } from '@angular/common';

type HealthState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly httpStatus: number; readonly body: unknown }
  | { readonly kind: 'error'; readonly message: string; readonly httpStatus?: number; readonly body?: unknown };

const READY_URL = '/health/ready';

@Component({
  selector: 'camel-home-page',
  imports: [JsonPipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>CAMEL Extensions</h1>
    <p class="muted">Event-sourced platform for multi-agent LLM workflows.</p>

    <section class="card">
      <header class="card-head">
        <h2>Backend readiness</h2>
        <code>GET {{ url }}</code>
        <button type="button" (click)="load()" [disabled]="loading()">Refresh</button>
      </header>

      @switch (state().kind) {
        @case ('loading') {
          <p class="muted">Checking…</p>
        }
        @case ('ok') {
          <p class="ok">Ready (HTTP {{ httpStatus() }})</p>
        }
        @case ('error') {
          <p class="error" role="alert">{{ errorMessage() }}</p>
        }
      }
      @if (body() !== undefined) {
        <pre>{{ body() | json }}</pre>
      }
    </section>
  `,
  styles: `
    h1 {
      margin: 0 0 4px;
      font-size: 22px;
    }
    .muted {
      color: var(--muted);
    }
    .card {
      margin-top: 16px;
      padding: 16px;
      background: var(--surface);
      border: 1px solid var(--border);
      border-radius: 6px;
      max-width: 800px;
    }
    .card-head {
      display: flex;
      align-items: center;
      gap: 12px;
    }
    .card-head h2 {
      margin: 0;
      font-size: 16px;
    }
    .card-head button {
      margin-left: auto;
    }
    .ok {
      color: var(--ok);
      font-weight: 600;
    }
    .error {
      color: var(--danger);
      background: var(--danger-soft);
      padding: 8px 12px;
      border-radius: 4px;
    }
    pre {
      margin: 12px 0 0;
      padding: 12px;
      background: var(--bg);
      border-radius: 4px;
      overflow: auto;
    }
  `,
})
export class HomePage {
  protected readonly url = READY_URL;
  protected readonly state = signal<HealthState>({ kind: 'loading' });

  protected readonly loading = computed(() => this.state().kind === 'loading');
  protected readonly httpStatus = computed(() => {
    const s = this.state();
    return s.kind === 'loading' ? undefined : s.httpStatus;
  });
  protected readonly body = computed(() => {
    const s = this.state();
    return s.kind === 'loading' ? undefined : s.body;
  });
  protected readonly errorMessage = computed(() => {
    const s = this.state();
    return s.kind === 'error' ? s.message : '';
  });

  private abort: AbortController | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.abort?.abort());
    void this.load();
  }

  protected async load(): Promise<void> {
    this.abort?.abort();
    const controller = new AbortController();
    this.abort = controller;
    this.state.set({ kind: 'loading' });
    try {
      const res = await fetch(READY_URL, {
        headers: { Accept: 'application/json' },
        signal: controller.signal,
      });
      const body = await readBody(res);
      if (controller.signal.aborted) return;
      this.state.set(
        res.ok
          ? { kind: 'ok', httpStatus: res.status, body }
          : {
              kind: 'error',
              httpStatus: res.status,
              body,
              message: `Backend is not ready: HTTP ${res.status} ${res.statusText}`.trim(),
            },
      );
    } catch (err: unknown) {
      if (controller.signal.aborted) return;
      const reason = err instanceof Error ? err.message : String(err);
      this.state.set({
        kind: 'error',
        message: `Could not reach the API at ${READY_URL} (${reason}). Is the API running on port 3000?`,
      });
    }
  }
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
