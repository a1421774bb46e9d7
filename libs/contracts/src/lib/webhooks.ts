import type { DomainEvent } from './event-envelope';

/**
 * Project webhooks (docs/api.md "Webhooks"): HMAC-signed POSTs when chosen events happen, retried
 * with back-off, with a delivery log.
 *
 *   POST   /api/projects/:id/webhooks                         CreateWebhookRequest → 201 WebhookCreated (secret shown once)
 *   GET    /api/projects/:id/webhooks                         → WebhookList
 *   GET    /api/projects/:id/webhooks/:webhookId              → WebhookView
 *   DELETE /api/projects/:id/webhooks/:webhookId              → 200 CommandAccepted (no more deliveries)
 *   GET    /api/projects/:id/webhooks/:webhookId/deliveries?limit   → WebhookDeliveryList (newest first)
 *
 * Permission: `webhook:manage` (admins) for every route.
 *
 * A delivery: POST <url> with a JSON `WebhookPayload` body and the headers
 *   x-camel-delivery: <delivery id>   (one per webhook and event: receivers dedupe by it)
 *   x-camel-event: <kind>
 *   x-camel-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${raw body}`)>
 */
export const WEBHOOK_STREAM_TYPE = 'webhook';
export const webhookStreamId = (webhookId: string): string => `webhook-${webhookId}`;

export const WEBHOOK_EVENT_KINDS = ['annotation.submitted', 'queue.item.completed', 'dataset.snapshot.created'] as const;
export type WebhookEventKind = (typeof WEBHOOK_EVENT_KINDS)[number];

/** Which stored event type each kind announces. */
export const WEBHOOK_EVENT_TYPES: Readonly<Record<WebhookEventKind, readonly string[]>> = {
  'annotation.submitted': ['AnnotationSubmitted'],
  'queue.item.completed': ['QueueItemCompleted'],
  'dataset.snapshot.created': ['DatasetSnapshotCreated', 'DatasetImported'],
};

export const WEBHOOK_DELIVERY_HEADER = 'x-camel-delivery';
export const WEBHOOK_EVENT_HEADER = 'x-camel-event';
export const WEBHOOK_SIGNATURE_HEADER = 'x-camel-signature';

export interface CreateWebhookRequest {
  /** http(s) only; ≤ 2000 characters. */
  readonly url: string;
  /** At least one. */
  readonly events: readonly WebhookEventKind[];
  readonly description?: string;
}

export interface WebhookCreated {
  readonly id: string;
  readonly version: number;
  readonly position: number;
  /** The signing secret: shown once, never stored in events. */
  readonly secret: string;
}

export interface WebhookView {
  readonly id: string;
  readonly projectId: string;
  readonly url: string;
  readonly events: readonly WebhookEventKind[];
  readonly description: string | null;
  readonly active: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface WebhookList {
  readonly webhooks: readonly WebhookView[];
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttemptView {
  /** 1-based. */
  readonly attempt: number;
  readonly at: string;
  /** The receiver's status, null when no answer (timeout, refused, blocked address). */
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface WebhookDeliveryView {
  readonly id: string;
  readonly webhookId: string;
  readonly kind: WebhookEventKind;
  readonly eventId: string;
  readonly eventPosition: number;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: readonly WebhookAttemptView[];
  /** When the next attempt is due (pending only). */
  readonly nextAttemptAt: string | null;
  readonly createdAt: string;
}

export interface WebhookDeliveryList {
  readonly deliveries: readonly WebhookDeliveryView[];
}

/** The body of every delivery. */
export interface WebhookPayload {
  readonly deliveryId: string;
  readonly kind: WebhookEventKind;
  readonly projectId: string;
  readonly event: { readonly id: string; readonly type: string; readonly position: number; readonly time: string; readonly data: unknown };
}

export type WebhookRegistered = DomainEvent<
  'WebhookRegistered',
  { readonly webhookId: string; readonly projectId: string; readonly url: string; readonly events: readonly WebhookEventKind[]; readonly description: string | null }
>;
export type WebhookRemoved = DomainEvent<'WebhookRemoved', { readonly webhookId: string; readonly projectId: string }>;
export type WebhookEvent = WebhookRegistered | WebhookRemoved;
export const WEBHOOK_EVENTS: readonly WebhookEvent['type'][] = ['WebhookRegistered', 'WebhookRemoved'];
