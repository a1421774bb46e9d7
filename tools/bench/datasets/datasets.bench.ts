import 'reflect-metadata';
import type { DatasetAccepted, DatasetExportFormat, DatasetVersionView } from '@camel/contracts';
import { DatasetsReadModel } from '@camel/datasets/server';
import { MemoryPeak, measureExport, syntheticPairs, type ExportMeasurement } from '@camel/datasets/server/testing';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil } from '../../../apps/api/src/testing/poll-until';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, type BenchContext } from '../harness';

interface Row {
  readonly name: string;
  /** Throughput pass (no forced collections). */
  readonly m: ExportMeasurement;
  /** Memory pass (a full collection every 200 ms). */
  readonly memory: ExportMeasurement;
}

/**
 * Dataset export on the embedded default (SQLite), the api in this process: N imported pairs
 * downloaded over HTTP in each format while this process's peak heap is sampled. References in
 * the same run: reading the same rows through the read model's cursor alone (no formatting, no
 * HTTP: the floor of an export), and the same download held whole in memory (what a buffered export
 * costs in memory).
 */
export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const pairs = Number(flags.values.get('pairs') ?? byScale(flags, { full: 100_000, quick: 30_000, smoke: 2_000 }));
  const size = Number(flags.values.get('pair-size') ?? 300);
  const started = Date.now();
  const api = await startApi();
  try {
    const projectId = (await api.request('POST', '/api/projects', { name: 'Export bench' })).body.id as string;
    log(`importing ${formatInt(pairs)} pairs of ~${size} characters`);
    const importStarted = performance.now();
    const answer = await api.request('POST', `/api/projects/${projectId}/datasets/import`, { name: 'bench', content: syntheticPairs(pairs, size), split: { testRatio: 0.1, seed: 1 } });
    if (answer.status !== 201) throw new Error(`import answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    const made = answer.body as DatasetAccepted;
    const version = await pollUntil(
      'the import projected',
      async () => (await api.request('GET', `/api/projects/${projectId}/datasets/${made.id}/versions/${made.datasetVersion}`)).body as DatasetVersionView,
      (view) => view.counts?.pairs === pairs,
      { timeoutMs: 600_000, intervalMs: 200 },
    );
    const importSeconds = (performance.now() - importStarted) / 1000;
    const url = (format: DatasetExportFormat) => `${api.baseUrl}/api/projects/${projectId}/datasets/${made.id}/versions/${made.datasetVersion}/export?format=${format}`;
    const rows: Row[] = [];
    const check = async (name: string, measure: (live: boolean) => Promise<ExportMeasurement>, expectedLines: number) => {
      log(name);
      const m = await measure(false);
      const memory = await measure(true);
      for (const pass of [m, memory]) if (pass.lines !== expectedLines) throw new Error(`${name}: ${pass.lines} lines, expected ${expectedLines}`);
      rows.push({ name, m, memory });
    };
    for (const format of ['standard', 'conversational', 'csv'] as const) {
      await check(`export ${format} (streamed)`, (live) => measureExport(url(format), api.ownerToken, { live }), format === 'csv' ? pairs + 1 : pairs);
    }
    await check('ref: cursor only (no format, no HTTP)', (live) => cursorOnly(api.app.get(DatasetsReadModel), made.id, made.datasetVersion, live), pairs);
    await check('ref: standard, held whole', (live) => measureExport(url('standard'), api.ownerToken, { hold: true, live }), pairs);
    const again = await measureExport(url('standard'), api.ownerToken);
    if (again.bytes !== rows[0].m.bytes) throw new Error('two exports of one version differ in size');
    const seconds = (Date.now() - started) / 1000;
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ machine: machineInfo(), pairs, size, importSeconds, contentHash: version.contentHash, rows, seconds })}\n`);
      return;
    }
    const table = formatTable(
      ['variant', 'pairs', 'MB', 'seconds', 'pairs/s', 'peak live heap MB', 'peak heap MB'],
      rows.map((r) => [r.name, formatInt(r.m.lines), (r.m.bytes / 2 ** 20).toFixed(1), r.m.seconds.toFixed(2), formatInt(r.m.lines / r.m.seconds), r.memory.liveMb.toFixed(1), r.m.heapMb.toFixed(1)]),
      [1, 2, 3, 4, 5, 6],
    );
    const machine = machineInfo();
    process.stdout.write(
      `dataset export, ${formatInt(pairs)} pairs (~${size} characters each), SQLite, api in this process (throughput and peak heap from a pass without forced collections; peak live heap from a second pass with a full collection every 200 ms)\n${table}\n` +
        `import: ${formatInt(pairs)} pairs in ${importSeconds.toFixed(1)} s (${formatInt(pairs / importSeconds)}/s, request to projected); whole run ${seconds.toFixed(0)} s\n` +
        `machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.platform}\n`,
    );
  } finally {
    await api.close();
  }
}

const OWNER = { email: 'bench@example.test', password: 'bench-password-123' };

/** The real api on a fresh embedded data directory, in this process (configured before its modules load). */
async function startApi() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-datasets-'));
  Object.assign(process.env, {
    DATA_DIR: dir,
    DATABASE_URL: '',
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    JWT_SECRET: process.env['JWT_SECRET'] ?? 'bench-jwt-secret-of-at-least-thirty-two-characters',
    CONFIGS_DIR: join(tmpdir(), 'camel-no-sample-configs'),
    PROJECTION_WAIT_MS: '60000',
  });
  const { createApiApp } = require('../../../apps/api/src/bootstrap') as { createApiApp(options: { logger: false }): Promise<INestApplication> };
  const app = await createApiApp({ logger: false });
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(OWNER) });
  const ownerToken = ((await login.json()) as { accessToken: string }).accessToken;
  return {
    app,
    baseUrl,
    ownerToken,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${ownerToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function cursorOnly(datasets: DatasetsReadModel, datasetId: string, version: number, live: boolean): Promise<ExportMeasurement> {
  const meter = new MemoryPeak(live);
  meter.start();
  const started = performance.now();
  let lines = 0;
  let bytes = 0;
  for await (const page of datasets.cursor(datasetId, version, 'all')) {
    lines += page.length;
    for (const row of page) bytes += row.prompt.length + row.chosen.length + row.rejected.length;
    meter.sample();
  }
  return { lines, bytes, seconds: (performance.now() - started) / 1000, ...meter.stop() };
}
