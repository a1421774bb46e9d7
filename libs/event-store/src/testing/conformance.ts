import type { RecordedEvent } from '@camel/contracts';
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, IdempotencyConflictError, InvalidAppendError } from '../lib/errors';
import type { EventStore, NewEvent, Subscription } from '../lib/types';
import { startCrashAppender } from './crash-appender';
import { makeEvent } from './fixtures';
import { createTestStoreLocation, type Engine, type TestStoreLocation } from './test-stores';

export interface ConformanceHarness {
  readonly engine: Engine;
  /** Changes one stored event's data behind the store's back, with the append-only guard switched off. */
  tamper(store: EventStore, position: number, data: unknown): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects what a subscription delivers; `until` waits for a count (a functional wait, not a timing check). */
function collect(store: EventStore, after = 0) {
  const received: RecordedEvent[] = [];
  const listeners = new Set<() => void>();
  const subscription: Subscription = store.subscribe({ after, pollIntervalMs: 200, batchSize: 50 }, async (events) => {
    received.push(...events);
    listeners.forEach((l) => l());
  });
  const until = (count: number, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      if (received.length >= count) return resolve();
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`subscription received ${received.length} of ${count} events`));
      }, timeoutMs);
      const check = () => {
        if (received.length >= count) {
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        }
      };
      listeners.add(check);
    });
  return { received, until, subscription };
}

const expectStrictlyIncreasing = (positions: readonly number[]) => {
  for (let i = 1; i < positions.length; i += 1) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
};

const expectNoDuplicates = (events: readonly RecordedEvent[]) =>
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);

/** The event store contract (docs/architecture.md, "The event store"), one suite for every adapter. */
/** LOG_SIGNING_KEY of the conformance stores. */
const CONFORMANCE_EVENT_KEY = 'conformance-log-signing-key-outside-the-database';

