import type { RecordedEvent } from '@camel/contracts';
import { makeEvent, startOwnPostgres, type OwnPostgres } from '../../testing';
import { PostgresDatabase } from '../sql/postgres-database';
import { PostgresEventStore } from './postgres-event-store';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cross-process wake-ups cost no transaction of their own, and still reach another process. A
 * cluster of this file's own, so counting transaction ids sees no other test's.
 */
describe('PostgreSQL wake-ups: one transaction per append', () => {
  let cluster: OwnPostgres;
  let writer: PostgresEventStore;
  let reader: PostgresEventStore;

  beforeAll(async () => {
    cluster = startOwnPostgres();
    writer = new PostgresEventStore(new PostgresDatabase(cluster.url, { max: 20 }));
    await writer.migrate();
    await writer.db.exec('ALTER TABLE events SET (autovacuum_enabled = false)');
    // Another process: its own pool, its own LISTEN connection, no in-process wake-ups from the writer.
    reader = new PostgresEventStore(new PostgresDatabase(cluster.url, { max: 4 }));
  }, 30_000);

  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    cluster?.stop();
  });

  const nextXid = async () => {
    const [{ next }] = await writer.db.query<{ next: number }>(
      'SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS next',
    );
    return Number(next);
  };

  /** Transaction ids assigned while `work` ran (reading the counter assigns none). */
  async function xidsDuring(work: () => Promise<void>): Promise<number> {
    const start = await nextXid();
    await work();
    await sleep(50);
    return (await nextXid()) - start;
  }

  it('assigns one transaction id per append, sequential or from 16 writers', async () => {
    const sequential = await xidsDuring(async () => {
      for (let i = 0; i < 200; i += 1) await writer.append(`seq-${i % 5}`, [makeEvent('E', { i })], { expectedVersion: 'any' });
    });
    expect(sequential).toBeGreaterThanOrEqual(200);
    expect(sequential).toBeLessThanOrEqual(202);

    const concurrent = await xidsDuring(async () => {
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; i < 25; i += 1) await writer.append(`w-${w}-${i % 3}`, [makeEvent('E', { w, i })], { expectedVersion: 'any' });
        }),
      );
    });
    expect(concurrent).toBeGreaterThanOrEqual(400);
    // A standalone wake-up only where no later append came along to carry one.
    expect(concurrent).toBeLessThanOrEqual(410);
  });

  it('wakes a subscriber in another process without polling', async () => {
    const received: RecordedEvent[] = [];
    let arrived = () => undefined as void;
    const subscription = reader.subscribe({ after: await writer.headPosition(), pollIntervalMs: 120_000 }, async (events) => {
      received.push(...events);
      arrived();
    });
    const until = (count: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count}`)), 15_000);
        arrived = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          resolve();
        };
        arrived();
      });
    for (let tries = 0; tries < 100; tries += 1) {
      const [{ n }] = await writer.db.query<{ n: number }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'camel-listen' AND query LIKE 'LISTEN%'`,
      );
      if (Number(n) > 0) break;
      await sleep(20);
    }
    await sleep(100);

    await writer.append('wake-1', [makeEvent('Single')], { expectedVersion: 'any' });
    await until(1);
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 10; i += 1) await writer.append(`wake-${w}`, [makeEvent('Burst', { w, i })], { expectedVersion: 'any' });
      }),
    );
    await until(81);
    // A commit of the caller's own transaction: the wake-up goes out after it, on its own.
    await writer.db.transaction((tx) => writer.appendInTransaction(tx, 'wake-tx', [makeEvent('Owned')], { expectedVersion: 'any' }));
    writer.notifyCommitted();
    await until(82);
    await subscription.stop();
    expect(received.map((e) => e.type).slice(-1)).toEqual(['Owned']);
    expect(new Set(received.map((e) => e.id)).size).toBe(82);
  });

  it('wakes a process once per own commit: its own NOTIFY is dropped, another process’s is not', async () => {
    const wakesOf = (store: PostgresEventStore) => (store as unknown as { wakes: { generation: number } }).wakes;
    const subscriptions = [writer, reader].map((store) => store.subscribe({ after: 0, pollIntervalMs: 120_000, batchSize: 1000 }, async () => undefined));
    for (let tries = 0; tries < 100; tries += 1) {
      const [{ n }] = await writer.db.query<{ n: number }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'camel-listen' AND query LIKE 'LISTEN%'`);
      if (Number(n) >= 2) break;
      await sleep(20);
    }
    await sleep(200);
    const settled = async () => {
      await sleep(300);
      return [wakesOf(writer).generation, wakesOf(reader).generation];
    };
    const [w0, r0] = await settled();
    await writer.append('own-1', [makeEvent('Mine')], { expectedVersion: 'any' });
    // The writer: its local wake-up only; the reader: the writer's NOTIFY.
    expect(await settled()).toEqual([w0 + 1, r0 + 1]);
    await reader.append('own-2', [makeEvent('Theirs')], { expectedVersion: 'any' });
    expect(await settled()).toEqual([w0 + 2, r0 + 2]);
    await Promise.all(subscriptions.map((s) => s.stop()));
  });
});
