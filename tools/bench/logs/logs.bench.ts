import 'reflect-metadata';
import { openEventStore } from '@camel/event-store';
import { createReadModelDataSource } from '@camel/server';
import { logsProjection, LogEntryRecord, LogsReadModel } from '@camel/workflows/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, pickNames, type BenchContext } from '../harness';
import { loadLogs, type LoadResult } from './load';
import { cursorOfPage, DEEP_PAGE, measureCases, percentile, queryCases, type CaseTiming } from './queries';

const ENGINES = ['postgres', 'sqlite'] as const;
type Engine = (typeof ENGINES)[number];

interface EngineResult {
  readonly engine: Engine;
  readonly load: LoadResult;
  readonly cases: CaseTiming[];
}

/**
 * The logs explorer's queries over N entries on each engine: LogsReadModel.page (what the api's
 * ListLogEntries handler calls) on the logs projection's tables, each sample beside the primary-key
 * fetch of the same rows as the reference.
 */
export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const entries = Number(flags.values.get('entries') ?? byScale(flags, { full: 1_000_000, quick: 100_000, smoke: 3_000 }));
  const samples = Number(flags.values.get('samples') ?? byScale(flags, { full: 300, quick: 100, smoke: 5 }));
  const engines = pickNames(flags.values.get('engines'), ENGINES, ENGINES, 'engine');
  if (!Number.isInteger(entries) || entries < DEEP_PAGE * 50 + 1) throw new Error(`--entries must be an integer above ${DEEP_PAGE * 50}`);
  const started = Date.now();
  const results: EngineResult[] = [];
  const cluster = engines.includes('postgres') ? await context.startPostgres({ fsync: true }) : null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-logs-'));
  try {
    for (const engine of engines) results.push(await measureEngine(engine, engine === 'postgres' ? { databaseUrl: cluster?.url } : { sqliteFile: join(dir, 'logs.sqlite') }, entries, samples));
  } finally {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), entries, samples, seconds, results })}\n`);
    return;
  }
  process.stdout.write(report(results, entries, samples, seconds));
}

async function measureEngine(engine: Engine, location: { databaseUrl?: string; sqliteFile?: string }, entries: number, samples: number): Promise<EngineResult> {
  const store = await openEventStore(location);
  const dataSource = createReadModelDataSource(store, [...logsProjection.entities]);
  await dataSource.initialize();
  try {
    log(`${engine}: loading ${formatInt(entries)} entries`);
    const load = await loadLogs(store, dataSource, entries);
    log(`${engine}: ${formatInt(load.entries)} entries in ${load.seconds.toFixed(0)} s`);
    // What autovacuum does by itself after a load this size; the throwaway cluster is told at once.
    if (engine === 'postgres') await store.db.exec('ANALYZE log_entries');
    const repository = dataSource.getRepository(LogEntryRecord);
    const logs = new LogsReadModel(repository, store);
    log(`${engine}: ${samples} rounds of ${queryCases('').length} queries`);
    const cases = await measureCases(logs, repository, queryCases(await cursorOfPage(logs, DEEP_PAGE)), samples, Math.min(20, samples));
    return { engine, load, cases };
  } finally {
    await dataSource.destroy();
    await store.close();
  }
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

function report(results: readonly EngineResult[], entries: number, samples: number, seconds: number): string {
  const rows = results.flatMap((result) =>
    result.cases.map((c) => {
      const reference = percentile(c.reference, 0.5);
      const p50 = percentile(c.query, 0.5);
      return [result.engine, c.name, String(c.rows), ms(p50), ms(percentile(c.query, 0.95)), ms(reference), ms(percentile(c.reference, 0.95)), `${(p50 / reference).toFixed(1)}×`];
    }),
  );
  const loads = results.map((r) => `${r.engine} ${formatInt(r.load.entries)} entries in ${r.load.seconds.toFixed(0)} s (${formatInt(r.load.entries / r.load.seconds)}/s)`).join(', ');
  const projected = results[0]?.load.projectedEvents ?? 0;
  const machine = machineInfo();
  return (
    `log search, ${formatInt(entries)} entries, ${samples} samples per row (ms; reference: the same rows fetched by primary key, in the same run)\n` +
    formatTable(['engine', 'query', 'rows', 'p50', 'p95', 'ref p50', 'ref p95', 'p50 / ref'], rows, [2, 3, 4, 5, 6, 7]) +
    `\nloaded: ${loads}; the first ${formatInt(projected)} events through the projection, the rest as the same rows in bulk; whole run ${seconds.toFixed(0)} s\n` +
    `machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.platform}\n`
  );
}
