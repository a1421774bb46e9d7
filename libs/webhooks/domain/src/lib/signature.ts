import { formatUuid } from '@camel/kernel';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new signing secret (shown once to the admin; the sender keeps it in the credential table). */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the x-camel-signature header. */
export function signPayload(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/**
 * The receiver's check (docs/api.md "Webhooks"): the header parses, the timestamp is within
 * `toleranceSeconds` of now (replays of old deliveries fail), and the MAC matches in constant time.
 */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

const DELIVERY_NAMESPACE = Buffer.from('9d2c7e4a1b3f4c5d8e6f7a8b9c0d1e2f', 'hex');

/** One delivery per webhook and event, whoever creates it and however often: the x-camel-delivery header. */
export function deliveryIdFor(webhookId: string, eventId: string): string {
  const bytes = createHash('sha1').update(DELIVERY_NAMESPACE).update(`${webhookId}\n${eventId}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes.toString('hex'));
}

export interface RetryPolicy {
  /** Delay before the 2nd attempt; doubled each time. */
  readonly baseMs: number;
  readonly maxDelayMs: number;
  /** Attempts in all (the first included); after the last failure the delivery is `failed`. */
  readonly maxAttempts: number;
}

/** When the next attempt is due after `attempts` failed ones, or null when none is left. Jitter-free, so the log explains itself. */
export function nextAttemptDelay(attempts: number, policy: RetryPolicy): number | null {
  if (attempts >= policy.maxAttempts) return null;
  return Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
}
