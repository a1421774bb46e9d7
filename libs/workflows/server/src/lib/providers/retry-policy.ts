import type { ProviderError } from '@camel/workflows';
import type { ProviderSettings } from './provider-settings';

/**
 * The wait an endpoint asks for, in milliseconds: `retry-after-ms` (OpenAI's own), else
 * `Retry-After` as delta-seconds or as an HTTP-date. Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // Only an HTTP-date (it has a day name): Date.parse also reads "-3" as a year.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export type RetryDecision = { readonly retry: true; readonly delayMs: number } | { readonly retry: false };

/**
 * Whether attempt `attempt` (1-based, just failed with `error`) is tried again, and after how long.
 * Backoff is exponential with full jitter (spreads the retries of many runs hitting one endpoint);
 * a Retry-After the endpoint sent replaces it when it is within the cap. A longer Retry-After is not
 * slept through here: the call fails and the error carries the wait for whoever schedules the retry.
 */
export function decideRetry(attempt: number, error: ProviderError, settings: ProviderSettings, random: () => number): RetryDecision {
  if (!error.retryable || error.kind === 'circuit_open' || error.kind === 'overloaded') return { retry: false };
  if (attempt >= settings.maxAttempts) return { retry: false };
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs <= settings.retryMaxDelayMs ? { retry: true, delayMs: error.retryAfterMs } : { retry: false };
  }
  const step = Math.min(settings.retryMaxDelayMs, settings.retryBaseDelayMs * 2 ** (attempt - 1));
  return { retry: true, delayMs: Math.round(random() * step) };
}
