import type { IncomingHttpHeaders } from 'node:http';

/** One chat completions request as the test server received it. */
export interface RecordedRequest {
  /** 0-based, in arrival order over the server's life. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (the test server does not validate it beyond `messages`). */
  readonly body: ChatCompletionBody;
  readonly receivedAt: number;
  /** The client closed the connection before the answer was complete (an aborted call). */
  readonly closedByClient: boolean;
  /** The answer is over: sent in full, dropped, or the client went away. */
  readonly done: Promise<void>;
}

export interface ChatCompletionBody {
  readonly model?: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly n?: number;
  readonly [parameter: string]: unknown;
}

/** The text of a reply: fixed, one per candidate, or computed from the request (e.g. by system prompt). */
export type ReplyText = string | readonly string[] | ((request: RecordedRequest, choice: number) => string);

export interface Timing {
  /** Before the response headers (time to first token). */
  readonly latencyMs?: number;
  /** Between two content chunks (slow streams). */
  readonly chunkDelayMs?: number;
}

export type TestReply =
  | (Timing & {
      readonly kind: 'text';
      readonly text: ReplyText;
      /** Words per content chunk (default 1). */
      readonly wordsPerChunk?: number;
      readonly finishReason?: string;
      /** Choices sent (default: the request's n); fewer stands for an endpoint that ignores n. */
      readonly candidates?: number;
      /** Reported usage instead of the word count. */
      readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number };
    })
  | (Timing & {
      readonly kind: 'status';
      readonly status: number;
      /** Sent as the Retry-After header: seconds ("2") or an HTTP-date. */
      readonly retryAfter?: string;
      /** The JSON body; the default is OpenAI's `{ error: { message, type, code } }`. */
      readonly body?: unknown | ((request: RecordedRequest) => unknown);
    })
  /** `afterChunks` good content chunks, then one that is not JSON. */
  | (Timing & { readonly kind: 'malformed'; readonly afterChunks: number; readonly raw?: string })
  /** Never answers (before the headers when `afterChunks` is absent), until the client gives up. */
  | (Timing & { readonly kind: 'hang'; readonly afterChunks?: number })
  /** `afterChunks` content chunks, then the connection is destroyed mid-stream. */
  | (Timing & { readonly kind: 'drop'; readonly afterChunks: number });

/** A reply, or a function choosing the reply from the request. */
export type ScriptedReply = TestReply | ((request: RecordedRequest) => TestReply);

export const reply = {
  text: (text: ReplyText, options: Omit<Extract<TestReply, { kind: 'text' }>, 'kind' | 'text'> = {}): TestReply => ({ kind: 'text', text, ...options }),
  status: (status: number, options: Omit<Extract<TestReply, { kind: 'status' }>, 'kind' | 'status'> = {}): TestReply => ({ kind: 'status', status, ...options }),
  rateLimited: (retryAfter?: string): TestReply => ({ kind: 'status', status: 429, retryAfter }),
  serverError: (status = 500): TestReply => ({ kind: 'status', status }),
  malformed: (afterChunks = 1, raw?: string): TestReply => ({ kind: 'malformed', afterChunks, raw }),
  hang: (afterChunks?: number): TestReply => ({ kind: 'hang', afterChunks }),
  drop: (afterChunks = 1): TestReply => ({ kind: 'drop', afterChunks }),
};

/** What the server answers without a script: deterministic, names the model and echoes the last message. */
export function echoText(request: RecordedRequest, choice: number): string {
  const last = request.body.messages.at(-1)?.content ?? '';
  const words = last.split(/\s+/).filter(Boolean).slice(0, 40).join(' ');
  const candidate = choice > 0 ? ` (candidate ${choice + 1})` : '';
  return `Echo from ${request.body.model ?? 'model'}${candidate}: ${words}`;
}

export function textOf(text: ReplyText, request: RecordedRequest, choice: number): string {
  if (typeof text === 'function') return text(request, choice);
  if (typeof text === 'string') return text;
  return text[choice] ?? text[text.length - 1] ?? '';
}

/** The stand-in tokenizer: one token per whitespace-separated word. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** Splits text into chunks of `words` words each; the chunks concatenate to the text exactly. */
export function chunkText(text: string, words = 1): string[] {
  const pieces = text.match(/\s*\S+|\s+$/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < pieces.length; i += words) chunks.push(pieces.slice(i, i + words).join(''));
  return chunks;
}
