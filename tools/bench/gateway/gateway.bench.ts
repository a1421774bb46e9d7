/**
 * Live-events gateway under load: N socket.io clients subscribed to the api on loopback while a
 * writer appends at a fixed rate; commit → client-receive latency, and exactly-once, in-order
 * delivery to every client.
 *
 *   node tools/bench/run.mjs gateway [--quick|--smoke] [--json] [--clients=100,1000] [--rate=500]
 *     [--seconds=10] [--warmup=3] [--engines=postgres,sqlite] [--client=light|raw|typed]
 *     [--client-procs=2] [--streams=4] [--cpu-prof[=<dir>]] [--variant=shipped|plain-emit]
 *
 * Processes: the api (createApiApp in a child process), the clients (spread over --client-procs
 * child processes), and this one. PostgreSQL: a throwaway cluster with fsync on, a new database per
 * row, the writer here (the event store library, another process than the api: delivery crosses
 * LISTEN/NOTIFY as it will from apps/worker). SQLite: the writer runs inside the api's process
 * (nothing wakes the api from another process). Results in docs/benchmarks/gateway.md.
 */
import { openEventStore, type EventStore } from '@camel/event-store';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, pickNames, scaleOf, type BenchContext, type Scale } from '../harness';
import { PostgresEnvironment } from '../event-store/targets';
import { nowMs } from './clock';
import { Histogram, type LatencySummary } from './histogram';
import { summarizeProfile, type ProfileLine } from './cpu-profile';
import { Child } from './processes';
import { CpuMeter, memoryMiB, postmasterPid, processTree } from './proc-stats';
import {
  VARIANTS,
  type Variant,
  type ApiReply,
  type ApiRequest,
  type ClientCounts,
  type ClientKind,
  type ClientReply,
  type ClientRequest,
  type Engine,
  type FanoutTrace,
  type WriterConfig,
  type WriterResult,
} from './protocol';
import { runWriter } from './writer';

const TARGET_P99_MS = 50;
const DRAIN_TIMEOUT_MS = 60_000;

interface Options {
  readonly clients: number[];
  readonly engines: Engine[];
  readonly writer: Omit<WriterConfig, 'warmupSeconds' | 'seconds'>;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly kind: ClientKind;
  readonly clientProcs: number;
  /** Directory for the api's --cpu-prof output, when asked. */
  readonly cpuProfDir: string | null;
  /** Gateway variant the api runs (variants.ts). */
  readonly variant: Variant;
}

interface RowResult {
  readonly engine: Engine;
  readonly clients: number;
  readonly rate: number;
  readonly kind: ClientKind;
  readonly variant: string;
  readonly sent: number;
  readonly writtenTotal: number;
  readonly expected: number;
  readonly counts: ClientCounts;
  readonly latency: LatencySummary;
  readonly commitToFanout: LatencySummary;
  readonly fanoutToReceive: LatencySummary;
  readonly fanoutPerBatch: LatencySummary;
  readonly eventsPerBatch: number;
  readonly eventsPerMessage: number;
  readonly appendLatency: LatencySummary;
  readonly writerRate: number;
  readonly writerMaxLagMs: number;
  readonly writerGaveUp: boolean;
  readonly cpuPercent: Record<string, number>;
  readonly apiRssMiB: number;
  readonly apiPeakRssMiB: number;
  readonly clientLoopDelayP99Ms: number;
  readonly connectSeconds: number;
  readonly drainMs: number;
  readonly drained: boolean;
  readonly cpuProfile: string | null;
  /** The api's CPU profile over the measured window, when --cpu-prof. */
  profile: { functions: ProfileLine[]; areas: ProfileLine[]; busy: number } | null;
}

type ApiChild = Child<ApiRequest, ApiReply>;
type ClientChild = Child<ClientRequest, ClientReply>;

const histogramOf = (values: Iterable<number>): Histogram => {
  const histogram = new Histogram();
  for (const value of values) histogram.add(value);
  return histogram;
};

/** Where the engine's data lives for one row, and who writes. */
interface RowEnvironment {
  readonly apiEnv: NodeJS.ProcessEnv;
  /** PostgreSQL: the writer's own store in this process. SQLite: null (the api writes). */
  readonly writerStore: EventStore | null;
  dispose(): Promise<void>;
}

