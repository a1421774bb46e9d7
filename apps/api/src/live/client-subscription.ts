import { matchesTopic, type EventTopic, type RecordedEvent } from '@camel/contracts';
import type { EventStore } from '@camel/event-store';
import type { EventFanout, FanoutListener } from './event-fanout';

/** Where a subscription's messages go (a socket in the gateway). */
export interface SubscriptionSink {
  /** Sends one batch; `acknowledged` is called when the client confirms it. */
  send(events: readonly RecordedEvent[], position: number, acknowledged: () => void): void;
  caughtUp(position: number): void;
  /** The subscription ended (client too slow, or a read failed); nothing after `position` was sent. */
  resync(position: number, reason: 'slow-consumer' | 'server-error'): void;
  /** Per-event access check (the topic may span projects); evaluated when the event is queued. */
  visible?(event: RecordedEvent): boolean;
}

export interface SubscriptionLimits {
  /** Events queued for the client (not yet sent) before it is told to resync. */
  readonly bufferLimit: number;
  /** Batches sent but not yet acknowledged before sending pauses. */
  readonly inFlightBatches: number;
  /** Events per message and per catch-up read. */
  readonly batchSize: number;
}

export const DEFAULT_LIMITS: SubscriptionLimits = { bufferLimit: 10_000, inFlightBatches: 8, batchSize: 500 };

type Mode = 'catching-up' | 'live' | 'closed';

/**
 * One client's subscription to a topic from a position.
 *
 * Catch-up reads the log page by page from `after`. It registers with the fanout *before* reading,
 * and holds live batches aside while it reads: any event the fanout delivered before a read is
 * visible to that read, and later ones are in the held batches, so when a read comes back short (the
 * head) the held batches with positions past the cursor complete the sequence: no gap, and the
 * cursor comparison removes duplicates. Reads wait while the client has a full page unsent, so a slow
 * client slows its own catch-up instead of growing memory; if the held live batches grow past the
 * buffer limit they are dropped and catch-up simply reads further.
 *
 * Live, each batch from the fanout is filtered and queued; batches are sent while fewer than
 * `inFlightBatches` are unacknowledged. A client whose queue grows past `bufferLimit` is told to
 * resync from the last position sent and the subscription ends: memory per client stays bounded.
 */
export class ClientSubscription implements FanoutListener {
  private mode: Mode = 'catching-up';
  /** Every matching event at or before the cursor has been queued or sent. */
  private cursor: number;
  private readonly queue: RecordedEvent[] = [];
  private queueHead = 0;
  private inFlight = 0;
  private lastSent: number;
  private held: (readonly RecordedEvent[])[] = [];
  private heldCount = 0;
  private heldOverflow = false;
  private drained: (() => void) | null = null;

  constructor(
    readonly topic: EventTopic,
    after: number,
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly fanout: Pick<EventFanout, 'add' | 'remove'>,
    private readonly sink: SubscriptionSink,
    private readonly limits: SubscriptionLimits = DEFAULT_LIMITS,
    private readonly onReadError: (error: unknown) => void = () => undefined,
  ) {
    this.cursor = after;
    this.lastSent = after;
  }

  /** Position up to which the client has been sent everything of the topic. */
  get sentPosition(): number {
    return this.lastSent;
  }

  get state(): Mode {
    return this.mode;
  }

  /** Events waiting to be sent. */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  start(): void {
    this.fanout.add(this);
    this.catchUp().catch((error: unknown) => {
      if (this.mode === 'closed') return;
      this.onReadError(error);
      this.sink.resync(this.lastSent, 'server-error');
      this.close();
    });
  }

  close(): void {
    if (this.mode === 'closed') return;
    this.mode = 'closed';
    this.fanout.remove(this);
    this.queue.length = 0;
    this.queueHead = 0;
    this.held = [];
    this.drained?.();
  }

  onLive(events: readonly RecordedEvent[]): void {
    if (this.mode === 'catching-up') {
      if (this.heldOverflow) return;
      this.held.push(events);
      this.heldCount += events.length;
      if (this.heldCount > this.limits.bufferLimit) {
        this.held = [];
        this.heldCount = 0;
        this.heldOverflow = true;
      }
      return;
    }
    if (this.mode === 'live') {
      this.accept(events);
      if (this.queued > this.limits.bufferLimit) {
        this.sink.resync(this.lastSent, 'slow-consumer');
        this.close();
        return;
      }
      this.pump();
    }
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      if (this.mode !== 'catching-up') return;
      const page = await this.store.readAll({ after: this.cursor, limit: this.limits.batchSize });
      if (this.mode !== 'catching-up') return;
      this.accept(page);
      this.pump();
      if (page.length === this.limits.batchSize) {
        await this.waitUntilDrained();
        continue;
      }
      if (this.heldOverflow) {
        // Live batches were dropped while reading: the log has them, read on.
        this.heldOverflow = false;
        continue;
      }
      const held = this.held;
      this.held = [];
      this.heldCount = 0;
      for (const events of held) this.accept(events);
      this.mode = 'live';
      this.pump();
      this.sink.caughtUp(this.cursor);
      return;
    }
  }

  /** Queues the matching events past the cursor and moves the cursor to the batch's end. */
  private accept(events: readonly RecordedEvent[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1].position;
    if (last <= this.cursor) return;
    for (const event of events) {
      if (event.position > this.cursor && matchesTopic(this.topic, event) && (this.sink.visible?.(event) ?? true)) this.queue.push(event);
    }
    this.cursor = last;
  }

  private pump(): void {
    while (this.mode !== 'closed' && this.inFlight < this.limits.inFlightBatches && this.queued > 0) {
      const end = Math.min(this.queue.length, this.queueHead + this.limits.batchSize);
      const batch = this.queue.slice(this.queueHead, end);
      this.queueHead = end;
      if (this.queueHead === this.queue.length) {
        this.queue.length = 0;
        this.queueHead = 0;
      } else if (this.queueHead > 4096) {
        this.queue.splice(0, this.queueHead);
        this.queueHead = 0;
      }
      // With nothing left queued, everything up to the cursor has been sent.
      const position = this.queued === 0 ? this.cursor : batch[batch.length - 1].position;
      this.lastSent = position;
      this.inFlight += 1;
      this.sink.send(batch, position, () => {
        this.inFlight -= 1;
        this.pump();
      });
    }
    if (this.queued === 0 && this.drained) {
      const resolve = this.drained;
      this.drained = null;
      resolve();
    }
  }

  private waitUntilDrained(): Promise<void> {
    if (this.queued === 0 || this.mode === 'closed') return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }
}
