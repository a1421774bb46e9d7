import type { EventTopic, RecordedEvent } from '@camel/contracts';
import type { LiveSubscription, SubscriptionHandlers } from './live-events.client';
import { LiveList, type LiveListPage, type LiveListSource } from './live-list';

/**
 * The helper against a scripted gateway: the test plays the server's side of a subscription
 * (deliver a batch, catch up, refuse, end), as live-events.client.spec does for the socket. The
 * helper over the real client and the real gateway: apps/api/src/console-folds.int.spec.ts.
 */
interface Followed {
  readonly topic: EventTopic;
  readonly after: number;
  readonly handlers: SubscriptionHandlers;
  closed: boolean;
}

class ScriptedGateway {
  readonly followed: Followed[] = [];

  readonly follow = (topic: EventTopic, after: number, handlers: SubscriptionHandlers): LiveSubscription => {
    const entry: Followed = { topic, after, handlers, closed: false };
    this.followed.push(entry);
    return {
      topic,
      position: after,
      caughtUp: false,
      close: () => (entry.closed = true),
    };
  };

  open(): Followed[] {
    return this.followed.filter((entry) => !entry.closed);
  }

  deliver(events: readonly RecordedEvent[], entry = this.only()): void {
    entry.handlers.onEvents(events, Math.max(...events.map((event) => event.position)));
  }

