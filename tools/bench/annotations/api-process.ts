/**
 * The product under load, in its own process (forked through the gateway benchmark's child.cjs):
 * the real api from createApiApp(), configured by the environment the parent set (DATABASE_URL or
 * DATA_DIR…), on a free loopback port. On `seed` it fills the logs read model with the entries a
 * queue is made of: the logs benchmark's corpus rows (the same rows its load checks against the
 * logs projection), re-homed in the bench's project and inserted through the api's own entities on
 * the store's connection.
 */
import 'reflect-metadata';
import type { EventStore } from '@camel/event-store';
import { EVENT_STORE, entityManagerFor } from '@camel/server';
import { LogEntryRecord, LogRunRecord } from '@camel/workflows/server';
import { getDataSourceToken } from '@nestjs/typeorm';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { createApiApp } from '../../../apps/api/src/bootstrap';
import { BulkRows, type EntryRow } from '../logs/bulk-rows';
import { corpusEvents } from '../logs/corpus';
import type { ApiReply, ApiRequest } from './protocol';
import { installStatementCounter, startCounting, stopCounting } from './statement-count';

/** 25 columns a row stays under SQLite's bound-parameter limit. */
const ROWS_PER_INSERT = 500;

const send = (message: ApiReply): void => {
  process.send?.(message);
};

async function main(): Promise<void> {
  if (process.env['BENCH_COUNT_STATEMENTS'] === '1') installStatementCounter();
  const app = await createApiApp();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const store = app.get<EventStore>(EVENT_STORE);
  const dataSource = app.get<DataSource>(getDataSourceToken());

  const seed = async (projectId: string, count: number): Promise<string[]> => {
    const rows = new BulkRows();
    const ids: string[] = [];
    let pendingRuns: LogRunRecord[] = [];
    let pendingEntries: EntryRow[] = [];
    // On the store's connection (SQLite has one writer), as the logs benchmark loads its rows.
    const flush = async () => {
      const batch = { runs: pendingRuns, entries: pendingEntries };
      pendingRuns = [];
      pendingEntries = [];
      await store.db.transaction(async (tx) => {
        const manager = entityManagerFor(dataSource, tx);
        for (let i = 0; i < batch.runs.length; i += ROWS_PER_INSERT) await manager.insert(LogRunRecord, batch.runs.slice(i, i + ROWS_PER_INSERT));
        for (let i = 0; i < batch.entries.length; i += ROWS_PER_INSERT) await manager.insert(LogEntryRecord, batch.entries.slice(i, i + ROWS_PER_INSERT));
      });
    };
    for (const event of corpusEvents(count)) {
      const finished = rows.add(event);
      if (!finished) continue;
      pendingRuns.push({ ...finished.run, projectId });
      for (const entry of finished.entries) {
        pendingEntries.push({ ...entry, projectId });
        ids.push(entry.id);
      }
      if (pendingEntries.length >= 10_000) await flush();
    }
    await flush();
    return ids.slice(0, count);
  };

  const session = new Session();
  const profiler = {
    async connect() {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };

  const handle = async (message: ApiRequest): Promise<void> => {
    switch (message.type) {
      case 'seed': {
        const started = Date.now();
        const entryIds = await seed(message.projectId, message.entries);
        return send({ type: 'seeded', entryIds, seconds: (Date.now() - started) / 1000 });
      }
      case 'profile-start':
        await profiler.connect();
        return send({ type: 'profiling' });
      case 'profile-stop':
        writeFileSync(message.path, JSON.stringify(await profiler.stop()));
        return send({ type: 'profiled', path: message.path });
      case 'count-start':
        startCounting();
        return send({ type: 'counting' });
      case 'count-stop':
        return send({ type: 'counted', statements: stopCounting() });
      case 'stop':
        await app.close();
        process.exit(0);
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unknown request ${JSON.stringify(unknown)}`);
      }
    }
  };
  process.on('message', (message: ApiRequest) => {
    handle(message).catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
