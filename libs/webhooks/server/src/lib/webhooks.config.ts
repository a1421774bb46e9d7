import type { RetryPolicy } from '@camel/webhooks';

/** Delivery settings (docs/operations.md "Webhooks"), read and checked at start. */
export interface WebhookConfig {
  /** Receivers on loopback/private/link-local addresses (refused by default: SSRF). */
  readonly allowPrivate: boolean;
  /** Per attempt: no answer within it is a failed attempt. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** How often due deliveries are looked for (a new delivery is sent at once). */
  readonly pollMs: number;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(raw)}`);
}

export function webhookConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  return {
    allowPrivate: flag(env, 'WEBHOOK_ALLOW_PRIVATE'),
    timeoutMs: integer(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100),
    retry: {
      baseMs: integer(env, 'WEBHOOK_RETRY_BASE_MS', 10_000, 10),
      maxDelayMs: integer(env, 'WEBHOOK_RETRY_MAX_MS', 3_600_000, 10),
      maxAttempts: integer(env, 'WEBHOOK_MAX_ATTEMPTS', 10, 1),
    },
    pollMs: integer(env, 'WEBHOOK_POLL_MS', 1000, 10),
  };
}

export const WEBHOOK_CONFIG = Symbol('WEBHOOK_CONFIG');
