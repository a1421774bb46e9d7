import type { RecordedEvent } from '@camel/contracts';
import { createTestStoreLocation, ENGINES, makeEvent, type TestStoreLocation } from '../../testing';
import type { SqlExecutor } from '../sql/database';
import type { EventStore } from '../types';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts events per stream: a doubled or lost effect shows up as a wrong count. */
function counter(options: { version?: number; onApply?: (event: RecordedEvent) => Promise<void> | void } = {}): Projection {
  return {
    name: 'counter',
    version: options.version ?? 1,
    tables: ['counter_streams'],
    eventTypes: ['Counted'],
    async createSchema(tx: SqlExecutor) {
      await tx.exec(
        'CREATE TABLE IF NOT EXISTS counter_streams (stream_id TEXT PRIMARY KEY, n INTEGER NOT NULL, last_position BIGINT NOT NULL)',
      );
    },
    async apply(tx: SqlExecutor, event: RecordedEvent) {
      await options.onApply?.(event);
      await tx.query(
        `INSERT INTO counter_streams (stream_id, n, last_position) VALUES ($1, 1, $2)
         ON CONFLICT (stream_id) DO UPDATE SET n = counter_streams.n + 1, last_position = $2`,
        [event.streamId, event.position],
      );
    },
  };
}

async function counts(store: EventStore): Promise<Record<string, number>> {
  const rows = await store.db.query<{ stream_id: string; n: number }>('SELECT stream_id, n FROM counter_streams');
  return Object.fromEntries(rows.map((r) => [r.stream_id, Number(r.n)]));
}

async function appendMany(store: EventStore, streams: number, perStream: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < perStream; i += 1) {
    for (let s = 0; s < streams; s += 1) {
      last = (await store.append(`c-${s}`, [makeEvent('Counted'), makeEvent('Ignored')], { expectedVersion: 'any' }))
        .lastPosition;
    }
  }
  return last;
}

const expected = (streams: number, perStream: number) =>
  Object.fromEntries(Array.from({ length: streams }, (_, s) => [`c-${s}`, perStream]));

/**
 * The store as one replica sees it, noting where its reads start. A runner's subscription reads
 * after P only once every batch up to P is settled (applied, or refused because another replica moved
 * the checkpoint), and a refused one resubscribes after the checkpoint: when a read after `position`
 * happens, that replica is past it and can no longer apply anything before it.
 */
function watchedReads(store: EventStore) {
  let furthest = -1;
  const waiting = new Set<() => void>();
  const watched: EventStore = Object.create(store);
  watched.readAll = (options) => {
    furthest = Math.max(furthest, options.after);
    waiting.forEach((check) => check());
    return store.readAll(options);
  };
  const readsPast = (position: number, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`the replica read no further than ${furthest}, not past ${position}`));
      }, timeoutMs);
      const check = () => {
        if (furthest < position) return;
        clearTimeout(timer);
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });
  return { store: watched, readsPast };
}