  only(): Followed {
    const open = this.open();
    if (open.length !== 1) throw new Error(`expected one open subscription, found ${open.length}`);
    return open[0] as Followed;
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Rows are `name@version`; an event sets a row to its stream version (idempotent by version). */
interface Row {
  readonly id: string;
  readonly version: number;
}

const event = (position: number, id: string, version: number): RecordedEvent => ({
  position,
  streamId: id,
  streamType: 'thing',
  streamVersion: version,
  id: `e${position}`,
  type: 'ThingChanged',
  schemaVersion: 1,
  data: {},
  metadata: { actor: { type: 'user', id: 'u' }, correlationId: 'c', time: '2026-01-01T00:00:00.000Z' },
  hash: 'h',
  recordedAt: '2026-01-01T00:00:00.000Z',
});

function foldRows(items: readonly Row[], events: readonly RecordedEvent[]): Row[] {
  const rows = new Map(items.map((row) => [row.id, row]));
  for (const e of [...events].sort((a, b) => a.position - b.position)) {
    const current = rows.get(e.streamId);
    if (!current || current.version < e.streamVersion) rows.set(e.streamId, { id: e.streamId, version: e.streamVersion });
  }
  return [...rows.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

const TOPIC: EventTopic = { kind: 'type', prefix: 'Thing' };
const page = (position: number, ...items: Row[]): LiveListPage<Row> => ({ items, position });

function source(read: () => Promise<LiveListPage<Row>>, patch: Partial<LiveListSource<Row>> = {}): LiveListSource<Row> {
  return { topics: [TOPIC], read, fold: (items, events) => ({ items: foldRows(items, events) }), ...patch };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('LiveList', () => {
  let gateway: ScriptedGateway;
  let list: LiveList<Row>;

  beforeEach(() => {
    gateway = new ScriptedGateway();
    list = new LiveList<Row>({ follow: gateway.follow, sleep: () => Promise.resolve() });
  });

  it('reads the list, follows its topics from the read position and folds the events in', async () => {
    const states: string[] = [];
    list.onChange((state) => states.push(state.status));

    await list.load(source(async () => page(10, { id: 'a', version: 1 }), { topics: [TOPIC, { kind: 'type', prefix: 'Other' }] }));

    expect(gateway.open().map(({ topic, after }) => ({ topic, after }))).toEqual([
      { topic: TOPIC, after: 10 },
      { topic: { kind: 'type', prefix: 'Other' }, after: 10 },
    ]);
    gateway.deliver([event(12, 'b', 1), event(11, 'a', 2)], gateway.open()[0]);
    expect(list.state).toMatchObject({ status: 'ready', live: 'following', position: 12, items: [{ id: 'a', version: 2 }, { id: 'b', version: 1 }] });
    expect(states).toEqual(['idle', 'loading', 'ready', 'ready']);
  });

  it('drops a read that a newer load overtook, and the older load follows nothing', async () => {
    const first = deferred<LiveListPage<Row>>();
    const second = deferred<LiveListPage<Row>>();
    const loadingFirst = list.load(source(() => first.promise));
    const loadingSecond = list.load(source(() => second.promise));

    second.resolve(page(20, { id: 'new', version: 1 }));
    await loadingSecond;
    first.resolve(page(5, { id: 'old', version: 1 }));
    await loadingFirst;

    expect(list.state.items).toEqual([{ id: 'new', version: 1 }]);
    expect(list.state.position).toBe(20);
    expect(gateway.followed.map((entry) => entry.after)).toEqual([20]);
  });

  it('closes the earlier subscriptions on a new load, and ignores what they still deliver', async () => {
    await list.load(source(async () => page(1)));
    const earlier = gateway.only();
    await list.load(source(async () => page(3, { id: 'a', version: 1 })));

    expect(earlier.closed).toBe(true);
    earlier.handlers.onEvents([event(2, 'ghost', 1)], 2);
    expect(list.state.items).toEqual([{ id: 'a', version: 1 }]);
  });

  it('reports a failed read as error with the reason, and a later load recovers', async () => {
    const failure = new Error('down');
    await list.load(source(() => Promise.reject(failure)));
    expect(list.state).toMatchObject({ status: 'error', error: failure, live: 'off' });
    expect(gateway.followed).toEqual([]);

    await list.load(source(async () => page(4, { id: 'a', version: 1 })));
    expect(list.state).toMatchObject({ status: 'ready', error: undefined, live: 'following' });
  });

  it('clears the rows at once only when asked (another project’s list)', async () => {
    await list.load(source(async () => page(1, { id: 'a', version: 1 })));
    const pending = deferred<LiveListPage<Row>>();
    const keeping = list.load(source(() => pending.promise));
    expect(list.state).toMatchObject({ status: 'loading', items: [{ id: 'a', version: 1 }] });
    const clearing = list.load(source(() => pending.promise), { clear: true });
    expect(list.state).toMatchObject({ status: 'loading', items: [], position: 0 });
    pending.resolve(page(2));
    await Promise.all([keeping, clearing]);
  });

  it('says when the gateway refused or ended a topic', async () => {
    await list.load(source(async () => page(1)));
    gateway.only().handlers.onError?.({ statusCode: 403, error: 'Forbidden', message: 'no' });
    expect(list.state.live).toBe('refused');

    await list.load(source(async () => page(1)));
    expect(list.state.live).toBe('following');
    gateway.only().handlers.onEnded?.({ subscriptionId: 's', position: 1, reason: 'forbidden' });
    expect(list.state.live).toBe('ended');
  });

  it('reads again while rows stay stale, until the read model has caught up', async () => {
    const reads = [page(1, { id: 'a', version: 1 }), page(1, { id: 'a', version: 1 }), page(2, { id: 'a', version: 2 }), page(3, { id: 'a', version: 3 })];
    const read = jest.fn(async () => reads.shift() ?? page(9));
    const merge = (items: readonly Row[], fresh: LiveListPage<Row>) => {
      const merged = foldRows(items, fresh.items.map((row, index) => event(index + 1, row.id, row.version)));
      const versions = new Map(fresh.items.map((row) => [row.id, row.version]));
      return { items: merged, stale: merged.some((row) => (versions.get(row.id) ?? 0) < row.version) };
    };
    await list.load(
      source(read, {
        fold: (items, events) => ({ items: foldRows(items, events), stale: true }),
        refresh: { merge },
      }),
    );
    gateway.deliver([event(2, 'a', 2)]);
    await flush();

    // The load, then reads until the row's version is there (the third answer), not the fourth.
    expect(read).toHaveBeenCalledTimes(3);
    expect(list.state.items).toEqual([{ id: 'a', version: 2 }]);
  });

  it('runs one refresh at a time and another after it when asked meanwhile', async () => {
    const answers: Deferred<LiveListPage<Row>>[] = [];
    const reread = jest.fn(() => {
      const answer = deferred<LiveListPage<Row>>();
      answers.push(answer);
      return answer.promise;
    });
    await list.load(source(async () => page(1), { refresh: { read: reread, merge: (items, fresh) => ({ items: foldRows(items, fresh.items.map((row, i) => event(i + 1, row.id, row.version))) }) } }));

    const first = list.refresh();
    const during = list.refresh();
    expect(reread).toHaveBeenCalledTimes(1);
    answers[0]?.resolve(page(2, { id: 'a', version: 1 }));
    await flush();
    expect(reread).toHaveBeenCalledTimes(2);
    answers[1]?.resolve(page(3, { id: 'b', version: 1 }));
    await Promise.all([first, during]);
    expect(list.state.items.map((row) => row.id)).toEqual(['a', 'b']);
    expect(list.state.position).toBe(3);
  });

  it('tickets say whether an answer still belongs to the list as loaded', async () => {
    await list.load(source(async () => page(1)));
    const ticket = list.ticket();
    expect(ticket()).toBe(true);
    await list.load(source(async () => page(2)));
    expect(ticket()).toBe(false);
    const later = list.ticket();
    list.close();
    expect(later()).toBe(false);
  });

  it('hands loaded pages, applied events and catch-ups to the source, only while current', async () => {
    const seen: string[] = [];
    const pending = deferred<LiveListPage<Row>>();
    const overtaken = list.load(source(() => pending.promise, { loaded: () => seen.push('overtaken loaded') }));
    await list.load(
      source(async () => page(5), {
        loaded: (loaded) => seen.push(`loaded ${loaded.position}`),
        applied: (events) => seen.push(`applied ${events.length}`),
        caughtUp: (position) => seen.push(`caught up ${position}`),
      }),
    );
    pending.resolve(page(1));
    await overtaken;
    gateway.deliver([event(6, 'a', 1)]);
    gateway.only().handlers.onCaughtUp?.(8);

    expect(seen).toEqual(['loaded 5', 'applied 1', 'caught up 8']);
    expect(list.state.position).toBe(8);
  });

  it('on close, drops the read in flight, closes the subscriptions and changes nothing more', async () => {
    await list.load(source(async () => page(1)));
    const subscription = gateway.only();
    const pending = deferred<LiveListPage<Row>>();
    const loading = list.load(source(() => pending.promise));
    list.close();
    pending.resolve(page(7, { id: 'late', version: 1 }));
    await loading;

    expect(subscription.closed).toBe(true);
    expect(gateway.open()).toEqual([]);
    expect(list.state.items).toEqual([]);
    list.update(() => [{ id: 'x', version: 1 }]);
    expect(list.state.items).toEqual([]);
  });

  it('updates the rows in place only once loaded', async () => {
    list.update(() => [{ id: 'early', version: 1 }]);
    expect(list.state.items).toEqual([]);
    await list.load(source(async () => page(1, { id: 'a', version: 1 })));
    list.update((items) => [...items, { id: 'b', version: 1 }]);
    expect(list.state.items).toEqual([{ id: 'a', version: 1 }, { id: 'b', version: 1 }]);
  });
});
