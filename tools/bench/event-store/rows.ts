/** The measured rows: each does the same work through the adapter and on the bare baseline table. */
import type { RecordedEvent } from '@camel/contracts';
import { ProjectionRunner, type EventStore, type NewEvent, type Projection } from '@camel/event-store';
import { concurrently, timed, type Timing } from '../harness';
import { baselineDocument, benchEvent } from './payload';
import { PROJECTION_TABLE_SQL, PROJECTION_UPSERT_SQL, type Baseline, type Target } from './targets';

export const STREAMS = 1000;
export const WRITERS = 16;
export const BATCH = 100;
export const PAGE = 1000;
const PRELOAD_BATCH = 100;

export interface Sizes {
  readonly sequential: number;
  readonly sequentialWarmup: number;
  readonly concurrent: number;
  readonly concurrentWarmup: number;
  /** Appends of BATCH events. */
  readonly batches: number;
  readonly batchWarmup: number;
  /** Events loaded before the read and rebuild rows. */
  readonly preload: number;
  readonly readWarmupPages: number;
}

export const FULL: Sizes = {
  sequential: 5000,
  sequentialWarmup: 250,
  concurrent: 20_000,
  concurrentWarmup: 1000,
  batches: 500,
  batchWarmup: 20,
  preload: 100_000,
  readWarmupPages: 10,
};

export const QUICK: Sizes = {
  sequential: 500,
  sequentialWarmup: 50,
  concurrent: 2000,
  concurrentWarmup: 200,
  batches: 50,
  batchWarmup: 5,
  preload: 10_000,
  readWarmupPages: 2,
};

const streamOf = (n: number): string => `task-${n % STREAMS}`;
const randomStream = (): string => streamOf(Math.floor(Math.random() * STREAMS));
const batchOf = (start: number, size: number): NewEvent[] => Array.from({ length: size }, (_, i) => benchEvent(start + i));

/** One row of the table: how the adapter and the bare baseline do the same work. */
export interface Row {
  readonly key: string;
  readonly label: string;
  /** Appends (or ceiling INSERTs) in the timed part of a write row: the unit of its write cost. */
  readonly appends?: (sizes: Sizes) => number;
  adapter(target: Target, sizes: Sizes): Promise<Timing>;
  baseline(target: Target, sizes: Sizes): Promise<Timing>;
}

async function expectCount(store: EventStore, expected: number): Promise<void> {
  const actual = await store.countAfter(0, Number.MAX_SAFE_INTEGER);
  if (actual !== expected) throw new Error(`${store.engine}: expected ${expected} events in the log, found ${actual}`);
}

async function preloadStore(store: EventStore, total: number): Promise<void> {
  for (let n = 0; n < total; n += PRELOAD_BATCH) {
    await store.append(streamOf(n / PRELOAD_BATCH), batchOf(n, Math.min(PRELOAD_BATCH, total - n)), { expectedVersion: 'any' });
  }
}

async function preloadBaseline(baseline: Baseline, total: number): Promise<void> {
  for (let n = 0; n < total; n += PRELOAD_BATCH) {
    const stream = streamOf(n / PRELOAD_BATCH);
    await baseline.insertMany(batchOf(n, Math.min(PRELOAD_BATCH, total - n)).map((e) => baselineDocument(stream, e)));
  }
}

/** One read model row per stream, upserted for every event. */
const streamCounts: Projection = {
  name: 'bench_stream_counts',
  version: 1,
  tables: ['bench_stream_counts'],
  async createSchema(tx) {
    await tx.exec(PROJECTION_TABLE_SQL);
  },
  async apply(tx, event: RecordedEvent) {
    await tx.query(PROJECTION_UPSERT_SQL, [event.streamId, event.streamType, event.position]);
  },
};

