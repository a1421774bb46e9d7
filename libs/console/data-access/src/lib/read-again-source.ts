import type { EventTopic, RecordedEvent } from '@camel/contracts';
import type { LiveListPage, LiveListSource } from './live-list';

/**
 * A live list whose rows are aggregates no single event completes (a queue's progress, a dataset's
 * versions and counts): every event of `topics` that `concerns` the list marks it stale, and the
 * list is read again until a read at or past that event's position answers. Cheap to restate and
 * exactly the server's rows; LiveList runs one read at a time however many events arrive.
 */
export function readAgainSource<T, P extends LiveListPage<T> = LiveListPage<T>>(
  topics: readonly EventTopic[],
  read: () => Promise<P>,
  concerns: (event: RecordedEvent) => boolean,
): LiveListSource<T, P> & { readonly pendingPosition: () => number } {
  /** The furthest event the rows must reflect (0 = none pending). */
  let pending = 0;
  return {
    topics,
    read,
    pendingPosition: () => pending,
    fold: (items, events) => {
      const relevant = events.filter(concerns);
      if (relevant.length === 0) return { items };
      pending = Math.max(pending, ...relevant.map((event) => event.position));
      return { items, stale: true };
    },
    refresh: {
      merge: (_items, fresh) => {
        const stale = fresh.position < pending;
        if (!stale) pending = 0;
        return { items: fresh.items, stale };
      },
    },
  };
}
