import { ProviderError, type ChatCallOptions, type ChatProvider, type ChatRequest, type ChatResult } from '@camel/workflows';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { ChatStreamAssembler, type AssembledAnswer } from './chat-stream-assembler';
import { ProviderCircuit } from './circuit-breaker';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { missingKeyMessage, toProviderError } from './provider-errors';
import { SILENT_LOGGER, type ProviderLogger } from './provider-logger';
import type { ProviderSettings } from './provider-settings';
import { withRetries } from './with-retries';

export interface OpenAiProviderOptions {
  readonly id: string;
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  readonly baseUrl: string;
  /** The environment variable holding the key; none for keyless endpoints (local servers). */
  readonly apiKeyEnv?: string;
  /** Where the key is read from on every call (so a rotated key needs no restart). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: ProviderSettings;
  /** The breaker and cap to use; shared by the registry between providers of one endpoint. */
  readonly guard?: ProviderGuard;
  readonly log?: ProviderLogger;
  /** Jitter source, injectable for tests. */
  readonly random?: () => number;
  readonly now?: () => number;
}

const MAX_CANDIDATES = 16;
/** The client's own timeout only backs ours up. */
const CLIENT_TIMEOUT_MARGIN_MS = 1_000;

/** What isolates one endpoint from the others: its circuit breaker and its concurrency cap. */
export interface ProviderGuard {
  readonly circuit: ProviderCircuit;
  readonly limiter: ConcurrencyLimiter;
}

export function createProviderGuard(id: string, settings: ProviderSettings, log: ProviderLogger = SILENT_LOGGER, now: () => number = Date.now): ProviderGuard {
  return { circuit: new ProviderCircuit(id, settings, log, now), limiter: new ConcurrencyLimiter(id, settings.maxConcurrency, settings.queueTimeoutMs) };
}

/**
 * A chat provider for any OpenAI-compatible chat completions endpoint, through the official client:
 * always streamed (SSE) with usage included, deltas reported as they arrive. Each call takes a slot
 * of the provider's concurrency cap, then runs attempts through the retry loop, each attempt through
 * the provider's circuit breaker. The key travels only in the Authorization header of each request.
 */
export class OpenAiChatProvider implements ChatProvider {
  readonly id: string;
  readonly guard: ProviderGuard;
  private readonly client: OpenAI;
  private readonly log: ProviderLogger;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.id = options.id;
    this.log = options.log ?? SILENT_LOGGER;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // Placeholder the client insists on; the real key (if any) is set per request and this
      // header is removed otherwise, so nothing read from OPENAI_* variables is ever sent.
      apiKey: 'per-request',
      organization: null,
      project: null,
      defaultHeaders: { Authorization: null },
      maxRetries: 0,
      timeout: options.settings.requestTimeoutMs,
      logLevel: 'off',
    });
    this.guard = options.guard ?? createProviderGuard(options.id, options.settings, this.log, this.now);
  }

  async complete(request: ChatRequest, options: ChatCallOptions = {}): Promise<ChatResult> {
    const apiKey = this.apiKey();
    const body = this.body(request);
    const started = this.now();
    const { value, attempts } = await this.guard.limiter.run(
      () =>
        withRetries(() => this.guard.circuit.run(() => this.attempt(body, apiKey, options)), {
          provider: this.id,
          settings: this.options.settings,
          log: this.log,
          random: this.random,
          signal: options.signal,
          onRetry: options.onRetry,
        }),
      options.signal,
    );
    return { choices: value.choices, usage: value.usage, model: value.model || request.model, latencyMs: this.now() - started, attempts };
  }

  /** Ends the breaker's timers (tests, shutdown) unless the guard was lent by the registry, which ends it. */
  close(): void {
    if (!this.options.guard) this.guard.circuit.shutdown();
  }

  private apiKey(): string | undefined {
    const name = this.options.apiKeyEnv;
    if (!name) return undefined;
    const value = this.options.env[name];
    if (!value || value.trim() === '') throw new ProviderError('not_configured', missingKeyMessage(this.id, name));
    return value;
  }

  private body(request: ChatRequest): ChatCompletionCreateParamsStreaming {
    const n = request.n ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > MAX_CANDIDATES) {
      throw new ProviderError('bad_request', `provider ${this.id}: n must be an integer from 1 to ${MAX_CANDIDATES}, got ${n}`);
    }
    if (request.messages.length === 0) throw new ProviderError('bad_request', `provider ${this.id}: a chat request needs at least one message`);
    const p = request.parameters;
    return {
      model: request.model,
      messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
      stream: true,
      stream_options: { include_usage: true },
      ...(n > 1 ? { n } : {}),
      ...defined({
        temperature: p.temperature,
        top_p: p.top_p,
        max_tokens: p.max_tokens,
        stop: p.stop && p.stop.length > 0 ? [...p.stop] : undefined,
        seed: p.seed,
        presence_penalty: p.presence_penalty,
        frequency_penalty: p.frequency_penalty,
      }),
    };
  }

  private async attempt(body: ChatCompletionCreateParamsStreaming, apiKey: string | undefined, options: ChatCallOptions): Promise<AssembledAnswer> {
    const { settings } = this.options;
    // Both timeouts are ours rather than the client's: its own cannot tell a timeout from another
    // abort across realms (Jest), and this way one signal ends the HTTP call whichever fires.
    const stall = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
    let stalled: 'headers' | 'idle' | undefined;
    const stallAfter = (ms: number, phase: 'headers' | 'idle') =>
      setTimeout(() => {
        stalled = phase;
        stall.abort();
      }, ms);
    let timer = stallAfter(settings.requestTimeoutMs, 'headers');
    const rearm = () => {
      clearTimeout(timer);
      timer = stallAfter(settings.idleTimeoutMs, 'idle');
    };
    try {
      const stream = await this.client.chat.completions.create(body, {
        signal,
        timeout: settings.requestTimeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
        headers: apiKey ? { Authorization: `Bearer ${apiKey}` } : undefined,
      });
      rearm();
      const assembler = new ChatStreamAssembler(this.id, body.n ?? 1, options.onDelta);
      for await (const chunk of stream) {
        rearm();
        assembler.add(chunk);
      }
      // The client ends its iteration quietly when the signal fires: an aborted stream is not an answer.
      if (signal.aborted) throw new Error('aborted');
      return assembler.result();
    } catch (error) {
      throw toProviderError(error, {
        provider: this.id,
        apiKeyEnv: this.options.apiKeyEnv,
        apiKey,
        requestTimeoutMs: settings.requestTimeoutMs,
        idleTimeoutMs: settings.idleTimeoutMs,
        aborted: options.signal?.aborted ?? false,
        stalled,
        now: this.now(),
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
