import type { AppConfig } from '@camel/server';
import type { RetryPolicy } from '@camel/webhooks';

/** Delivery settings: the app config's `webhooks` (WEBHOOK_* variables, checked at start with the others; docs/operations.md "Webhooks"). */
export interface WebhookConfig {
  /** Receivers on loopback/private/link-local addresses (refused by default: SSRF). */
  readonly allowPrivate: boolean;
  /** Per attempt: no answer within it is a failed attempt. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** How often due deliveries are looked for (a new delivery is sent at once). */
  readonly pollMs: number;
}

export function webhookConfigOf({ webhooks }: AppConfig): WebhookConfig {
  return {
    allowPrivate: webhooks.allowPrivate,
    timeoutMs: webhooks.timeoutMs,
    retry: { baseMs: webhooks.retryBaseMs, maxDelayMs: webhooks.retryMaxMs, maxAttempts: webhooks.maxAttempts },
    pollMs: webhooks.pollMs,
  };
}

export const WEBHOOK_CONFIG = Symbol('WEBHOOK_CONFIG');
