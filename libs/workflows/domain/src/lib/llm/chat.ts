/**
 * What an agent asks of a model and what it gets back: the seam between the pure CAMEL engine (which
 * builds the messages) and the providers (which call an OpenAI-compatible endpoint, or the
 * platform's own models). Field names follow OpenAI's chat completions where they mean the same.
 */
import type { ChatMessage, FinishReason, ModelParameters, ProviderErrorKind, TokenUsage } from '@camel/contracts';

// The message, parameter, usage and error-kind types are also recorded in run events, so they live in
// the contracts; re-exported here so the provider seam keeps its names.
export type { ChatMessage, ChatRole, FinishReason, ModelParameters, ProviderErrorKind, TokenUsage } from '@camel/contracts';

export interface ChatRequest {
  /** Provider id from agents.yaml `providers:`. */
  readonly provider: string;
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly parameters: ModelParameters;
  /** Candidates wanted (a critic picks one); 1 when absent. */
  readonly n?: number;
}

export interface ChatChoice {
  readonly content: string;
  readonly finishReason: FinishReason;
}

export interface ChatResult {
  /** One per candidate asked for, in order. */
  readonly choices: readonly ChatChoice[];
  /** As the endpoint reported it; null when it reported none. */
  readonly usage: TokenUsage | null;
  /** The model that answered, as the endpoint named it. */
  readonly model: string;
  /** From sending the request to the last byte of the answer, over all attempts. */
  readonly latencyMs: number;
  /** HTTP attempts made (1 = no retry). */
  readonly attempts: number;
}

/** A piece of generated text while the model is still answering (ephemeral, never an event). */
export interface ChatDelta {
  readonly choice: number;
  readonly text: string;
}

export interface ChatCallOptions {
  /** Aborts the HTTP call (run cancelled mid-generation). */
  readonly signal?: AbortSignal;
  readonly onDelta?: (delta: ChatDelta) => void;
  /**
   * Called before a provider tries the call again after a failed attempt. The deltas reported so far
   * are void: the next attempt's deltas start every choice from the beginning again.
   */
  readonly onRetry?: (retry: ChatRetry) => void;
}

export interface ChatRetry {
  /** The attempt about to start (2 = first retry). */
  readonly attempt: number;
  /** Why the previous attempt failed. */
  readonly error: ProviderError;
  /** How long the provider waits before that attempt. */
  readonly delayMs: number;
}

/** Implemented by the OpenAI-compatible provider and, later, by the platform's local models. */
export interface ChatProvider {
  readonly id: string;
  complete(request: ChatRequest, options?: ChatCallOptions): Promise<ChatResult>;
}

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'server_error', 'timeout', 'network', 'malformed_response', 'circuit_open', 'overloaded']);

/**
 * Why a model call failed. `retryable` says whether trying the same call later may succeed
 * (rate limits, server errors, timeouts, an open circuit) or not (bad request, bad key, aborted).
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly retryable: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    /** HTTP status when the endpoint answered. */
    readonly status?: number,
    /** How long the endpoint asked to wait (Retry-After), when it said so. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.retryable = RETRYABLE.has(kind);
  }
}