export function eventStoreConformance(harness: ConformanceHarness): void {
  const isPostgres = harness.engine === 'postgres';
  let location: TestStoreLocation;
  let store: EventStore;

  beforeEach(async () => {
    location = await createTestStoreLocation(harness.engine);
    // Keyed, as the api runs: every verify below also checks the events' keyed hashes.
    store = await location.open({ eventKey: CONFORMANCE_EVENT_KEY });
  });

  afterEach(async () => {
    await location.dispose();
  });

  describe('append and read', () => {
    it('stores events with contiguous stream versions, increasing positions and their metadata', async () => {
      const first = await store.append('order-1', [makeEvent('Placed', { total: 5 }), makeEvent('Paid')], {
        expectedVersion: 'no-stream',
      });
      expect(first.nextExpectedVersion).toBe(2);
      expect(first.duplicate).toBe(false);
      const second = await store.append('order-1', [makeEvent('Shipped', { carrier: 'ü✓' })], { expectedVersion: 2 });
      expect(second.nextExpectedVersion).toBe(3);

      const events = await store.readStream('order-1');
      expect(events.map((e) => [e.type, e.streamVersion])).toEqual([
        ['Placed', 1],
        ['Paid', 2],
        ['Shipped', 3],
      ]);
      expect(events[0].data).toEqual({ total: 5 });
      expect(events[2].data).toEqual({ carrier: 'ü✓' });
      expect(events[0].streamType).toBe('order');
      expect(events[0].metadata.actor).toEqual({ type: 'system', id: 'test' });
      expect(events.map((e) => e.position)).toEqual([...first.positions, ...second.positions]);
      expectStrictlyIncreasing(events.map((e) => e.position));
      expect(await store.readStream('order-1', { fromVersion: 3 })).toHaveLength(1);
      expect(await store.readStream('order-unknown')).toEqual([]);
    });

    it('chains hashes per stream with the shared formula', async () => {
      await store.append('chain-1', [makeEvent('A', { x: [1, 2, { y: 'z' }] }), makeEvent('B', null)], {
        expectedVersion: 'no-stream',
      });
      const [a, b] = await store.readStream('chain-1');
      expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(b.hash).not.toBe(a.hash);
      // verify recomputes every hash with computeEventHash (JS) from the stored text, so this also
      // proves that the PostgreSQL append function and the JS formula agree.
      const report = await store.verify();
      expect(report).toMatchObject({ ok: true, streamsChecked: 1, eventsChecked: 2, failures: [] });
    });

    it('refuses malformed appends before touching the database', async () => {
      await expect(store.append('s-1', [], { expectedVersion: 'any' })).rejects.toBeInstanceOf(InvalidAppendError);
      await expect(
        store.append('s-1', [{ ...makeEvent(), id: 'not-a-uuid' }], { expectedVersion: 'any' }),
      ).rejects.toThrow(/id must be a UUID/);
      const id = randomUUID();
      await expect(
        store.append('s-1', [makeEvent('A', 1, id), makeEvent('B', 2, id)], { expectedVersion: 'any' }),
      ).rejects.toThrow(/appears twice/);
      expect(await store.headPosition()).toBe(0);
    });

    it('pages through the whole log with readAll in position order', async () => {
      for (let i = 0; i < 7; i += 1) {
        await store.append(`page-${i % 3}`, [makeEvent('E', { i }), makeEvent('E', { i })], { expectedVersion: 'any' });
      }
      const seen: RecordedEvent[] = [];
      let after = 0;
      for (;;) {
        const page = await store.readAll({ after, limit: 4 });
        if (page.length === 0) break;
        seen.push(...page);
        after = page[page.length - 1].position;
      }
      expect(seen).toHaveLength(14);
      expectStrictlyIncreasing(seen.map((e) => e.position));
      expect(await store.headPosition()).toBe(seen[13].position);
      expect(await store.countAfter(seen[9].position, 100)).toBe(4);
      expect(await store.countAfter(0, 3)).toBe(3);
    });
  });

  describe('optimistic concurrency', () => {
    it('checks exact, no-stream and any expectations with a typed error', async () => {
      await store.append('acc-1', [makeEvent()], { expectedVersion: 'no-stream' });
      const noStream = store.append('acc-1', [makeEvent()], { expectedVersion: 'no-stream' });
      await expect(noStream).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(noStream).rejects.toMatchObject({ streamId: 'acc-1', actual: 1 });
      await expect(store.append('acc-1', [makeEvent()], { expectedVersion: 5 })).rejects.toMatchObject({
        expected: 5,
        actual: 1,
      });
      await expect(store.append('acc-1', [makeEvent()], { expectedVersion: 'any' })).resolves.toMatchObject({
        nextExpectedVersion: 2,
      });
      await expect(store.append('acc-1', [makeEvent()], { expectedVersion: 2 })).resolves.toMatchObject({
        nextExpectedVersion: 3,
      });
    });

    it('lets exactly one of N concurrent appends with the same expected version succeed', async () => {
      await store.append('race-1', [makeEvent()], { expectedVersion: 'no-stream' });
      const attempts = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) => store.append('race-1', [makeEvent('Try', { i })], { expectedVersion: 1 })),
      );
      const ok = attempts.filter((a) => a.status === 'fulfilled');
      const failed = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(15);
      for (const f of failed) expect(f.reason).toBeInstanceOf(ConcurrencyError);
      const events = await store.readStream('race-1');
      expect(events.map((e) => e.streamVersion)).toEqual([1, 2]);
      expect((await store.verify({ streamId: 'race-1' })).ok).toBe(true);
    });

    it('keeps versions contiguous under concurrent appends that accept any version', async () => {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => store.append('any-1', [makeEvent('E', { i })], { expectedVersion: 'any' })),
      );
      const events = await store.readStream('any-1');
      expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect((await store.verify()).ok).toBe(true);
    });

    it("never fails an 'any' append for contention alone, also inside the caller's transaction", async () => {
      const plain = Array.from({ length: 48 }, (_, i) => store.append('hot-1', [makeEvent('E', { i })], { expectedVersion: 'any' }));
      const owned = Array.from({ length: 16 }, (_, i) =>
        store.db.transaction((tx) => store.appendInTransaction(tx, 'hot-1', [makeEvent('T', { i })], { expectedVersion: 'any' })),
      );
      const results = await Promise.allSettled([...plain, ...owned]);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const events = await store.readStream('hot-1');
      expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
      expectStrictlyIncreasing(events.map((e) => e.position));
      expect((await store.verify({ streamId: 'hot-1' })).ok).toBe(true);
    });
  });

  describe('concurrent appends committed together', () => {
    it('answers each append of a group on its own: one failing leaves the others committed', async () => {
      await store.append('grp-taken', [makeEvent()], { expectedVersion: 'no-stream' });
      const repeated = makeEvent('Repeated');
      await store.append('grp-other', [repeated], { expectedVersion: 'no-stream' });
      // Issued together, so on SQLite they queue behind one another and share a commit.
      const attempts = await Promise.allSettled([
        ...Array.from({ length: 6 }, (_, i) => store.append(`grp-${i}`, [makeEvent('E', { i }), makeEvent('F', { i })], { expectedVersion: 'no-stream' })),
        store.append('grp-taken', [makeEvent('Stale')], { expectedVersion: 'no-stream' }),
        store.append('grp-taken', [makeEvent('Next')], { expectedVersion: 1 }),
        store.append('grp-other', [makeEvent('Late')], { expectedVersion: 0 }),
        store.append('grp-new', [repeated], { expectedVersion: 'any' }),
        ...Array.from({ length: 6 }, (_, i) => store.append(`grp-${i + 6}`, [makeEvent('E', { i })], { expectedVersion: 'any' })),
      ]);
      const reasons = attempts.map((a) => (a.status === 'rejected' ? (a.reason as Error).constructor : 'ok'));
      expect(reasons).toEqual([
        ...Array.from({ length: 6 }, () => 'ok'),
        ConcurrencyError,
        'ok',
        ConcurrencyError,
        IdempotencyConflictError,
        ...Array.from({ length: 6 }, () => 'ok'),
      ]);
      for (let i = 0; i < 12; i += 1) {
        expect((await store.readStream(`grp-${i}`)).map((e) => e.streamVersion)).toEqual(i < 6 ? [1, 2] : [1]);
      }
      expect((await store.readStream('grp-taken')).map((e) => e.type)).toEqual(['Something', 'Next']);
      expect(await store.readStream('grp-new')).toEqual([]);
      const all = await store.readAll({ after: 0, limit: 100 });
      expect(all).toHaveLength(3 + 12 + 6);
      expectStrictlyIncreasing(all.map((e) => e.position));
      expect((await store.verify()).ok).toBe(true);
    });

    it('appends after the head another process wrote (a stream head this process remembered is only a hint)', async () => {
      const other = await location.open({ eventKey: CONFORMANCE_EVENT_KEY });
      await store.append('shared-1', [makeEvent('Mine')], { expectedVersion: 'no-stream' });
      await store.append('shared-2', [makeEvent('Mine')], { expectedVersion: 'no-stream' });
      await other.append('shared-1', [makeEvent('Theirs')], { expectedVersion: 1 });
      await other.append('shared-2', [makeEvent('Theirs')], { expectedVersion: 'any' });
      await expect(store.append('shared-1', [makeEvent('Stale')], { expectedVersion: 1 })).rejects.toBeInstanceOf(ConcurrencyError);
      await expect(store.append('shared-1', [makeEvent('Mine')], { expectedVersion: 2 })).resolves.toMatchObject({ nextExpectedVersion: 3 });
      await expect(store.append('shared-2', [makeEvent('Mine')], { expectedVersion: 'any' })).resolves.toMatchObject({ nextExpectedVersion: 3 });
      for (const stream of ['shared-1', 'shared-2']) {
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Mine', 'Theirs', 'Mine']);
      }
      expect((await store.verify()).ok).toBe(true);
    });

    it('keeps nothing of appends a crash cut short and everything it acknowledged', async () => {
      const appender = startCrashAppender(harness.engine, location.location, CONFORMANCE_EVENT_KEY);
      const acknowledged = await appender.untilAcknowledged(40);
      await appender.kill();
      const reopened = await location.open({ eventKey: CONFORMANCE_EVENT_KEY });
      const events = await reopened.readAll({ after: 0, limit: 100_000 });
      const stored = new Set(events.map((e) => e.id));
      for (const id of appender.acknowledged()) expect(stored.has(id)).toBe(true);
      expect(acknowledged).toBeGreaterThanOrEqual(40);
      // Every append was 3 events of one stream: all of them are there, or none.
      const perAppend = new Map<string, number>();
      for (const event of events) {
        const append = (event.data as { append: string }).append;
        perAppend.set(append, (perAppend.get(append) ?? 0) + 1);
      }
      expect([...perAppend.values()].filter((n) => n !== 3)).toEqual([]);
      expect((await reopened.verify()).ok).toBe(true);
      await expect(reopened.append('crash-0', [makeEvent('After')], { expectedVersion: 'any' })).resolves.toMatchObject({ duplicate: false });
      expect((await reopened.verify()).ok).toBe(true);
    });
  });

  describe('idempotency', () => {
    it('treats re-appending the same event ids as a no-op returning the original positions', async () => {
      const batch: NewEvent[] = [makeEvent('A'), makeEvent('B')];
      const first = await store.append('idem-1', batch, { expectedVersion: 'no-stream' });
      await store.append('idem-1', [makeEvent('C')], { expectedVersion: 2 });
      const again = await store.append('idem-1', batch, { expectedVersion: 'no-stream' });
      expect(again).toEqual({ ...first, duplicate: true });
      expect(await store.readStream('idem-1')).toHaveLength(3);
    });

    it('refuses an append that only partly repeats earlier ids, or repeats them on another stream', async () => {
      const a = makeEvent('A');
      await store.append('idem-2', [a], { expectedVersion: 'no-stream' });
      await expect(store.append('idem-2', [a, makeEvent('B')], { expectedVersion: 'any' })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      await expect(store.append('idem-3', [a], { expectedVersion: 'any' })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      expect(await store.headPosition()).toBe((await store.readStream('idem-2'))[0].position);
    });

    it('resolves concurrent appends of the same event to one stored copy', async () => {
      const event = makeEvent('Once');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => store.append('idem-4', [event], { expectedVersion: 'any' })),
      );
      expect(new Set(results.map((r) => r.lastPosition)).size).toBe(1);
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await store.readStream('idem-4')).toHaveLength(1);
    });
  });

  describe('transactions owned by the caller', () => {
    it('commits appends to several streams atomically, or none of them', async () => {
      await store.db.transaction(async (tx) => {
        await store.appendInTransaction(tx, 'tx-a', [makeEvent()], { expectedVersion: 'no-stream' });
        await store.appendInTransaction(tx, 'tx-b', [makeEvent(), makeEvent()], { expectedVersion: 'no-stream' });
      });
      await expect(
        store.db.transaction(async (tx) => {
          await store.appendInTransaction(tx, 'tx-c', [makeEvent()], { expectedVersion: 'no-stream' });
          await store.appendInTransaction(tx, 'tx-a', [makeEvent()], { expectedVersion: 'no-stream' });
        }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream('tx-c')).toEqual([]);
      const all = await store.readAll({ after: 0, limit: 10 });
      expect(all.map((e) => e.streamId)).toEqual(['tx-a', 'tx-b', 'tx-b']);
      expectStrictlyIncreasing(all.map((e) => e.position));
    });
  });

  describe('subscriptions', () => {
    it('delivers the catch-up then live events in order, each once', async () => {
      for (let i = 0; i < 30; i += 1) await store.append(`sub-${i % 4}`, [makeEvent('E', { i })], { expectedVersion: 'any' });
      const { received, until, subscription } = collect(store);
      await until(30);
      const writers = Array.from({ length: 4 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 15; i += 1) {
            await store.append(`live-${w}`, [makeEvent('L', { w, i }), makeEvent('L2')], { expectedVersion: 'any' });
          }
        })(),
      );
      await Promise.all(writers);
      await until(150);
      await subscription.stop();
      expect(received).toHaveLength(150);
      expectNoDuplicates(received);
      expectStrictlyIncreasing(received.map((e) => e.position));
      expect(subscription.position).toBe(received[149].position);
    });

    it('starts after the given position and stops cleanly', async () => {
      const first = await store.append('from-1', [makeEvent(), makeEvent(), makeEvent()], { expectedVersion: 'any' });
      const { received, until, subscription } = collect(store, first.positions[1]);
      await until(1);
      await store.append('from-1', [makeEvent('After')], { expectedVersion: 'any' });
      await until(2);
      await subscription.stop();
      await store.append('from-1', [makeEvent('Unseen')], { expectedVersion: 'any' });
      await sleep(300);
      expect(received.map((e) => e.streamVersion)).toEqual([3, 4]);
    });

    it('is not stalled by an append that rolls back', async () => {
      const { received, until, subscription } = collect(store);
      const rolledBack = store.db
        .transaction(async (tx) => {
          await store.appendInTransaction(tx, 'rb-1', [makeEvent('Doomed')], { expectedVersion: 'any' });
          await sleep(300);
          throw new Error('roll back on purpose');
        })
        .catch((e: Error) => e.message);
      await sleep(50);
      await store.append('rb-2', [makeEvent('Kept')], { expectedVersion: 'any' });
      expect(await rolledBack).toBe('roll back on purpose');
      await until(1);
      await store.append('rb-2', [makeEvent('Kept2')], { expectedVersion: 'any' });
      await until(2);
      await subscription.stop();
      expect(received.map((e) => e.type)).toEqual(['Kept', 'Kept2']);
      expect(await store.readStream('rb-1')).toEqual([]);
    });

    // SQLite has one writer: a held-open transaction blocks later writers instead.
    if (isPostgres) it(
      'never skips an event whose transaction commits after later ones (writer held open 2 s)',
      async () => {
        const { received, until, subscription } = collect(store);
        let heldPosition = 0;
        const held = store.db.transaction(async (tx) => {
          const result = await store.appendInTransaction(tx, 'held-1', [makeEvent('Held')], { expectedVersion: 'any' });
          heldPosition = result.lastPosition;
          await sleep(2000);
        });
        await sleep(100);
        const later: number[] = [];
        for (let i = 0; i < 20; i += 1) {
          later.push((await store.append(`later-${i % 3}`, [makeEvent('Later', { i })], { expectedVersion: 'any' })).lastPosition);
        }
        await sleep(300);
        // The later commits are readable in the database, but not past the open transaction.
        expect(received).toHaveLength(0);
        await held;
        store.notifyCommitted();
        await until(21);
        await sleep(300);
        await subscription.stop();
        expect(received).toHaveLength(21);
        expectNoDuplicates(received);
        expectStrictlyIncreasing(received.map((e) => e.position));
        expect(received[0].position).toBe(heldPosition);
        expect(received.slice(1).map((e) => e.position)).toEqual(later);
      },
    );
  });

  describe('append-only and verify', () => {
    it('refuses UPDATE and DELETE on the events table in the database itself', async () => {
      await store.append('ro-1', [makeEvent()], { expectedVersion: 'any' });
      await expect(store.db.exec(`UPDATE events SET event_type = 'Forged'`)).rejects.toThrow(/append-only/);
      await expect(store.db.exec('DELETE FROM events')).rejects.toThrow(/append-only/);
      if (isPostgres) await expect(store.db.exec('TRUNCATE events')).rejects.toThrow(/append-only/);
      expect((await store.readStream('ro-1'))[0].type).toBe('Something');
    });

    it('reports an out-of-band edit with its stream and position', async () => {
      await store.append('audit-1', [makeEvent('A'), makeEvent('B'), makeEvent('C')], { expectedVersion: 'any' });
      await store.append('audit-2', [makeEvent('X')], { expectedVersion: 'any' });
      const target = (await store.readStream('audit-1'))[1];
      await harness.tamper(store, target.position, { forged: true });

      const report = await store.verify();
      expect(report.ok).toBe(false);
      expect(report.streamsChecked).toBe(2);
      expect(report.eventsChecked).toBe(4);
      expect(report.failures).toEqual([
        expect.objectContaining({ streamId: 'audit-1', streamVersion: 2, position: target.position, reason: 'hash-mismatch' }),
      ]);
      expect((await store.verify({ streamId: 'audit-2' })).ok).toBe(true);
      expect((await store.verify({ streamId: 'audit-1' })).failures[0].position).toBe(target.position);
    });

    it('applies migrations once and is idempotent on restart', async () => {
      await store.migrate();
      await store.migrate();
      const rows = await store.db.query<{ scope: string; version: number }>(
        `SELECT scope, version FROM schema_migrations WHERE scope = 'event-store' ORDER BY version`,
      );
      expect(rows.map((r) => Number(r.version))).toEqual(isPostgres ? [1, 2, 3] : [1, 2]);
    });
  });
}
