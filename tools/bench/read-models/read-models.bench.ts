import 'reflect-metadata';
import type { RecordedEvent } from '@camel/contracts';
import { openEventStore, ProjectionRunner, type EventStore, type Projection } from '@camel/event-store';
import { testMetadata } from '@camel/event-store/testing';
import { uuidv7 } from '@camel/kernel';
import { bindReadModelProjection, createReadModelDataSource, type ReadModelProjection } from '@camel/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, Entity, PrimaryColumn, type EntityManager } from 'typeorm';
import { formatInt, formatTable, log, machineInfo, parseFlags, timed, type BenchContext } from '../harness';

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

interface Sample {
  readonly engine: string;
  readonly sql: number[];
  readonly orm: number[];
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const events = Number(flags.values.get('events') ?? (flags.quick ? 3000 : 20_000));
  const repeat = Number(flags.values.get('repeat') ?? (flags.quick ? 1 : 3));
  const samples: Sample[] = [];
  const cluster = await context.startPostgres({ fsync: false });
  const dir = mkdtempSync(join(tmpdir(), 'bench-read-models-'));
  try {
    for (const engine of ['postgres', 'sqlite'] as const) {
      const store = await openEventStore(engine === 'postgres' ? { databaseUrl: cluster.url } : { sqliteFile: join(dir, 'bench.sqlite') });
      const dataSource = createReadModelDataSource(store, [StreamCount]);
      await dataSource.initialize();
      try {
        log(`${engine}: loading ${formatInt(events)} events`);
        await preload(store, events);
        const runner = new ProjectionRunner(store, [sqlProjection, bindReadModelProjection(ormProjection, dataSource)], { log: () => undefined });
        await runner.prepare();
        const sample: Sample = { engine, sql: [], orm: [] };
        for (let r = 0; r < repeat; r += 1) {
          for (const [name, into] of [[sqlProjection.name, sample.sql], [ormProjection.name, sample.orm]] as const) {
            const timing = await timed(async () => (await runner.rebuild(name)).done);
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
    return [s.engine, formatInt(sql), formatInt(orm), `${((orm / sql) * 100).toFixed(0)} %`];
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), events, repeat, samples })}\n`);
    return;
  }
  process.stdout.write(
    `projection rebuild, ${formatInt(events)} events, median of ${repeat} (events/s; reference: hand-written SQL in the same run)\n` +
      formatTable(['engine', 'SQL (reference)', 'TypeORM', 'TypeORM / SQL'], rows, [1, 2, 3]) +
      '\n',
  );
}
