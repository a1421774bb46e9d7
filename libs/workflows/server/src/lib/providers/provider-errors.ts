import { ProviderError } from '@camel/workflows';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseRetryAfter } from './retry-policy';

/** What the failing attempt knew besides the error itself. */
export interface AttemptContext {
  readonly provider: string;
  /** The variable the key came from, to name it (never its value) in an unauthorized error. */
  readonly apiKeyEnv: string | undefined;
  /** The key itself, only to cut it out of anything the endpoint echoed back. */
  readonly apiKey: string | undefined;
  readonly requestTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** The caller's signal fired (cancelled run). */
  readonly aborted: boolean;
  /** Which of the provider's timeouts ended the attempt: no headers in time, or a silent stream. */
  readonly stalled: 'headers' | 'idle' | undefined;
  readonly now: number;
}

const SERVER_MESSAGE_MAX = 300;

/** The one wording of a missing key, shared by a failing call and the pre-start check. */
export function missingKeyMessage(provider: string, envName: string): string {
  return `provider ${provider}: ${envName} is not set`;
}

/** Removes the secret wherever it appears (endpoints echo keys in their error bodies). */
export function redact(text: string, secret: string | undefined): string {
  if (!secret) return text;
  return text.split(secret).join('[redacted]');
}

/** Every way an attempt can fail, as one ProviderError kind with a message naming the provider. */
export function toProviderError(error: unknown, context: AttemptContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const at = `provider ${context.provider}`;
  if (context.aborted) return new ProviderError('aborted', `${at}: the call was aborted`);
  if (context.stalled === 'headers') return new ProviderError('timeout', `${at}: no response within ${context.requestTimeoutMs} ms`);
  if (context.stalled === 'idle') return new ProviderError('timeout', `${at}: the answer stalled (no data for ${context.idleTimeoutMs} ms)`);
  if (error instanceof APIUserAbortError) return new ProviderError('aborted', `${at}: the call was aborted`);
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('timeout', `${at}: no response within ${context.requestTimeoutMs} ms`);
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('network', `${at}: cannot reach the endpoint (${describeCause(error, context.apiKey)})`);
  }
  if (error instanceof APIError) return fromStatus(error, at, context);
  if (error instanceof SyntaxError) {
    return new ProviderError('malformed_response', `${at}: the endpoint sent a chunk that is not JSON (${clip(redact(error.message, context.apiKey))})`);
  }
  return new ProviderError('network', `${at}: the connection failed (${describeCause(error, context.apiKey)})`);
}

function fromStatus(error: APIError, at: string, context: AttemptContext): ProviderError {
  const status = error.status;
  const detail = clip(redact(serverMessage(error), context.apiKey));
  const retryAfterMs = parseRetryAfter(error.headers, context.now);
  if (status === undefined) return new ProviderError('server_error', `${at}: the endpoint reported an error mid-answer: ${detail}`);
  if (status === 429) return new ProviderError('rate_limited', `${at}: rate limited (HTTP 429): ${detail}`, status, retryAfterMs);
  if (status === 401 || status === 403) {
    // Never the body: some endpoints quote the key they refused.
    const key = context.apiKeyEnv ? `the key in ${context.apiKeyEnv}` : 'the request (no key is configured)';
    return new ProviderError('unauthorized', `${at}: the endpoint refused ${key} (HTTP ${status})`, status);
  }
  if (status === 408) return new ProviderError('timeout', `${at}: the endpoint timed out (HTTP 408)`, status, retryAfterMs);
  if (status === 409 || status >= 500) return new ProviderError('server_error', `${at}: server error (HTTP ${status}): ${detail}`, status, retryAfterMs);
  return new ProviderError('bad_request', `${at}: the endpoint refused the request (HTTP ${status}): ${detail}`, status);
}

function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return error.message.replace(/^\d{3} /, '');
}

// Errors from fetch may come from another realm (Jest), so no instanceof Error here.
function describeCause(error: unknown, secret: string | undefined): string {
  const fields = (value: unknown) => (typeof value === 'object' && value !== null ? (value as { cause?: unknown; code?: unknown; message?: unknown }) : {});
  const cause = fields(error).cause ?? error;
  const { code, message } = fields(cause);
  const text = typeof message === 'string' && message !== '' ? message : String(cause);
  return clip(redact(typeof code === 'string' ? `${code}: ${text}` : text, secret));
}

function clip(text: string): string {
  return text.length > SERVER_MESSAGE_MAX ? `${text.slice(0, SERVER_MESSAGE_MAX)}…` : text;
}
