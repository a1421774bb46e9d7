import type { RecordedEvent } from '@camel/contracts';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPostgresDatabase, makeEvent, startOwnPostgres, type OwnPostgres, type TestDatabase } from '../../testing';
import { PostgresDatabase } from '../sql/postgres-database';
import type { EventStore } from '../types';
import { PostgresEventStore } from './postgres-event-store';

/**
 * The documented procedure of docs/operations.md (Backup and restore): pg_dump -Fc of the source
 * database, pg_restore into an empty database of another cluster, start (migrate), verify.
 */
describe('PostgreSQL backup and restore into another cluster', () => {
  let other: OwnPostgres;
  let source: TestDatabase;
  let dumpFile: string;
  let before: RecordedEvent[];
  const dumpDir = mkdtempSync(join(tmpdir(), 'camel-dump-'));
  const opened: PostgresEventStore[] = [];

  const open = async (url: string, { migrate = true } = {}) => {
    const store = new PostgresEventStore(new PostgresDatabase(url, { max: 12 }));
    if (migrate) await store.migrate();
    opened.push(store);
    return store;
  };

  /** A database of the other cluster holding the dump, not yet opened by a store. */
  const restore = async (name: string): Promise<string> => {
    execFileSync(join(other.bin, 'createdb'), [`--maintenance-db=${other.url}`, name]);
    const url = other.databaseUrl(name);
    execFileSync(join(other.bin, 'pg_restore'), ['--exit-on-error', '--no-owner', '-d', url, dumpFile]);
    return url;
  };

  beforeAll(async () => {
    other = startOwnPostgres();
    source = await createTestPostgresDatabase('restore');
    const store = await open(source.url);
    // Makes the source's transaction ids larger than a new cluster's, as on any long-lived server.
    await store.db.exec(`DO $$ BEGIN
      CREATE TEMP TABLE burn (n integer);
      FOR i IN 1 .. 5000 LOOP
        BEGIN INSERT INTO burn VALUES (i); RAISE EXCEPTION 'burn'; EXCEPTION WHEN raise_exception THEN NULL; END;
      END LOOP;
    END $$`);
    for (let v = 0; v < 5; v += 1) await store.append('order-1', [makeEvent('Placed', { v })], { expectedVersion: v });
    for (let i = 0; i < 59; i += 1) {
      await store.append(`order-${2 + (i % 7)}`, [makeEvent('A', { i }), makeEvent('B', { i }), makeEvent('C'), makeEvent('D'), makeEvent('E')], {
        expectedVersion: 'any',
      });
    }
    before = await readEverything(store);
    expect(before).toHaveLength(300);
    await store.close();
    dumpFile = join(dumpDir, 'events.dump');
    execFileSync(join(other.bin, 'pg_dump'), ['-Fc', '-d', source.url, '-f', dumpFile]);
  }, 60_000);

  afterAll(async () => {
    for (const store of opened) await store.close().catch(() => undefined);
    await source?.drop();
    other?.stop();
    rmSync(dumpDir, { recursive: true, force: true });
  });

  it('reads every restored event in order, appends after the old head and resumes subscribers from old checkpoints', async () => {
    const url = await restore('restored');
    const head = before[before.length - 1].position;
    const probe = new PostgresDatabase(url, { max: 1 });
    const [{ next }] = await probe.query<{ next: number }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next');
    await probe.close();
    // The premise: without the clock's offset, the new cluster's transactions map below the head.
    expect(next * 4096).toBeLessThan(head);

    const store = await open(url);
    expect(await readEverything(store)).toEqual(before);
    expect(await store.headPosition()).toBe(head);
    expect(await store.countAfter(0, 1000)).toBe(300);
    expect(await store.rebasePositions()).toBe(0);

    const checkpoint = before[99].position;
    const resumed = follow(store, checkpoint);
    const fromHead = follow(store, head);
    const appended = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        i % 4 === 0
          ? store.append('order-1', [makeEvent('Amended', { i })], { expectedVersion: 'any' })
          : store.append(`new-${i % 9}`, [makeEvent('New', { i })], { expectedVersion: 'any' }),
      ),
    );
    const newPositions = appended.map((a) => a.lastPosition).sort((a, b) => a - b);
    expect(newPositions[0]).toBeGreaterThan(head);

    await resumed.until(300);
    await fromHead.until(100);
    await Promise.all([resumed.subscription.stop(), fromHead.subscription.stop()]);
    expect(resumed.received.map((e) => e.id).slice(0, 200)).toEqual(before.slice(100).map((e) => e.id));
    expect(resumed.received.slice(200).map((e) => e.position)).toEqual(newPositions);
    expectStrictlyIncreasing(resumed.received.map((e) => e.position));
    expect(fromHead.received.map((e) => e.position)).toEqual(newPositions);

    const order = await store.readStream('order-1');
    expect(order.map((e) => e.streamVersion)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expectStrictlyIncreasing(order.map((e) => e.position));
    const all = await readEverything(store);
    expect(all).toHaveLength(400);
    expect(all.filter((e) => e.streamId === 'order-1').map((e) => e.streamVersion)).toEqual(order.map((e) => e.streamVersion));
    expect(await store.verify()).toMatchObject({ ok: true, eventsChecked: 400, failures: [] });
  });

  it('moves the clock on the first append when the restored database was not migrated, never writing below the head', async () => {
    const url = await restore('restored_unmigrated');
    const store = await open(url, { migrate: false });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.append(`late-${i % 3}`, [makeEvent('Late', { i })], { expectedVersion: 'any' })),
    );
    const head = before[before.length - 1].position;
    for (const result of results) expect(result.lastPosition).toBeGreaterThan(head);
    const all = await readEverything(store);
    expect(all.slice(0, 300)).toEqual(before);
    expect(all).toHaveLength(320);
    expect(await store.rebasePositions()).toBe(0);
  });
});

async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0; ; ) {
    const page = await store.readAll({ after, limit: 64 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

function expectStrictlyIncreasing(positions: readonly number[]): void {
  for (let i = 1; i < positions.length; i += 1) expect(positions[i]).toBeGreaterThan(positions[i - 1]);
}

/** A subscription from `after` whose `until(n)` resolves once n events arrived (or fails after 20 s). */
function follow(store: EventStore, after: number) {
  const received: RecordedEvent[] = [];
  let notify = () => undefined as void;
  const subscription = store.subscribe({ after, pollIntervalMs: 200, batchSize: 50 }, async (events) => {
    received.push(...events);
    notify();
  });
  const until = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count} events`)), 20_000);
      notify = () => {
        if (received.length < count) return;
        clearTimeout(timer);
        resolve();
      };
      notify();
    });
  return { received, until, subscription };
}
