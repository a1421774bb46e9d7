import type { RecordedEvent } from '@camel/contracts';
import type { EventStore } from './types';
import type { WakeHub } from './wake';

/** What one read of the log's tail gave, and the wake-up generation it began at. */
export interface TailRead {
  /** Frozen events (shared by every subscriber that asked at the same cursor): never mutate them. */
  readonly events: readonly RecordedEvent[];
  readonly generation: number;
}

interface Pending {
  readonly generation: number;
  readonly read: Promise<TailRead>;
  done: boolean;
}

/**
 * One read of the log's tail for all the subscriptions of a store in a process. Subscribers at the
 * same cursor share one statement: while a read after that cursor is in flight, or once it is done
 * and no wake-up came since it began (nothing newer to see), the same events are handed to each.
 * Each subscriber keeps its own cursor, so one that lags behind (a slow or failing handler) asks at
 * its own cursor, and its catch-up reads on its own; the live ones still share.
 */
export class TailReader {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly store: Pick<EventStore, 'readAll'>,
    private readonly wakes: WakeHub,
  ) {}

  /**
   * The events after `after` (at most `limit`). `fresh`: a read begun after this call or one still in
   * flight, never a finished one (a timer asks again because time passed, not because of a wake-up:
   * a held-back commit, or a commit whose wake-up was lost, can only be seen by reading again).
   */
  read(after: number, limit: number, fresh = false): Promise<TailRead> {
    const key = `${after}:${limit}`;
    const generation = this.wakes.generation;
    const known = this.pending.get(key);
    if (known && (!known.done || (!fresh && known.generation === generation))) return known.read;
    for (const [k, p] of this.pending) if (p.done && p.generation !== generation) this.pending.delete(k);
    const entry: Pending = {
      generation,
      done: false,
      read: this.store.readAll({ after, limit }).then(
        (events) => {
          entry.done = true;
          return { events: events.map(deepFreeze), generation };
        },
        (error: unknown) => {
          this.pending.delete(key);
          throw error;
        },
      ),
    };
    this.pending.set(key, entry);
    return entry.read;
  }

  /** A read of this subscriber's own, shared with no one (after a shared read failed). */
  async readOwn(after: number, limit: number): Promise<TailRead> {
    const generation = this.wakes.generation;
    return { events: (await this.store.readAll({ after, limit })).map(deepFreeze), generation };
  }
}

/** Freezes an event with its data and metadata, so no subscriber can change what the others see. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const readers = new WeakMap<object, TailReader>();

/** The store's tail reader (one per store object, so per store and process). */
export function tailReaderOf(store: Pick<EventStore, 'readAll'>, wakes: WakeHub): TailReader {
  let reader = readers.get(store);
  if (!reader) {
    reader = new TailReader(store, wakes);
    readers.set(store, reader);
  }
  return reader;
}
