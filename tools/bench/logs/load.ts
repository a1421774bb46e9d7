import type { RecordedEvent } from '@camel/contracts';
import { ProjectionRunner, type EventStore } from '@camel/event-store';
import { bindReadModelProjection, entityManagerFor } from '@camel/server';
import { LogEntryRecord, logsProjection, LogRunRecord } from '@camel/workflows/server';
import { isDeepStrictEqual } from 'node:util';
import { In, type DataSource } from 'typeorm';
import { formatInt, log } from '../harness';
import { BulkRows, type EntryRow } from './bulk-rows';
import { corpusEvents } from './corpus';

/** Runs whose events go through the projection itself: the reference the bulk rows are checked against. */
const PROJECTED_RUNS = 100;
/** Rows per INSERT: 25 columns each stays under SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 500;
const ROWS_PER_TRANSACTION = 10_000;

export interface LoadResult {
  readonly projectedEvents: number;
  readonly entries: number;
  readonly seconds: number;
}

/**
 * Fills the logs read model. The product's ProjectionRunner creates the tables, indexes, tsvector
 * column and FTS5 triggers. The first PROJECTED_RUNS runs go through the projection's own `apply`
 * on projector transactions (~800 events/s here: a million would take 20 minutes per engine); the
 * rest are the same rows (BulkRows) inserted through the same entities, 500 per statement, so every
 * index, the generated tsvector and the FTS5 triggers are maintained row by row as in the product.
 * The bulk rows of the projected runs must equal what the projection wrote, or the load stops.
 */
export async function loadLogs(store: EventStore, dataSource: DataSource, entries: number): Promise<LoadResult> {
  const projection = bindReadModelProjection(logsProjection, dataSource);
  await new ProjectionRunner(store, [projection], { log: () => undefined }).prepare();
  const started = Date.now();
  const rows = new BulkRows();
  const projectedEvents: RecordedEvent[] = [];
  const expected: EntryRow[] = [];
  let runs = 0;
  let loaded = 0;
  let pending: { runs: LogRunRecord[]; entries: EntryRow[] } = { runs: [], entries: [] };
  let reported = started;
  const flush = async () => {
    const batch = pending;
    pending = { runs: [], entries: [] };
    await store.db.transaction(async (tx) => {
      const manager = entityManagerFor(dataSource, tx);
      for (let i = 0; i < batch.runs.length; i += ROWS_PER_INSERT) await manager.insert(LogRunRecord, batch.runs.slice(i, i + ROWS_PER_INSERT));
      for (let i = 0; i < batch.entries.length; i += ROWS_PER_INSERT) await manager.insert(LogEntryRecord, batch.entries.slice(i, i + ROWS_PER_INSERT));
    });
    loaded += batch.entries.length;
    if (Date.now() - reported > 10_000) {
      reported = Date.now();
      log(`  ${formatInt(loaded)} entries (${formatInt(loaded / ((reported - started) / 1000))}/s)`);
    }
  };

  for (const event of corpusEvents(entries)) {
    const finished = rows.add(event);
    if (runs < PROJECTED_RUNS) {
      projectedEvents.push(event);
      if (finished) expected.push(...finished.entries);
    } else if (finished) {
      pending.runs.push(finished.run);
      pending.entries.push(...finished.entries);
      if (pending.entries.length >= ROWS_PER_TRANSACTION) await flush();
    }
    if (finished) runs += 1;
  }
  await store.db.transaction(async (tx) => {
    for (const event of projectedEvents) await projection.apply(tx, event);
  });
  loaded += expected.length;
  await flush();
  await checkShape(dataSource, expected);
  return { projectedEvents: projectedEvents.length, entries: loaded, seconds: (Date.now() - started) / 1000 };
}

async function checkShape(dataSource: DataSource, expected: readonly EntryRow[]): Promise<void> {
  const written = await dataSource.getRepository(LogEntryRecord).findBy({ id: In(expected.map((row) => row.id)) });
  const byId = new Map(written.map((row) => [row.id, { ...row, annotated: Boolean(row.annotated) }]));
  for (const row of expected) {
    const actual = byId.get(row.id);
    if (!isDeepStrictEqual({ ...actual }, { ...row })) {
      throw new Error(`bulk rows differ from the projection's: ${JSON.stringify(row)} vs ${JSON.stringify(actual)}`);
    }
  }
}
