import type { EventTopic, RecordedEvent } from '@camel/contracts';
import type { LiveListPage, LiveListSource } from './live-list';

/**
 * A live list whose rows are aggregates no single event completes (a queue's progress, a dataset's
 * versions and counts): every event of `topics` that `concerns` the list marks it stale, and the
 * list is read again until a read at or past that event's position answers. Cheap to restate and
 * exactly the server's rows; LiveList runs one read at a time however many events arrive. A route
 * that sends no read position is read twice per event (right away and after the first pause).
 */
export function readAgainSource<T, P extends LiveListPage<T> = LiveListPage<T>>(
  topics: readonly EventTopic[],
  read: () => Promise<P>,
  concerns: (event: RecordedEvent) => boolean,
): LiveListSource<T, P> & { readonly pendingPosition: () => number } {
  /** The furthest event the rows must reflect (0 = none pending). */
  let pending = 0;
  /** Reads without a position (the route sends none) since the last event: the first may precede its projection. */
  let blindReads = 0;
  return {
    topics,
    read,
    pendingPosition: () => pending,
    fold: (items, events) => {
      const relevant = events.filter(concerns);
      if (relevant.length === 0) return { items };
      pending = Math.max(pending, ...relevant.map((event) => event.position));
      blindReads = 0;
      return { items, stale: true };
    },
    refresh: {
      merge: (_items, fresh) => {
        // A read that names no position cannot prove it holds the event: read once more after a pause.
        const stale = fresh.position === 0 ? ++blindReads < 2 : fresh.position < pending;
        if (!stale) pending = 0;
        return { items: fresh.items, stale };
      },
    },
  };
}
