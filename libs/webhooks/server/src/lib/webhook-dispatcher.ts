import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_EVENT_KINDS, WEBHOOK_EVENT_TYPES, WEBHOOK_SIGNATURE_HEADER, type RecordedEvent, type WebhookEventKind, type WebhookPayload } from '@camel/contracts';
import type { Clock } from '@camel/kernel';
import type { EventStore, ProjectionRunner, Subscription } from '@camel/event-store';
import { deliveryIdFor, isPrivateAddress, nextAttemptDelay, signPayload } from '@camel/webhooks';
import { Logger } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { WebhookConfig } from './webhooks.config';
import { webhooksProjection } from './webhooks.projection';
import { activeAt, type WebhooksReadModel, type WebhookSubscription } from './webhooks.read-model';
import type { AttemptResult, DueDelivery, NewDelivery, WebhookStore } from './webhook-store';

const KIND_OF_TYPE = new Map<string, WebhookEventKind>(WEBHOOK_EVENT_KINDS.flatMap((kind) => WEBHOOK_EVENT_TYPES[kind].map((type) => [type, kind] as const)));
const CLAIM_BATCH = 16;
/** A batch that makes no delivery moves the checkpoint in memory; the row follows this long after (or with the next delivery, or at stop). */
const CHECKPOINT_DELAY_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Turns log events into webhook deliveries and sends them.
 *
 * Dispatch: a subscription from the dispatcher's own checkpoint; per batch, once the registry read
 * model has reached the batch, one delivery per (subscribed webhook, event) is inserted together with
 * the new checkpoint (one transaction; a delivery's id is derived from webhook and event, so doing a
 * batch twice adds nothing); a batch that makes no delivery moves the checkpoint in memory only, the
 * row following within a second, with the next delivery or at stop. Sending: due deliveries are claimed with a lease, POSTed with the
 * signature, and settled (delivered, due again after back-off, or failed after the last attempt). A
 * restart resumes from the checkpoint and the pending rows.
 */
export class WebhookDispatcher {
  private readonly logger = new Logger('Webhooks');
  private subscription: Subscription | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<AbortController>();
  /** The checkpoint row as written, and the position dispatched so far (ahead of it after batches that made no delivery). */
  private written = 0;
  private dispatched = 0;
  private checkpointTimer: NodeJS.Timeout | null = null;
  /** Checkpoint writes, one at a time and in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly deliveries: WebhookStore,
    private readonly registry: WebhooksReadModel,
    private readonly projections: ProjectionRunner,
    private readonly clock: Clock,
    private readonly config: WebhookConfig,
  ) {}

  async start(): Promise<void> {
    const after = await this.deliveries.checkpoint();
    this.written = this.dispatched = after;
    this.subscription = this.store.subscribe({ after, onError: (error) => this.logger.error(`webhook dispatch stopped: ${String(error)}`) }, (events) => this.dispatch(events));
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const controller of this.inFlight) controller.abort();
    await this.subscription?.stop();
    await this.pumping;
    await this.writeCheckpoint().catch((error: unknown) => this.logger.error(`webhook dispatch checkpoint not written at stop: ${String(error)}`));
  }

  /** Retried until it succeeds (or the process stops): the subscription must not move past a batch not recorded. */
  private async dispatch(events: readonly RecordedEvent[]): Promise<void> {
    for (let delay = 100; !this.stopped; delay = Math.min(delay * 2, 10_000)) {
      try {
        if ((await this.record(events)) > 0) this.schedule(0);
        return;
      } catch (error) {
        this.logger.error(`webhook dispatch failed, retrying: ${String(error)}`);
        await sleep(delay);
      }
    }
  }

  /**
   * The batch's deliveries, recorded with the checkpoint; how many were made. A batch that makes none
   * (most of the log) writes nothing now: a restart before the row follows dispatches those events
   * again, which makes nothing again.
   */
  private async record(events: readonly RecordedEvent[]): Promise<number> {
    const last = events[events.length - 1];
    if (!last) return 0;
    const relevant = events.filter((e) => KIND_OF_TYPE.has(e.type) && e.metadata.projectId);
    if (relevant.length > 0) {
      while (!(await this.projections.waitFor(last.position, { names: [webhooksProjection.name], timeoutMs: 5000 }))) {
        if (this.stopped) return 0;
      }
    }
    const made: NewDelivery[] = [];
    const now = this.clock.now();
    // One read of each project's webhooks per batch (not one per event).
    const hooksOf = new Map<string, WebhookSubscription[]>();
    for (const event of relevant) {
      const kind = KIND_OF_TYPE.get(event.type) as WebhookEventKind;
      const projectId = event.metadata.projectId as string;
      if (!hooksOf.has(projectId)) hooksOf.set(projectId, await this.registry.subscribedDuring(projectId, relevant[0].position, last.position));
      for (const hook of (hooksOf.get(projectId) ?? []).filter((h) => activeAt(h, kind, event.position))) {
        const id = deliveryIdFor(hook.id, event.id);
        const payload: WebhookPayload = {
          deliveryId: id,
          kind,
          projectId,
          event: { id: event.id, type: event.type, position: event.position, time: event.metadata.time, data: event.data },
        };
        made.push({ id, webhookId: hook.id, projectId, kind, eventId: event.id, eventPosition: event.position, payload: JSON.stringify(payload), createdAt: now.toISOString(), dueAt: now.getTime() });
      }
    }
    this.dispatched = Math.max(this.dispatched, last.position);
    if (made.length === 0) {
      this.scheduleCheckpoint();
      return 0;
    }
    await this.serially(async () => {
      await this.deliveries.record(made, last.position);
      this.written = Math.max(this.written, last.position);
    });
    return made.length;
  }