export const ROWS: readonly Row[] = [
  {
    key: 'sequential',
    label: 'sequential appends, 1 event, exact version',
    appends: (sizes) => sizes.sequential,
    async adapter(target, sizes) {
      const store = await target.openStore();
      let version = 0;
      for (let i = 0; i < sizes.sequentialWarmup; i += 1) {
        version = (await store.append('task-warmup', [benchEvent(i)], { expectedVersion: version })).nextExpectedVersion;
      }
      await target.settle();
      version = 0;
      const timing = await timed(async () => {
        for (let i = 0; i < sizes.sequential; i += 1) {
          version = (await store.append('task-1', [benchEvent(i)], { expectedVersion: version })).nextExpectedVersion;
        }
        return sizes.sequential;
      });
      await expectCount(store, sizes.sequentialWarmup + sizes.sequential);
      return timing;
    },
    async baseline(target, sizes) {
      const baseline = await target.openBaseline();
      for (let i = 0; i < sizes.sequentialWarmup; i += 1) await baseline.insertOne(baselineDocument('task-warmup', benchEvent(i)));
      await target.settle();
      return timed(async () => {
        for (let i = 0; i < sizes.sequential; i += 1) await baseline.insertOne(baselineDocument('task-1', benchEvent(i)));
        return sizes.sequential;
      });
    },
  },
  {
    key: 'concurrent',
    label: `${WRITERS} writers, 1 event, ${STREAMS} streams, any version`,
    appends: (sizes) => sizes.concurrent,
    async adapter(target, sizes) {
      const store = await target.openStore();
      const append = async (i: number) => {
        await store.append(randomStream(), [benchEvent(i)], { expectedVersion: 'any' });
      };
      await concurrently(sizes.concurrentWarmup, WRITERS, append);
      await target.settle();
      const timing = await timed(async () => {
        await concurrently(sizes.concurrent, WRITERS, append);
        return sizes.concurrent;
      });
      await expectCount(store, sizes.concurrentWarmup + sizes.concurrent);
      return timing;
    },
    async baseline(target, sizes) {
      const baseline = await target.openBaseline();
      const insert = (i: number) => baseline.insertOne(baselineDocument(randomStream(), benchEvent(i)));
      await concurrently(sizes.concurrentWarmup, WRITERS, insert);
      await target.settle();
      return timed(async () => {
        await concurrently(sizes.concurrent, WRITERS, insert);
        return sizes.concurrent;
      });
    },
  },
  {
    key: 'batch',
    label: `batches of ${BATCH} events, 1 writer`,
    appends: (sizes) => sizes.batches,
    async adapter(target, sizes) {
      const store = await target.openStore();
      for (let b = 0; b < sizes.batchWarmup; b += 1) {
        await store.append(streamOf(b), batchOf(b * BATCH, BATCH), { expectedVersion: 'any' });
      }
      await target.settle();
      const timing = await timed(async () => {
        for (let b = 0; b < sizes.batches; b += 1) {
          await store.append(streamOf(b), batchOf(b * BATCH, BATCH), { expectedVersion: 'any' });
        }
        return sizes.batches * BATCH;
      });
      await expectCount(store, (sizes.batchWarmup + sizes.batches) * BATCH);
      return timing;
    },
    async baseline(target, sizes) {
      const baseline = await target.openBaseline();
      const insert = (b: number) => baseline.insertMany(batchOf(b * BATCH, BATCH).map((e) => baselineDocument(streamOf(b), e)));
      for (let b = 0; b < sizes.batchWarmup; b += 1) await insert(b);
      await target.settle();
      return timed(async () => {
        for (let b = 0; b < sizes.batches; b += 1) await insert(b);
        return sizes.batches * BATCH;
      });
    },
  },
  {
    key: 'read',
    label: `readAll, pages of ${PAGE}`,
    async adapter(target, sizes) {
      const store = await target.openStore();
      await preloadStore(store, sizes.preload);
      await target.settle();
      let after = 0;
      for (let p = 0; p < sizes.readWarmupPages; p += 1) {
        const page = await store.readAll({ after, limit: PAGE });
        after = page[page.length - 1].position;
      }
      const timing = await timed(async () => {
        let count = 0;
        let position = 0;
        for (;;) {
          const page = await store.readAll({ after: position, limit: PAGE });
          if (page.length === 0) return count;
          count += page.length;
          position = page[page.length - 1].position;
        }
      });
      if (timing.events !== sizes.preload) throw new Error(`readAll returned ${timing.events} of ${sizes.preload} events`);
      return timing;
    },
    async baseline(target, sizes) {
      const baseline = await target.openBaseline();
      await preloadBaseline(baseline, sizes.preload);
      await target.settle();
      let after = 0;
      for (let p = 0; p < sizes.readWarmupPages; p += 1) {
        const page = await baseline.readPage(after, PAGE);
        after = page[page.length - 1].id;
      }
      return timed(async () => {
        let count = 0;
        let position = 0;
        for (;;) {
          const page = await baseline.readPage(position, PAGE);
          if (page.length === 0) return count;
          count += page.length;
          position = page[page.length - 1].id;
        }
      });
    },
  },
  {
    key: 'rebuild',
    label: 'projection rebuild, 1 upsert per event',
    async adapter(target, sizes) {
      const store = await target.openStore();
      await preloadStore(store, sizes.preload);
      const runner = new ProjectionRunner(store, [streamCounts], { log: () => undefined });
      await runner.prepare();
      // Warm-up: the read path (the apply path runs once per event, it warms up within the run).
      for (let after = 0, p = 0; p < sizes.readWarmupPages; p += 1) {
        const page = await store.readAll({ after, limit: PAGE });
        after = page[page.length - 1].position;
      }
      await target.settle();
      const timing = await timed(async () => (await runner.rebuild(streamCounts.name)).done);
      const [{ total }] = await store.db.query<{ total: number }>('SELECT sum(events) AS total FROM bench_stream_counts');
      if (timing.events !== sizes.preload || Number(total) !== sizes.preload) {
        throw new Error(`rebuild applied ${timing.events} events, counted ${total}, expected ${sizes.preload}`);
      }
      return timing;
    },
    async baseline(target, sizes) {
      const baseline = await target.openBaseline();
      await preloadBaseline(baseline, sizes.preload);
      for (let after = 0, p = 0; p < sizes.readWarmupPages; p += 1) {
        const page = await baseline.readPage(after, PAGE);
        after = page[page.length - 1].id;
      }
      await target.settle();
      return timed(async () => {
        let count = 0;
        let position = 0;
        for (;;) {
          const page = await baseline.readPage(position, PAGE);
          if (page.length === 0) return count;
          await baseline.project(page);
          count += page.length;
          position = page[page.length - 1].id;
        }
      });
    },
  },
];