async function prepareRow(engine: Engine, postgres: PostgresEnvironment | null): Promise<RowEnvironment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'camel-bench-gateway-'));
  const apiEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PORT: '0',
    // The owner the api creates at first start; api-process.ts signs in as it for the clients' token.
    ADMIN_EMAIL: 'bench-owner@example.test',
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    // A token's expiry ends its connections: no row may outlive it.
    ACCESS_TOKEN_TTL: '86400',
  };
  for (const key of ['NODE_ENV', 'REDIS_URL', 'CONSOLE_DIR', 'DATABASE_URL', 'HOST']) delete apiEnv[key];
  if (engine === 'sqlite') {
    return { apiEnv, writerStore: null, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!postgres) throw new Error('postgres environment missing');
  const database = await postgres.createDatabase();
  apiEnv['DATABASE_URL'] = database.url;
  // Production mode (a database URL) refuses to start without a signing secret.
  apiEnv['JWT_SECRET'] = randomBytes(32).toString('base64url');
  // Migrated here first; the api's own migrate() then finds nothing to do.
  const writerStore = await openEventStore({ databaseUrl: database.url, poolSize: 4, applicationName: 'bench-writer' });
  return {
    apiEnv,
    writerStore,
    dispose: async () => {
      await writerStore.close();
      await writerStore.db.close().catch(() => undefined);
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measureRow(
  engine: Engine,
  clientCount: number,
  options: Options,
  postgres: PostgresEnvironment | null,
  children: Set<{ kill(): void }>,
): Promise<RowResult> {
  const { result, window } = await measureRowRaw(engine, clientCount, options, postgres, children);
  // The api has exited: its profile is on disk.
  if (result.cpuProfile && window) {
    try {
      result.profile = summarizeProfile(result.cpuProfile, window);
    } catch (error) {
      log(`  could not read ${result.cpuProfile}: ${String(error)}`);
    }
  }
  return result;
}

async function measureRowRaw(
  engine: Engine,
  clientCount: number,
  options: Options,
  postgres: PostgresEnvironment | null,
  children: Set<{ kill(): void }>,
): Promise<{ result: RowResult; window: { fromMs: number; toMs: number } | null }> {
  const environment = await prepareRow(engine, postgres);
  let api: ApiChild | null = null;
  const clientChildren: ClientChild[] = [];
  try {
    const execArgv: string[] = [];
    let cpuProfile: string | null = null;
    if (options.cpuProfDir) {
      cpuProfile = join(options.cpuProfDir, `api-${engine}-${clientCount}.cpuprofile`);
      execArgv.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=api-${engine}-${clientCount}.cpuprofile`);
    }
    const env = { ...environment.apiEnv, BENCH_GATEWAY_VARIANT: options.variant };
    api = Child.start<ApiRequest, ApiReply>('api', 'api-process.ts', { env, execArgv });
    children.add(api);
    const ready = await api.next();
    if (ready.type !== 'ready') throw new Error(`api: expected ready, got ${ready.type}`);
    const url = `http://127.0.0.1:${ready.port}`;
    log(`  api pid ${api.pid} at ${url}`);

    const procs = Math.max(1, Math.min(options.clientProcs, clientCount));
    const connectStart = nowMs();
    let firstIndex = 0;
    for (let p = 0; p < procs; p += 1) {
      const count = Math.floor(clientCount / procs) + (p < clientCount % procs ? 1 : 0);
      const child = Child.start<ClientRequest, ClientReply>(`clients-${p}`, 'client-process.ts');
      children.add(child);
      clientChildren.push(child);
      child.send({ type: 'start', url, token: ready.token, kind: options.kind, firstIndex, count, after: 0 });
      firstIndex += count;
    }
    for (const child of clientChildren) {
      const reply = await child.next();
      if (reply.type !== 'ready') throw new Error(`${child.name}: expected ready, got ${reply.type}`);
    }
    const connectSeconds = (nowMs() - connectStart) / 1000;
    log(`  ${clientCount} clients subscribed in ${connectSeconds.toFixed(1)} s; writing ${options.warmupSeconds} s warm-up + ${options.seconds} s`);

    const port = postgres ? Number(new URL(postgres.url).port) : 0;
    const postmaster = postgres ? postmasterPid(port) : null;
    const apiPid = api.pid;
    const meter = new CpuMeter(() => ({
      api: [apiPid],
      clients: clientChildren.map((c) => c.pid),
      postgres: postmaster ? processTree(postmaster) : [],
      bench: [process.pid],
    }));
    let memory = { rss: NaN, peak: NaN };
    let cpuPercent: Record<string, number> = {};
    // The measured window on the wall clock: the writer's schedule, warm-up excluded.
    let meterStopped = false;
    const measuredWindow = { fromMs: NaN, toMs: NaN };
    const stopMeter = () => {
      if (meterStopped) return;
      meterStopped = true;
      memory = memoryMiB(apiPid);
      // A writer that gave up during the warm-up leaves no window to measure.
      if (Number.isNaN(measuredWindow.fromMs)) return;
      measuredWindow.toMs = nowMs();
      cpuPercent = meter.stop();
    };
    const meterStart = setTimeout(() => {
      measuredWindow.fromMs = nowMs();
      meter.start();
    }, options.warmupSeconds * 1000);
    const meterStop = setTimeout(stopMeter, (options.warmupSeconds + options.seconds) * 1000);

    const config: WriterConfig = { ...options.writer, warmupSeconds: options.warmupSeconds, seconds: options.seconds };
    let written: WriterResult;
    if (environment.writerStore) {
      written = await runWriter(environment.writerStore, config);
    } else {
      const reply = await api.request({ type: 'write', config }, 'written', (config.warmupSeconds + config.seconds) * 1000 + 120_000);
      written = reply.result;
    }
    const writtenAt = nowMs();
    clearTimeout(meterStart);
    clearTimeout(meterStop);
    stopMeter();

    const lastPosition = written.positions.reduce((a, b) => Math.max(a, b), 0);
    let drained = true;
    for (const child of clientChildren) {
      const reply = await child.request({ type: 'wait-for', position: lastPosition, timeoutMs: DRAIN_TIMEOUT_MS }, 'reached', DRAIN_TIMEOUT_MS + 10_000);
      if (!reply.ok) {
        drained = false;
        log(`  ${child.name}: ${reply.behind} clients never reached position ${lastPosition}`);
      }
    }
    const drainMs = nowMs() - writtenAt;

    const { trace } = await api.request({ type: 'trace' }, 'trace');
    const report = buildReport(written, trace);
    const commitToReceive = new Histogram();
    const fanoutToReceive = new Histogram();
    let counts: ClientCounts | null = null;
    let loopDelayP99 = 0;
    for (const child of clientChildren) {
      const result = await child.request({ type: 'report', ...report.forClients }, 'result');
      commitToReceive.merge(result.commitToReceive);
      fanoutToReceive.merge(result.fanoutToReceive);
      loopDelayP99 = Math.max(loopDelayP99, result.loopDelayP99);
      counts = counts ? addCounts(counts, result.counts) : result.counts;
    }
    if (!counts) throw new Error('no client results');

    const sent = written.measured.reduce((a, b) => a + b, 0);
    const result: RowResult = {
      engine,
      clients: clientCount,
      rate: options.writer.rate,
      kind: options.kind,
      variant: options.variant,
      sent,
      writtenTotal: written.positions.length,
      expected: sent * clientCount,
      counts,
      latency: commitToReceive.summary(),
      commitToFanout: report.commitToFanout.summary(),
      fanoutToReceive: fanoutToReceive.summary(),
      fanoutPerBatch: report.fanoutPerBatch.summary(),
      eventsPerBatch: report.eventsPerBatch,
      eventsPerMessage: counts.events / Math.max(1, counts.messages),
      appendLatency: histogramFrom(written.appendLatency).summary(),
      writerRate: written.measuredRate,
      writerMaxLagMs: written.maxScheduleLagMs,
      writerGaveUp: written.gaveUp,
      cpuPercent,
      apiRssMiB: memory.rss,
      apiPeakRssMiB: memory.peak,
      clientLoopDelayP99Ms: loopDelayP99,
      connectSeconds,
      drainMs,
      drained,
      cpuProfile,
      profile: null,
    };
    return { result, window: Number.isNaN(measuredWindow.toMs) ? null : measuredWindow };
  } finally {
    await Promise.all(clientChildren.map((c) => c.stop({ type: 'stop' }, 5000)));
    for (const child of clientChildren) children.delete(child);
    if (api) {
      await api.stop({ type: 'stop' });
      children.delete(api);
    }
    await environment.dispose();
  }
}

const histogramFrom = (serialized: Parameters<Histogram['merge']>[0]): Histogram => {
  const histogram = new Histogram();
  histogram.merge(serialized);
  return histogram;
};

function addCounts(a: ClientCounts, b: ClientCounts): ClientCounts {
  const sum = {} as Record<keyof ClientCounts, number>;
  for (const key of Object.keys(a) as (keyof ClientCounts)[]) sum[key] = a[key] + b[key];
  return sum;
}

/** Joins the writer's commits with the api's fanout trace, by position. */
function buildReport(written: WriterResult, trace: FanoutTrace) {
  const order = written.positions.map((_, i) => i).sort((a, b) => written.positions[a] - written.positions[b]);
  const fanoutAt = new Map<number, number>();
  trace.positions.forEach((position, i) => {
    if (!fanoutAt.has(position)) fanoutAt.set(position, trace.times[i]);
  });
  const positions = order.map((i) => written.positions[i]);
  const commitTimes = order.map((i) => written.commitTimes[i]);
  const measured = order.map((i) => written.measured[i]);
  const fanoutTimes = positions.map((p) => fanoutAt.get(p) ?? NaN);

  const commitToFanout = new Histogram();
  let measuredFrom = Infinity;
  positions.forEach((_, i) => {
    if (!measured[i]) return;
    measuredFrom = Math.min(measuredFrom, commitTimes[i]);
    if (!Number.isNaN(fanoutTimes[i])) commitToFanout.add(fanoutTimes[i] - commitTimes[i]);
  });
  // Batches of the measured window: those that arrived after its first commit.
  const batches = trace.batchTimes.map((_, i) => i).filter((i) => trace.batchTimes[i] >= measuredFrom);
  const fanoutPerBatch = histogramOf(batches.map((i) => trace.batchDurations[i]));
  const eventsPerBatch = batches.reduce((sum, i) => sum + trace.batchSizes[i], 0) / Math.max(1, batches.length);
  return { forClients: { positions, commitTimes, fanoutTimes, measured }, commitToFanout, fanoutPerBatch, eventsPerBatch };
}

function positiveNumber(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${what} must be a positive number, got ${value}`);
  return n;
}

function parseOptions(context: BenchContext): { options: Options; scale: Scale; json: boolean } {
  const flags = parseFlags(context.args);
  const known = ['clients', 'rate', 'seconds', 'warmup', 'engines', 'client', 'client-procs', 'streams', 'cpu-prof', 'variant'];
  for (const key of flags.values.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}; known: ${known.join(', ')}`);
  const v = flags.values;
  const clients = (v.get('clients') ?? byScale(flags, { full: '100,1000', quick: '100,1000', smoke: '10' })).split(',').map((s) => positiveNumber(s.trim(), 0, 'clients'));
  const kind = pickNames<ClientKind>(v.get('client'), ['raw', 'typed', 'light'], ['light'], 'client kind');
  if (kind.length !== 1) throw new Error('--client takes one of raw, typed, light');
  let cpuProfDir: string | null = null;
  if (v.has('cpu-prof')) {
    cpuProfDir = v.get('cpu-prof') === 'true' ? mkdtempSync(join(tmpdir(), 'camel-bench-gateway-prof-')) : resolve(v.get('cpu-prof') ?? '');
    mkdirSync(cpuProfDir, { recursive: true });
  }
  return {
    scale: scaleOf(flags),
    json: flags.json,
    options: {
      clients: clients.map(Math.round),
      engines: pickNames<Engine>(v.get('engines'), ['postgres', 'sqlite'], byScale<Engine[]>(flags, { full: ['postgres'], quick: ['postgres'], smoke: ['postgres', 'sqlite'] }), 'engine'),
      writer: { rate: positiveNumber(v.get('rate'), byScale(flags, { full: 500, quick: 500, smoke: 100 }), 'rate'), streams: Math.round(positiveNumber(v.get('streams'), 4, 'streams')) },
      seconds: positiveNumber(v.get('seconds'), byScale(flags, { full: 10, quick: 3, smoke: 1 }), 'seconds'),
      warmupSeconds: positiveNumber(v.get('warmup'), byScale(flags, { full: 3, quick: 1, smoke: 0.5 }), 'warmup'),
      kind: kind[0],
      clientProcs: Math.round(positiveNumber(v.get('client-procs'), 2, 'client-procs')),
      cpuProfDir,
      variant: pickNames<Variant>(v.get('variant'), VARIANTS, ['shipped'], 'variant')[0],
    },
  };
}

/** Not every event reached every client exactly once, in order; or there was nothing to check. */
const incorrect = (r: RowResult): boolean =>
  r.counts.missing + r.counts.duplicates + r.counts.outOfOrder + r.counts.unexpected > 0 || !r.drained || r.writtenTotal === 0;

const ms = (n: number): string => (Number.isNaN(n) ? '-' : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));
const pct = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(0));

export async function run(context: BenchContext): Promise<void> {
  const { options, scale, json } = parseOptions(context);
  const children = new Set<{ kill(): void }>();
  let postgres: PostgresEnvironment | null = null;
  const cleanup = async () => {
    for (const child of children) child.kill();
    children.clear();
    const environment = postgres;
    postgres = null;
    await environment?.close().catch((e: unknown) => log(String(e)));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const started = Date.now();
  const results: RowResult[] = [];
  const failures: string[] = [];
  const engineInfo: Record<string, Record<string, string>> = {};
  try {
    for (const engine of options.engines) {
      log(`${engine}: starting`);
      if (engine === 'postgres') {
        postgres = await PostgresEnvironment.start(context, { fsync: scale !== 'smoke' });
        engineInfo[engine] = await postgres.describe();
      } else {
        engineInfo[engine] = { journal_mode: 'wal', synchronous: 'normal' };
      }
      for (const clientCount of options.clients) {
        log(`${engine}, ${clientCount} clients, ${options.writer.rate} events/s:`);
        let result: RowResult;
        try {
          result = await measureRow(engine, clientCount, options, postgres, children);
        } catch (error) {
          log(`  failed: ${String(error)}`);
          failures.push(`${engine}, ${formatInt(clientCount)} clients: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        results.push(result);
        log(
          `  p50 ${ms(result.latency.p50)} / p99 ${ms(result.latency.p99)} / max ${ms(result.latency.max)} ms; ` +
            `delivered ${formatInt(result.counts.delivered)} of ${formatInt(result.expected)}; missing ${result.counts.missing}, ` +
            `duplicates ${result.counts.duplicates}, out of order ${result.counts.outOfOrder}; api CPU ${pct(result.cpuPercent['api'])} %`,
        );
      }
      if (postgres) {
        const environment: PostgresEnvironment = postgres;
        postgres = null;
        await environment.close();
      }
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const info = {
    mode: scale,
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
    client: options.kind,
    clientProcesses: options.clientProcs,
    streams: options.writer.streams,
    variant: options.variant,
    machine: machineInfo(),
    engines: engineInfo,
  };
  // A row that delivered wrongly fails the run like a row that crashed: --smoke relies on it.
  if (failures.length || results.some(incorrect)) process.exitCode = 1;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...info, targetP99Ms: TARGET_P99_MS, results, failures }, null, 2)}\n`);
    return;
  }
  const m = info.machine;
  const lines = [
    `gateway benchmark (${info.mode}, ${((Date.now() - started) / 1000).toFixed(0)} s): nproc ${m.nproc}, ${m.cpu}, node ${m.node}`,
    `${info.warmupSeconds} s warm-up + ${info.seconds} s measured per row; ${info.client} socket.io clients in ${info.clientProcesses} processes; ` +
      `1 event per append over ${info.streams} streams; gateway: ${info.variant}`,
    ...Object.entries(engineInfo).map(([engine, s]) => `${engine}: ${Object.entries(s).map(([k, val]) => `${k}=${val}`).join(' ')}`),
    '',
    formatTable(
      ['clients', 'rate/s', 'engine', 'sent', 'expected', 'delivered', 'missing', 'dup', 'order', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'api CPU %', 'api RSS MiB'],
      results.map((r) => [
        formatInt(r.clients),
        `${formatInt(r.writerRate)}${r.writerGaveUp ? ' !' : ''}`,
        r.engine,
        formatInt(r.sent),
        formatInt(r.expected),
        formatInt(r.counts.delivered),
        formatInt(r.counts.missing),
        formatInt(r.counts.duplicates),
        formatInt(r.counts.outOfOrder),
        ms(r.latency.p50),
        ms(r.latency.p95),
        `${ms(r.latency.p99)}${r.latency.p99 >= TARGET_P99_MS ? ' *' : ''}`,
        ms(r.latency.max),
        pct(r.cpuPercent['api']),
        r.apiRssMiB.toFixed(0),
      ]),
      [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    ),
    '',
    'where the time goes (p50 / p99 ms; CPU in % of one core, measured window):',
    formatTable(
      ['clients', 'engine', 'commit→api read', 'api read→client', 'fanout/batch', 'events/batch', 'append', 'client lag p99', 'CPU api', 'clients', 'postgres', 'bench', 'other', 'machine %'],
      results.map((r) => [
        formatInt(r.clients),
        r.engine,
        `${ms(r.commitToFanout.p50)} / ${ms(r.commitToFanout.p99)}`,
        `${ms(r.fanoutToReceive.p50)} / ${ms(r.fanoutToReceive.p99)}`,
        `${ms(r.fanoutPerBatch.p50)} / ${ms(r.fanoutPerBatch.p99)}`,
        r.eventsPerBatch.toFixed(1),
        `${ms(r.appendLatency.p50)} / ${ms(r.appendLatency.p99)}`,
        ms(r.clientLoopDelayP99Ms),
        pct(r.cpuPercent['api']),
        pct(r.cpuPercent['clients']),
        pct(r.cpuPercent['postgres']),
        pct(r.cpuPercent['bench']),
        pct(r.cpuPercent['other']),
        pct(r.cpuPercent['machine']),
      ]),
      [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    ),
    '',
    `sent: events appended in the measured window (rate/s: as achieved); expected = sent × clients; delivered: first receipts of`,
    `those. missing / dup / order: over every event written, warm-up included, summed over clients (must be 0).`,
    `latency: the writer's append() resolved → the client's message handler ran (CLOCK_MONOTONIC, shared by all processes).`,
    `other: CPU of processes outside the benchmark (other work on the machine skews the numbers when it is high).`,
    `* p99 at or above the ${TARGET_P99_MS} ms target.`,
  ];
  if (results.some((r) => r.writerGaveUp)) {
    lines.push('! the writer fell more than 10 s behind its schedule and stopped early: the system cannot sustain that rate.');
  }
  for (const failure of failures) lines.push(`row failed: ${failure}`);
  if (results.some(incorrect)) {
    lines.push('!! some clients did not receive every event exactly once, in order (or never caught up, or nothing was written): see the counts above.');
  }
  for (const r of results) {
    if (!r.cpuProfile) continue;
    lines.push('', `api CPU profile, ${r.engine}, ${formatInt(r.clients)} clients: ${r.cpuProfile}`);
    if (!r.profile) continue;
    const p = r.profile;
    lines.push(`  measured window: JavaScript thread busy ${(100 * p.busy).toFixed(0)} % of the time; self time, % of busy:`);
    const rows = Math.max(p.areas.length, p.functions.length);
    lines.push(
      formatTable(
        ['%', 'area', '%', 'function'],
        Array.from({ length: rows }, (_, i) => [
          p.areas[i] ? p.areas[i].percent.toFixed(1) : '',
          p.areas[i]?.name ?? '',
          p.functions[i] ? p.functions[i].percent.toFixed(1) : '',
          p.functions[i]?.name ?? '',
        ]),
        [0, 2],
      )
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
