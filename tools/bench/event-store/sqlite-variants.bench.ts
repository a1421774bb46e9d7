/**
 * Experiments behind the SQLite notes of docs/benchmarks/event-store.md: the SQLite write rows done
 * with the adapter's exact statements on a raw sqlite3 connection, then with prepared statements, a
 * merged lookup, and group commit. Nothing here is used by the product.
 *
 * A second table times only the INSERT of batches of 100 events (in BEGIN IMMEDIATE ... COMMIT)
 * into variants of the events table: which index or column makes the batch row cost what it does.
 *
 *   node tools/bench/run.mjs event-store/sqlite-variants [--quick|--smoke] [--json]
 */
import { computeEventHash, normalizeAppend, openEventStore, type NewEvent } from '@camel/event-store';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { byScale, concurrently, formatInt, formatTable, log, parseFlags, timed, type BenchContext, type Timing } from '../harness';
import { benchEvent } from './payload';
import { BATCH, SIZES, STREAMS, WRITERS, type Sizes } from './rows';

type Mode = 'unprepared' | 'prepared' | 'prepared-merged';

interface Variant {
  readonly key: string;
  readonly description: string;
  readonly mode: Mode | 'adapter';
  /** Concurrent appends share one transaction (group commit). */
  readonly grouped?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { key: 'adapter', description: 'store.append (SqliteEventStore)', mode: 'adapter' },
  {
    key: 'raw-unprepared',
    description: "the adapter's 5 statements (BEGIN IMMEDIATE, id lookup, head lookup, INSERT RETURNING, COMMIT), each prepared per call",
    mode: 'unprepared',
  },
  { key: 'raw-prepared', description: 'the same 5 statements, prepared once and reused', mode: 'prepared' },
  {
    key: 'raw-prepared-merged',
    description: 'prepared, id lookup and head lookup merged into one SELECT (4 statements)',
    mode: 'prepared-merged',
  },
  {
    key: 'raw-prepared-merged-grouped',
    description: 'as above, concurrent appends queued and committed together (group commit)',
    mode: 'prepared-merged',
    grouped: true,
  },
];

type Params = readonly unknown[];

class Connection {
  private readonly statements = new Map<string, sqlite3.Statement>();
  constructor(readonly db: sqlite3.Database, private readonly prepared: boolean) {}

  static async open(file: string, prepared: boolean): Promise<Connection> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (e) => (e ? reject(e) : resolve(d)));
    });
    const connection = new Connection(db, prepared);
    await connection.all('PRAGMA journal_mode = WAL');
    await connection.all('PRAGMA synchronous = NORMAL');
    return connection;
  }

  all<T>(sql: string, params: Params = []): Promise<T[]> {
    if (!this.prepared) {
      return new Promise((resolve, reject) => this.db.all(sql, params, (e, rows) => (e ? reject(e) : resolve(rows as T[]))));
    }
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    const s = statement;
    return new Promise((resolve, reject) => s.all(params, (e: Error | null, rows: unknown[]) => (e ? reject(e) : resolve(rows as T[]))));
  }

  async close(): Promise<void> {
    for (const statement of this.statements.values()) await new Promise<void>((resolve) => statement.finalize(() => resolve()));
    await new Promise<void>((resolve, reject) => this.db.close((e) => (e ? reject(e) : resolve())));
  }
}

const placeholders = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `?${from + i}`).join(', ');

