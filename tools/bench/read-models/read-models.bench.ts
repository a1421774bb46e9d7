import 'reflect-metadata';
import type { RecordedEvent } from '@camel/contracts';
import { openEventStore, ProjectionRunner, type EventStore, type Projection } from '@camel/event-store';
import { testMetadata } from '@camel/event-store/testing';
import { uuidv7 } from '@camel/kernel';
import { bindReadModelProjection, compiledStatement, createReadModelDataSource, type ReadModelProjection } from '@camel/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, Entity, PrimaryColumn, type EntityManager } from 'typeorm';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, timed, type BenchContext } from '../harness';

/**
 * What TypeORM costs the read models: the same projection (one upsert per event, a counter per
 * stream) rebuilt from the same log, once with hand-written SQL through the store's executor (the
 * reference, as every projection was before) and once as a TypeORM entity written through the
 * EntityManager pinned to the projector's transaction. Same engine, same run, alternating.
 */
@Entity('bench_orm_counts')
class StreamCount {
  @PrimaryColumn('text', { name: 'stream_id' }) streamId!: string;
  @Column('integer') events!: number;
  @Column('bigint', { name: 'last_position', transformer: { from: (v: string | number) => Number(v), to: (v: number) => v } }) lastPosition!: number;
}

/** The same entity shape on its own table, written through a statement compiled once (compiledStatement). */
@Entity('bench_compiled_counts')
class StreamCountCompiled {
  @PrimaryColumn('text', { name: 'stream_id' }) streamId!: string;
  @Column('integer') events!: number;
  @Column('bigint', { name: 'last_position', transformer: { from: (v: string | number) => Number(v), to: (v: number) => v } }) lastPosition!: number;
}

const sqlProjection: Projection = {
  name: 'bench_sql_counts',
  version: 1,
  tables: ['bench_sql_counts'],
  async createSchema(tx) {
    await tx.exec('CREATE TABLE IF NOT EXISTS bench_sql_counts (stream_id TEXT PRIMARY KEY, events INTEGER NOT NULL, last_position BIGINT NOT NULL)');
  },
  async apply(tx, event: RecordedEvent) {
    await tx.query(
      `INSERT INTO bench_sql_counts (stream_id, events, last_position) VALUES ($1, 1, $2)
       ON CONFLICT (stream_id) DO UPDATE SET events = bench_sql_counts.events + 1, last_position = excluded.last_position`,
      [event.streamId, event.position],
    );
  },
};

const ormProjection: ReadModelProjection = {
  name: 'bench_orm_counts',
  version: 1,
  entities: [StreamCount],
  async apply(manager: EntityManager, event: RecordedEvent) {
    await manager
      .createQueryBuilder()
      .insert()
      .into(StreamCount)
      .values({ streamId: event.streamId, events: 1, lastPosition: event.position })
      .onConflict('(stream_id) DO UPDATE SET events = bench_orm_counts.events + 1, last_position = excluded.last_position')
      .execute();
  },
};

const bumpCompiled = compiledStatement(['streamId', 'position'], (manager, param) =>
  manager
    .createQueryBuilder()
    .insert()
    .into(StreamCountCompiled)
    .values({ streamId: param('streamId'), events: 1, lastPosition: param('position') })
    .onConflict('(stream_id) DO UPDATE SET events = bench_compiled_counts.events + 1, last_position = excluded.last_position'),
);

const compiledProjection: ReadModelProjection = {
  name: 'bench_compiled_counts',
  version: 1,
  entities: [StreamCountCompiled],
  apply: (manager: EntityManager, event: RecordedEvent) => bumpCompiled(manager, { streamId: event.streamId, position: event.position }),
};

async function preload(store: EventStore, events: number): Promise<void> {
  const batch = 100;
  for (let i = 0; i < events; i += batch) {
    const streamId = `task-${i % 500}`;
    await store.append(
      `${streamId}-${i}`,
      Array.from({ length: Math.min(batch, events - i) }, (_, j) => ({ id: uuidv7(), type: 'TaskNoted', data: { n: i + j, text: 'x'.repeat(200) }, metadata: testMetadata() })),
      { expectedVersion: 'any', streamType: 'task' },
    );
  }
}

/** Both projections must have applied every event, once: the counters add up to the log. */
async function expectCounted(store: EventStore, table: string, applied: number, events: number): Promise<void> {
  const [{ total }] = await store.db.query<{ total: number | string | null }>(`SELECT sum(events) AS total FROM ${table}`);
  if (applied !== events || Number(total) !== events) {
    throw new Error(`${store.engine} ${table}: rebuild applied ${applied} events, counted ${total}, expected ${events}`);
  }
}

interface Sample {
  readonly engine: string;
  readonly sql: number[];
  readonly orm: number[];
  readonly compiled: number[];
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const events = Number(flags.values.get('events') ?? byScale(flags, { full: 20_000, quick: 3000, smoke: 300 }));
  const repeat = Number(flags.values.get('repeat') ?? byScale(flags, { full: 3, quick: 1, smoke: 1 }));
  const samples: Sample[] = [];
  const cluster = await context.startPostgres({ fsync: false });
  const dir = mkdtempSync(join(tmpdir(), 'bench-read-models-'));
  try {
    for (const engine of ['postgres', 'sqlite'] as const) {
      const store = await openEventStore(engine === 'postgres' ? { databaseUrl: cluster.url } : { sqliteFile: join(dir, 'bench.sqlite') });
      const dataSource = createReadModelDataSource(store, [StreamCount, StreamCountCompiled]);
      await dataSource.initialize();
      try {
        log(`${engine}: loading ${formatInt(events)} events`);
        await preload(store, events);
        const runner = new ProjectionRunner(store, [sqlProjection, bindReadModelProjection(ormProjection, dataSource), bindReadModelProjection(compiledProjection, dataSource)], { log: () => undefined });
        await runner.prepare();
        const sample: Sample = { engine, sql: [], orm: [], compiled: [] };
        for (let r = 0; r < repeat; r += 1) {
          for (const [name, into] of [
            [sqlProjection.name, sample.sql],
            [ormProjection.name, sample.orm],
            [compiledProjection.name, sample.compiled],
          ] as const) {
            const timing = await timed(async () => (await runner.rebuild(name)).done);
            await expectCounted(store, name, timing.events, events);
            into.push(timing.perSecond);
            log(`${engine} ${name} #${r + 1}: ${formatInt(timing.perSecond)} events/s`);
          }
        }
        samples.push(sample);
      } finally {
        await dataSource.destroy();
        await store.close();
      }
    }
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows = samples.map((s) => {
    const sql = median(s.sql);
    const orm = median(s.orm);
    const compiled = median(s.compiled);
    const ratio = (value: number) => `${((value / sql) * 100).toFixed(0)} %`;
    return [s.engine, formatInt(sql), formatInt(orm), ratio(orm), formatInt(compiled), ratio(compiled)];
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), events, repeat, samples })}\n`);
    return;
  }
  process.stdout.write(
    `projection rebuild, ${formatInt(events)} events, median of ${repeat} (events/s; reference: hand-written SQL in the same run)\n` +
      formatTable(['engine', 'SQL (reference)', 'TypeORM query builder', '/ SQL', 'TypeORM compiled statement', '/ SQL'], rows, [1, 2, 3, 4, 5]) +
      '\n',
  );
}