describe.each(ENGINES)('ProjectionRunner on %s', (engine) => {
  let location: TestStoreLocation;
  let store: EventStore;
  const runners: ProjectionRunner[] = [];
  const runner = (projection: Projection, s: EventStore = store) => {
    const r = new ProjectionRunner(s, [projection], { pollIntervalMs: 100, retryDelayMs: 20, log: () => undefined, batchSize: 7 });
    runners.push(r);
    return r;
  };

  beforeEach(async () => {
    location = await createTestStoreLocation(engine);
    store = await location.open();
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await location.dispose();
  });

  it('catches up, follows live appends and reports zero lag', async () => {
    await appendMany(store, 3, 4);
    const r = runner(counter());
    await r.start();
    const last = await appendMany(store, 3, 2);
    expect(await r.waitFor(last)).toBe(true);
    expect(await counts(store)).toEqual(expected(3, 6));
    const [status] = await r.status();
    expect(status).toMatchObject({ name: 'counter', state: 'running', position: last, lag: 0 });
  });

  it('rolls back a batch that fails midway and applies it exactly once on retry', async () => {
    await appendMany(store, 2, 10);
    let failuresLeft = 2;
    const r = runner(
      counter({
        onApply: (event) => {
          if (event.streamVersion === 9 && failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('simulated crash inside the transaction');
          }
        },
      }),
    );
    await r.start();
    expect(await r.waitFor(await store.headPosition(), { timeoutMs: 10_000 })).toBe(true);
    expect(failuresLeft).toBe(0);
    expect(await counts(store)).toEqual(expected(2, 10));
    expect((await r.status())[0].state).toBe('running');
  });

  it('resumes from its checkpoint after a restart with no lost or doubled effect', async () => {
    await appendMany(store, 2, 15);
    // The first process dies on its 10th event every time: whatever it committed before stays.
    let applied = 0;
    const first = runner(
      counter({
        onApply: () => {
          applied += 1;
          if (applied >= 10) throw new Error('process dies here');
        },
      }),
    );
    await first.start();
    while ((await first.status())[0].state !== 'failing') await sleep(5);
    await first.stop();
    const partial = Object.values(await counts(store)).reduce((a, b) => a + b, 0);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(10);

    const other = await location.open(); // a new process: fresh connections, nothing in memory
    const second = runner(counter(), other);
    await second.start();
    expect(await second.waitFor(await store.headPosition(), { timeoutMs: 10_000 })).toBe(true);
    expect(await counts(other)).toEqual(expected(2, 15));
  });

  it('lets two replicas run the same projection without doubling any effect', async () => {
    const first = watchedReads(store);
    const second = watchedReads(await location.open());
    const a = runner(counter(), first.store);
    const b = runner(counter(), second.store);
    await a.start();
    await b.start();
    const writers = [0, 1, 2].map(async (w) => {
      for (let i = 0; i < 20; i += 1) await store.append(`c-${w}`, [makeEvent('Counted')], { expectedVersion: 'any' });
    });
    await Promise.all(writers);
    // The barrier: once both replicas read past a sentinel appended after the writers, each has
    // had every earlier event to apply or refuse, so a doubled effect would be in the counts now.
    const sentinel = (await store.append('sentinel', [makeEvent('Counted')], { expectedVersion: 'no-stream' })).lastPosition;
    await Promise.all([first.readsPast(sentinel), second.readsPast(sentinel)]);
    expect(await counts(store)).toEqual({ ...expected(3, 20), sentinel: 1 });
  });

  it('rebuilds from position 0 into fresh tables with progress, then stays live', async () => {
    await appendMany(store, 3, 5);
    const r = runner(counter());
    await r.start();
    expect(await r.waitFor(await store.headPosition())).toBe(true);
    await store.db.query(`UPDATE counter_streams SET n = 999`); // a corrupted read model
    const progress: number[] = [];
    const result = await r.rebuild('counter', (p) => progress.push(p.done));
    expect(result).toEqual({ done: 30, total: 30 });
    expect(progress[0]).toBe(0);
    expect(progress[progress.length - 1]).toBe(30);
    expect(await counts(store)).toEqual(expected(3, 5));
    const last = await appendMany(store, 3, 1);
    expect(await r.waitFor(last)).toBe(true);
    expect(await counts(store)).toEqual(expected(3, 6));
  });

  it('rebuilds automatically when the projection version changes', async () => {
    await appendMany(store, 2, 3);
    const v1 = runner(counter());
    await v1.start();
    expect(await v1.waitFor(await store.headPosition())).toBe(true);
    await v1.stop();
    await store.db.query(`UPDATE counter_streams SET n = 0`);
    const v2 = runner(counter({ version: 2 }));
    await v2.start();
    expect(await v2.waitFor(await store.headPosition())).toBe(true);
    expect(await counts(store)).toEqual(expected(2, 3));
  });

  it('answers waitFor with false when the position is not reached in time', async () => {
    const r = runner(counter());
    await r.start();
    expect(await r.waitFor(Number.MAX_SAFE_INTEGER, { timeoutMs: 50 })).toBe(false);
  });

  /** The store with the transactions opened on its database counted. */
  const countedTransactions = (s: EventStore) => {
    const db: EventStore['db'] = Object.create(s.db);
    const state = { transactions: 0 };
    db.transaction = (work) => {
      state.transactions += 1;
      return s.db.transaction(work);
    };
    const counted: EventStore = Object.create(s, { db: { value: db } });
    return { store: counted, state };
  };
  const checkpointOf = async (s: EventStore) => Number((await s.db.query<{ position: number }>(`SELECT position FROM projection_checkpoints WHERE name = 'counter'`))[0].position);
  const ignored = async (s: EventStore, n: number) => {
    let last = 0;
    for (let i = 0; i < n; i += 1) last = (await s.append('other', [makeEvent('Ignored')], { expectedVersion: 'any' })).lastPosition;
    return last;
  };

  it('opens no transaction for batches without an event it handles; the checkpoint follows at stop', async () => {
    const counted = countedTransactions(store);
    const r = new ProjectionRunner(counted.store, [counter()], { pollIntervalMs: 100, log: () => undefined, checkpointDelayMs: 600_000 });
    await r.start();
    counted.state.transactions = 0;
    const before = await checkpointOf(store);
    const last = await ignored(store, 5);
    expect(await r.waitFor(last)).toBe(true);
    expect((await r.status())[0]).toMatchObject({ position: last, lag: 0 });
    expect(counted.state.transactions).toBe(0);
    expect(await checkpointOf(store)).toBe(before);
    // A batch it handles writes its rows and the checkpoint as before.
    const handled = (await store.append('c-0', [makeEvent('Counted')], { expectedVersion: 'any' })).lastPosition;
    expect(await r.waitFor(handled)).toBe(true);
    expect(counted.state.transactions).toBe(1);
    expect(await checkpointOf(store)).toBe(handled);
    expect(await counts(store)).toEqual({ 'c-0': 1 });
    // Skipped again, then stopped: the row follows in one write.
    const end = await ignored(store, 3);
    expect(await r.waitFor(end)).toBe(true);
    await r.stop();
    // One UPDATE of the row: autocommit on PostgreSQL; SQLite wraps every write in its own transaction.
    expect(counted.state.transactions).toBe(engine === 'postgres' ? 1 : 2);
    expect(await checkpointOf(store)).toBe(end);
  });

  it('writes the checkpoint of skipped batches on its own after checkpointDelayMs', async () => {
    const r = new ProjectionRunner(store, [counter()], { pollIntervalMs: 100, log: () => undefined, checkpointDelayMs: 20 });
    runners.push(r);
    await r.start();
    let last = 0;
    for (let i = 0; i < 4; i += 1) {
      last = await ignored(store, 2);
      await sleep(15);
    }
    expect(await r.waitFor(last)).toBe(true);
    while ((await checkpointOf(store)) < last) await sleep(10);
    expect(await checkpointOf(store)).toBe(last);
  });

  it('resumes exactly after a crash that left the checkpoint behind the skipped events', async () => {
    await appendMany(store, 2, 2);
    // A process whose every later database call fails: it dies with its checkpoint not written.
    let dead = false;
    const gone = () => Promise.reject(new Error('the process died'));
    const db: EventStore['db'] = Object.create(store.db);
    db.transaction = (work) => (dead ? gone() : store.db.transaction(work));
    db.query = (sql, params) => (dead ? gone() : store.db.query(sql, params));
    const dying: EventStore = Object.create(store, { db: { value: db } });
    dying.readAll = (options) => (dead ? gone() : store.readAll(options));
    const crashed = new ProjectionRunner(dying, [counter()], { pollIntervalMs: 100, retryDelayMs: 20, log: () => undefined, checkpointDelayMs: 600_000 });
    runners.push(crashed);
    await crashed.start();
    expect(await crashed.waitFor(await store.headPosition())).toBe(true);
    const before = await checkpointOf(store);
    const last = await ignored(store, 4);
    expect(await crashed.waitFor(last)).toBe(true);
    expect(await checkpointOf(store)).toBe(before); // not written yet: the "process" dies now
    dead = true;
    // Another process resumes from the row: it replays the skipped events, which change nothing.
    const other = await location.open();
    const resumed = runner(counter(), other);
    await resumed.start();
    const more = await appendMany(store, 2, 1);
    expect(await resumed.waitFor(more, { timeoutMs: 10_000 })).toBe(true);
    expect(await counts(other)).toEqual(expected(2, 3));
    // A batch can end before the last Ignored event (a page or a read held back at the xmin horizon):
    // the checkpoint of a skipped tail follows within checkpointDelayMs.
    while ((await checkpointOf(store)) < more) await sleep(10);
    expect(await checkpointOf(store)).toBe(more);
    expect(await counts(store)).toEqual(expected(2, 3));
  });

  if (engine === 'postgres') {
    it('recovers when its database connection is killed mid-transaction', async () => {
      await appendMany(store, 1, 6);
      let killed = false;
      const r = runner(
        counter({
          onApply: async (event) => {
            if (!killed && event.streamVersion === 5) {
              killed = true;
              await store.db.query(
                `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'`,
              );
            }
          },
        }),
      );
      await r.start();
      expect(await r.waitFor(await store.headPosition(), { timeoutMs: 10_000 })).toBe(true);
      expect(killed).toBe(true);
      expect(await counts(store)).toEqual(expected(1, 6));
    });
  }
});