/** The adapter's append (sqlite-event-store.ts) inside an open write transaction. */
async function appendIn(connection: Connection, merged: boolean, streamId: string, events: readonly NewEvent[], expected: number | 'any'): Promise<number> {
  const input = normalizeAppend(streamId, events, { expectedVersion: expected });
  const ids = input.events.map((e) => e.id);
  let current: number;
  let prevHash: string;
  if (merged) {
    const [row] = await connection.all<{ existing: number; v: number | null; h: string | null }>(
      `SELECT (SELECT count(*) FROM events WHERE event_id IN (${placeholders(ids.length, 2)})) AS existing,
              (SELECT stream_version FROM events WHERE stream_id = ?1 ORDER BY stream_version DESC LIMIT 1) AS v,
              (SELECT hash FROM events WHERE stream_id = ?1 ORDER BY stream_version DESC LIMIT 1) AS h`,
      [input.streamId, ...ids],
    );
    if (row.existing > 0) throw new Error('duplicate path not exercised by this benchmark');
    current = row.v ?? 0;
    prevHash = row.h ?? '';
  } else {
    const existing = await connection.all(
      `SELECT position, stream_id, stream_version FROM events WHERE event_id IN (${placeholders(ids.length)}) ORDER BY position`,
      ids,
    );
    if (existing.length > 0) throw new Error('duplicate path not exercised by this benchmark');
    const head = await connection.all<{ stream_version: number; hash: string }>(
      'SELECT stream_version, hash FROM events WHERE stream_id = ?1 ORDER BY stream_version DESC LIMIT 1',
      [input.streamId],
    );
    current = head[0]?.stream_version ?? 0;
    prevHash = head[0]?.hash ?? '';
  }
  if (expected !== 'any' && expected !== current) throw new Error(`expected ${expected}, found ${current}`);
  const rows = input.events.map((event, index) => {
    const streamVersion = current + index + 1;
    const dataText = JSON.stringify(event.data);
    const metadataText = JSON.stringify(event.metadata);
    prevHash = computeEventHash({
      prevHash,
      streamId: input.streamId,
      streamType: input.streamType,
      streamVersion,
      eventId: event.id,
      type: event.type,
      schemaVersion: event.schemaVersion,
      dataText,
      metadataText,
    });
    return [input.streamId, input.streamType, streamVersion, event.id, event.type, event.schemaVersion, dataText, metadataText, prevHash];
  });
  const values = rows.map((_, r) => `(${placeholders(9, r * 9 + 1)})`).join(', ');
  await connection.all(
    `INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash)
     VALUES ${values} RETURNING position`,
    rows.flat(),
  );
  return current + rows.length;
}

interface Appender {
  append(streamId: string, events: readonly NewEvent[], expected: number | 'any'): Promise<number>;
  close(): Promise<void>;
}

async function openAppender(file: string, variant: Variant): Promise<Appender> {
  if (variant.mode === 'adapter') {
    const store = await openEventStore({ sqliteFile: file });
    return {
      append: async (streamId, events, expected) =>
        (await store.append(streamId, events, { expectedVersion: expected })).nextExpectedVersion,
      close: () => store.close(),
    };
  }
  const connection = await Connection.open(file, variant.mode !== 'unprepared');
  const merged = variant.mode === 'prepared-merged';
  const inTransaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    await connection.all('BEGIN IMMEDIATE');
    try {
      const result = await fn();
      await connection.all('COMMIT');
      return result;
    } catch (error) {
      await connection.all('ROLLBACK').catch(() => undefined);
      throw error;
    }
  };
  if (!variant.grouped) {
    // One transaction at a time, like the adapter's write mutex.
    let tail: Promise<unknown> = Promise.resolve();
    return {
      append: (streamId, events, expected) => {
        const result = tail.then(() => inTransaction(() => appendIn(connection, merged, streamId, events, expected)));
        tail = result.catch(() => undefined);
        return result;
      },
      close: () => connection.close(),
    };
  }
  // Group commit: appends that arrive while a transaction runs share the next one.
  interface Pending {
    readonly args: [string, readonly NewEvent[], number | 'any'];
    readonly resolve: (v: number) => void;
    readonly reject: (e: unknown) => void;
  }
  let queue: Pending[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queue.length > 0) {
      const group = queue;
      queue = [];
      try {
        const results = await inTransaction(async () => {
          const out: number[] = [];
          for (const p of group) out.push(await appendIn(connection, merged, ...p.args));
          return out;
        });
        group.forEach((p, i) => p.resolve(results[i]));
      } catch (error) {
        group.forEach((p) => p.reject(error));
      }
    }
    running = false;
  };
  return {
    append: (...args) =>
      new Promise<number>((resolve, reject) => {
        queue.push({ args, resolve, reject });
        if (!running) void drain();
      }),
    close: () => connection.close(),
  };
}

