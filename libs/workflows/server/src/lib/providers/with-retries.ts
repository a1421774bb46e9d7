import { ProviderError, type ChatRetry } from '@camel/workflows';
import type { ProviderLogger } from './provider-logger';
import type { ProviderSettings } from './provider-settings';
import { decideRetry } from './retry-policy';

export interface RetryContext {
  readonly provider: string;
  readonly settings: ProviderSettings;
  readonly log: ProviderLogger;
  readonly random: () => number;
  readonly signal?: AbortSignal;
  readonly onRetry?: (retry: ChatRetry) => void;
}

/**
 * Runs `attempt` until it succeeds or `decideRetry` gives up; the only retry loop of a call (the
 * HTTP client's own is off), so retries never multiply with the queue's. An abort during a backoff
 * wait ends the call at once.
 */
export async function withRetries<T>(attempt: () => Promise<T>, context: RetryContext): Promise<{ value: T; attempts: number }> {
  for (let attempts = 1; ; attempts += 1) {
    try {
      return { value: await attempt(), attempts };
    } catch (thrown) {
      const error = thrown instanceof ProviderError ? thrown : new ProviderError('network', `provider ${context.provider}: ${String(thrown)}`);
      const decision = decideRetry(attempts, error, context.settings, context.random);
      if (!decision.retry) throw error;
      context.log.warn(
        `provider ${context.provider}: attempt ${attempts} of ${context.settings.maxAttempts} failed (${error.kind}); retrying in ${decision.delayMs} ms: ${error.message}`,
      );
      context.onRetry?.({ attempt: attempts + 1, error, delayMs: decision.delayMs });
      await pause(decision.delayMs, context);
    }
  }
}

function pause(ms: number, context: RetryContext): Promise<void> {
  const { signal } = context;
  const aborted = () => new ProviderError('aborted', `provider ${context.provider}: the call was aborted`);
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