  private scheduleCheckpoint(): void {
    if (this.checkpointTimer || this.stopped) return;
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = null;
      this.writeCheckpoint().catch((error: unknown) => this.logger.error(`webhook dispatch checkpoint not written: ${String(error)}`));
    }, CHECKPOINT_DELAY_MS);
    this.checkpointTimer.unref?.();
  }

  /** Writes the dispatched position to the checkpoint row if it is ahead. */
  private writeCheckpoint(): Promise<void> {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = null;
    return this.serially(async () => {
      const position = this.dispatched;
      if (position <= this.written) return;
      await this.deliveries.record([], position);
      this.written = Math.max(this.written, position);
    });
  }

  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump(), Math.max(0, delayMs));
  }

  /** Sends what is due; one pump at a time, and one more when asked meanwhile. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        try {
          for (;;) {
            const due = await this.deliveries.claimDue(this.clock.now().getTime(), this.config.timeoutMs * 2, CLAIM_BATCH);
            if (due.length === 0 || this.stopped) break;
            await Promise.all(due.map((delivery) => this.attempt(delivery)));
          }
        } catch (error) {
          this.logger.error(`webhook sending failed: ${String(error)}`);
        }
      } while (this.again && !this.stopped);
    })();
    await this.pumping;
    this.pumping = null;
    const next = await this.deliveries.nextDue().catch(() => null);
    this.schedule(next === null ? this.config.pollMs : Math.min(this.config.pollMs, next - this.clock.now().getTime()));
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const started = this.clock.now();
    const target = await this.registry.target(delivery.webhookId);
    const secret = await this.deliveries.secret(delivery.webhookId);
    let result: AttemptResult;
    if (!target || !target.active || !secret) {
      result = { at: started.toISOString(), statusCode: null, error: 'the webhook was removed', durationMs: 0 };
      await this.deliveries.settle(delivery, result, { status: 'failed', nextAt: null });
      return;
    }
    result = await this.post(target.url, delivery, secret, started);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    if (ok) {
      await this.deliveries.settle(delivery, result, { status: 'delivered', nextAt: null });
      return;
    }
    const delay = nextAttemptDelay(delivery.attempts + 1, this.config.retry);
    await this.deliveries.settle(delivery, result, delay === null ? { status: 'failed', nextAt: null } : { status: 'pending', nextAt: this.clock.now().getTime() + delay });
  }

  private async post(url: string, delivery: DueDelivery, secret: string, started: Date): Promise<AttemptResult> {
    const at = started.toISOString();
    const since = () => Math.max(0, Date.now() - started.getTime());
    const blocked = await this.blockedAddress(url);
    if (blocked) return { at, statusCode: null, error: blocked, durationMs: since() };
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.config.timeoutMs} ms`)), this.config.timeoutMs);
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'camel-extensions-webhooks/1',
          [WEBHOOK_DELIVERY_HEADER]: delivery.id,
          [WEBHOOK_EVENT_HEADER]: delivery.kind,
          [WEBHOOK_SIGNATURE_HEADER]: signPayload(secret, Math.floor(this.clock.now().getTime() / 1000), delivery.payload),
        },
        body: delivery.payload,
      });
      await response.body?.cancel().catch(() => undefined);
      return { at, statusCode: response.status, error: response.status >= 300 ? `answered ${response.status}` : null, durationMs: since() };
    } catch (error) {
      const cause = controller.signal.aborted ? controller.signal.reason : (error as Error).cause ?? error;
      return { at, statusCode: null, error: String((cause as Error)?.message ?? cause).slice(0, 500), durationMs: since() };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /** The SSRF rule at send time: every address the host resolves to must be public, unless private ones are allowed. */
  private async blockedAddress(url: string): Promise<string | null> {
    if (this.config.allowPrivate) return null;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    try {
      const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
      const bad = addresses.find(isPrivateAddress);
      return bad ? `refused: ${host} resolves to the private address ${bad} (WEBHOOK_ALLOW_PRIVATE is off)` : null;
    } catch (error) {
      return `could not resolve ${host}: ${(error as Error).message}`;
    }
  }
}