const streamOf = (n: number) => `task-${n % STREAMS}`;
const batchOf = (start: number, size: number) => Array.from({ length: size }, (_, i) => benchEvent(start + i));

/** `events`: how many events the row leaves in the log, checked after it (a variant that loses appends fails). */
const ROWS: readonly { key: string; events: (s: Sizes) => number; run: (a: Appender, s: Sizes) => Promise<Timing> }[] = [
  {
    key: 'sequential',
    events: (s) => s.sequentialWarmup + s.sequential,
    async run(appender, sizes) {
      let version = 0;
      for (let i = 0; i < sizes.sequentialWarmup; i += 1) version = await appender.append('task-warmup', [benchEvent(i)], version);
      version = 0;
      return timed(async () => {
        for (let i = 0; i < sizes.sequential; i += 1) version = await appender.append('task-1', [benchEvent(i)], version);
        return sizes.sequential;
      });
    },
  },
  {
    key: 'concurrent',
    events: (s) => s.concurrentWarmup + s.concurrent,
    async run(appender, sizes) {
      const op = async (i: number) => {
        await appender.append(streamOf(Math.floor(Math.random() * STREAMS)), [benchEvent(i)], 'any');
      };
      await concurrently(sizes.concurrentWarmup, WRITERS, op);
      return timed(async () => {
        await concurrently(sizes.concurrent, WRITERS, op);
        return sizes.concurrent;
      });
    },
  },
  {
    key: 'batch',
    events: (s) => (s.batchWarmup + s.batches) * BATCH,
    async run(appender, sizes) {
      for (let b = 0; b < sizes.batchWarmup; b += 1) await appender.append(streamOf(b), batchOf(b * BATCH, BATCH), 'any');
      return timed(async () => {
        for (let b = 0; b < sizes.batches; b += 1) await appender.append(streamOf(b), batchOf(b * BATCH, BATCH), 'any');
        return sizes.batches * BATCH;
      });
    },
  },
];


const EVENT_COLUMNS = `stream_id TEXT NOT NULL, stream_type TEXT NOT NULL, stream_version INTEGER NOT NULL, event_id TEXT NOT NULL,
  event_type TEXT NOT NULL, schema_version INTEGER NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, hash TEXT NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const UNIQUE_ID = 'CONSTRAINT events_event_id_key UNIQUE (event_id)';
const UNIQUE_VERSION = 'CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)';

/** The shipped table (sqlite/migrations.ts) and variants of it; `orderedIds`: time-ordered event ids (like UUIDv7). */
const SCHEMAS: readonly { key: string; ddl: string; orderedIds?: boolean }[] = [
  { key: 'shipped table, random UUIDv4 ids', ddl: `position INTEGER PRIMARY KEY AUTOINCREMENT, ${EVENT_COLUMNS}, ${UNIQUE_ID}, ${UNIQUE_VERSION}` },
  {
    key: 'shipped table, time-ordered ids',
    ddl: `position INTEGER PRIMARY KEY AUTOINCREMENT, ${EVENT_COLUMNS}, ${UNIQUE_ID}, ${UNIQUE_VERSION}`,
    orderedIds: true,
  },
  { key: 'without AUTOINCREMENT', ddl: `position INTEGER PRIMARY KEY, ${EVENT_COLUMNS}, ${UNIQUE_ID}, ${UNIQUE_VERSION}` },
  { key: 'without the event_id index', ddl: `position INTEGER PRIMARY KEY AUTOINCREMENT, ${EVENT_COLUMNS}, ${UNIQUE_VERSION}` },
  { key: 'without both unique indexes', ddl: `position INTEGER PRIMARY KEY AUTOINCREMENT, ${EVENT_COLUMNS}` },
];

async function expectEvents(file: string, expected: number, what: string): Promise<void> {
  const store = await openEventStore({ sqliteFile: file });
  try {
    const actual = await store.countAfter(0, Number.MAX_SAFE_INTEGER);
    if (actual !== expected) throw new Error(`${what}: expected ${expected} events in the log, found ${actual}`);
  } finally {
    await store.close();
  }
}

async function insertOnly(file: string, schema: (typeof SCHEMAS)[number], sizes: Sizes): Promise<Timing> {
  const connection = await Connection.open(file, false);
  try {
    await connection.all(`CREATE TABLE events (${schema.ddl})`);
    let seconds = 0;
    const total = sizes.batchWarmup + sizes.batches;
    for (let b = 0; b < total; b += 1) {
      const rows = batchOf(b * BATCH, BATCH).map((event, i) => {
        const n = b * BATCH + i;
        const id = schema.orderedIds ? n.toString(16).padStart(8, '0') + event.id.slice(8) : event.id;
        const data = JSON.stringify(event.data);
        const metadata = JSON.stringify(event.metadata);
        const hash = createHash('sha256').update(`${id}\n${data}\n${metadata}`).digest('hex');
        return [streamOf(b), 'task', i + 1 + Math.floor(b / STREAMS) * BATCH, id, event.type, 1, data, metadata, hash];
      });
      const values = rows.map((_, r) => `(${placeholders(9, r * 9 + 1)})`).join(', ');
      const start = performance.now();
      await connection.all('BEGIN IMMEDIATE');
      await connection.all(
        `INSERT INTO events (stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash)
         VALUES ${values}`,
        rows.flat(),
      );
      await connection.all('COMMIT');
      if (b >= sizes.batchWarmup) seconds += (performance.now() - start) / 1000;
    }
    const events = sizes.batches * BATCH;
    return { events, seconds, perSecond: events / seconds };
  } finally {
    await connection.close();
  }
}

const INSERT_COLUMNS = 'stream_id, stream_type, stream_version, event_id, event_type, schema_version, data, metadata, hash';

/**
 * One event per commit, no BEGIN/COMMIT (an autocommit statement, as the adapter's one-statement
 * append and the ceiling run it), prepared once: what the table itself costs a single append.
 */
const SINGLES: readonly { key: string; ddl: string; sql: string; params: (i: number, event: NewEvent) => Params }[] = [
  {
    key: 'bare table (id, data): the ceiling',
    ddl: 'id INTEGER PRIMARY KEY, data TEXT',
    sql: 'INSERT INTO events (data) VALUES (?)',
    params: (_, event) => [JSON.stringify({ streamId: 'task-1', id: event.id, type: event.type, data: event.data, metadata: event.metadata })],
  },
  {
    key: 'shipped events table, INSERT … RETURNING',
    ddl: `position INTEGER PRIMARY KEY AUTOINCREMENT, ${EVENT_COLUMNS}, ${UNIQUE_ID}, ${UNIQUE_VERSION}`,
    sql: `INSERT INTO events (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING position`,
    params: (i, event) => ['task-1', 'task', i + 1, event.id, event.type, 1, JSON.stringify(event.data), JSON.stringify(event.metadata), `h${i}`],
  },
  {
    key: 'shipped events table, guarded (the adapter’s statement)',
    ddl: `position INTEGER PRIMARY KEY AUTOINCREMENT, ${EVENT_COLUMNS}, ${UNIQUE_ID}, ${UNIQUE_VERSION}`,
    sql: `INSERT INTO events (${INSERT_COLUMNS}) SELECT * FROM (VALUES (?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))
           WHERE ?2 = 0 OR EXISTS (SELECT 1 FROM events WHERE stream_id = ?1 AND stream_version = ?2 AND hash = ?3) RETURNING position`,
    params: (i, event) => ['task-1', i, `h${i - 1}`, 'task-1', 'task', i + 1, event.id, event.type, 1, JSON.stringify(event.data), JSON.stringify(event.metadata), `h${i}`],
  },
  {
    key: 'events table without AUTOINCREMENT',
    ddl: `position INTEGER PRIMARY KEY, ${EVENT_COLUMNS}, ${UNIQUE_ID}, ${UNIQUE_VERSION}`,
    sql: `INSERT INTO events (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING position`,
    params: (i, event) => ['task-1', 'task', i + 1, event.id, event.type, 1, JSON.stringify(event.data), JSON.stringify(event.metadata), `h${i}`],
  },
];

async function singleInserts(file: string, single: (typeof SINGLES)[number], sizes: Sizes): Promise<Timing> {
  const connection = await Connection.open(file, true);
  try {
    await connection.all(`CREATE TABLE events (${single.ddl})`);
    const events = Array.from({ length: sizes.sequential }, (_, i) => benchEvent(i));
    return await timed(async () => {
      for (const [i, event] of events.entries()) await connection.all(single.sql, single.params(i, event));
      return events.length;
    });
  } finally {
    await connection.close();
  }
}

export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const sizes = byScale(flags, SIZES);
  const dir = mkdtempSync(join(tmpdir(), 'camel-bench-sqlite-variants-'));
  const results: { variant: string; row: string; timing: Timing }[] = [];
  const schemaResults: { schema: string; timing: Timing }[] = [];
  const singleResults: { single: string; timing: Timing }[] = [];
  let files = 0;
  try {
    for (const row of ROWS) {
      for (const variant of VARIANTS) {
        files += 1;
        const file = join(dir, `v${files}.sqlite`);
        await (await openEventStore({ sqliteFile: file })).close(); // the adapter's schema
        const appender = await openAppender(file, variant);
        try {
          const timing = await row.run(appender, sizes);
          results.push({ variant: variant.key, row: row.key, timing });
          log(`  ${variant.key} ${row.key}: ${formatInt(timing.perSecond)}/s`);
        } finally {
          await appender.close();
        }
        await expectEvents(file, row.events(sizes), `${variant.key} ${row.key}`);
      }
    }
    for (const schema of SCHEMAS) {
      files += 1;
      const timing = await insertOnly(join(dir, `v${files}.sqlite`), schema, sizes);
      schemaResults.push({ schema: schema.key, timing });
      log(`  insert only, ${schema.key}: ${formatInt(timing.perSecond)}/s`);
    }
    for (const single of SINGLES) {
      files += 1;
      const timing = await singleInserts(join(dir, `v${files}.sqlite`), single, sizes);
      singleResults.push({ single: single.key, timing });
      log(`  single inserts, ${single.key}: ${formatInt(timing.perSecond)}/s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ sizes, variants: VARIANTS, results, schemaResults, singleResults }, null, 2)}\n`);
    return;
  }
  const table = formatTable(
    ['variant', ...ROWS.map((r) => `${r.key} events/s`)],
    VARIANTS.map((v) => [
      v.key,
      ...ROWS.map((r) => formatInt(results.find((x) => x.variant === v.key && x.row === r.key)?.timing.perSecond ?? NaN)),
    ]),
    ROWS.map((_, i) => i + 1),
  );
  const schemaTable = formatTable(
    ['events table (insert of 100-event batches only)', 'events/s'],
    schemaResults.map((r) => [r.schema, formatInt(r.timing.perSecond)]),
    [1],
  );
  const singleTable = formatTable(
    ['one event per autocommit INSERT, sequential', 'events/s', '% of bare table'],
    singleResults.map((r) => [r.single, formatInt(r.timing.perSecond), `${Math.floor((100 * r.timing.perSecond) / singleResults[0].timing.perSecond + 1e-9)} %`]),
    [1, 2],
  );
  process.stdout.write(
    `SQLite append variants\n\n${table}\n\n${VARIANTS.map((v) => `${v.key}: ${v.description}`).join('\n')}\n\n${schemaTable}\n\n${singleTable}\n`,
  );
}
