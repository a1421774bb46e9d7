import type { CreateQueueResult, NextItemResult, QueueProgress, SubmitResponseResult } from '@camel/contracts';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Child } from '../gateway/processes';
import { byScale, formatInt, formatTable, log, machineInfo, parseFlags, pickNames, type BenchContext } from '../harness';
import { random } from '../logs/corpus';
import { percentile } from '../logs/queries';
import type { ApiReply, ApiRequest } from './protocol';

const ENGINES = ['postgres', 'sqlite'] as const;
type Engine = (typeof ENGINES)[number];
const OWNER = { email: 'bench@example.test', password: 'bench-owner-password-1' } as const;
/** Entry ids per add request (the api takes up to 100,000; smaller bodies keep each add short). */
const ADD_CHUNK = 5_000;
/** How often one annotator asks again after a wrong "nothing left" before the run stops. */
const MAX_ASK_AGAIN = 50;

interface Options {
  readonly items: number;
  readonly annotators: number;
  /** Next + submit rounds measured, over all annotators. */
  readonly rounds: number;
  /**
   * Mean think time in ms between one annotator's rounds (exponentially distributed, seeded): 0 is
   * the closed loop (everyone asks again at once, so p95 is mostly queueing); a few seconds is how
   * people work (`--think=MS`).
   */
  readonly thinkMs: number;
  /** A directory for a V8 CPU profile of the api during the measured rounds (`--cpu-prof=DIR`). */
  readonly cpuProfileDir: string | null;
  /** Count the api's SQL statements during the measured rounds, by kind (`--count-statements`). */
  readonly countStatements: boolean;
}

interface Samples {
  readonly next: number[];
  readonly submit: number[];
  /** next + submit of one round, as the annotator waits for it. */
  readonly round: number[];
  /** The reference: an authenticated read of the project by the same clients, in the same run. */
  readonly reference: number[];
  /** next-item answers "nothing left for you" while open items remained (asked again, as the console's "Look again"). */
  falseEmpty: number;
}

interface EngineResult {
  readonly engine: Engine;
  readonly samples: Samples;
  readonly seedSeconds: number;
  readonly queueSeconds: number;
  readonly measureSeconds: number;
  /** Statements during the measured rounds by kind (with `--count-statements`). */
  readonly statements: Readonly<Record<string, number>> | null;
}

class Client {
  constructor(
    private readonly baseUrl: string,
    public token = '',
  ) {}

  async request<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async signIn(email: string, password: string): Promise<void> {
    this.token = (await this.request<{ accessToken: string }>('POST', '/api/auth/login', { email, password })).accessToken;
  }
}

/**
 * The Annotate page's loop under load: `annotators` people on one queue of `items` log entries,
 * each asking for the next item (which reserves it) and submitting an answer, all at once, against
 * the real api in its own process on PostgreSQL and on SQLite. Beside it, in the same run and from
 * the same clients, an authenticated read of the project (GET /api/projects/:id) is the reference:
 * what any request costs on this machine. Checks: every submission is accepted and counted once,
 * no item is handed to two people, and the queue's progress ends at exactly the rounds submitted.
 */
export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const number = (name: string, fallback: number) => {
    const value = Number(flags.values.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const options: Options = {
    items: number('items', byScale(flags, { full: 100_000, quick: 20_000, smoke: 400 })),
    annotators: number('annotators', byScale(flags, { full: 50, quick: 50, smoke: 5 })),
    rounds: number('rounds', byScale(flags, { full: 5_000, quick: 2_000, smoke: 60 })),
    thinkMs: Number(flags.values.get('think') ?? 0),
    cpuProfileDir: flags.values.get('cpu-prof') ?? null,
    countStatements: flags.values.get('count-statements') === 'true',
  };
  if (!Number.isFinite(options.thinkMs) || options.thinkMs < 0) throw new Error('--think must be a number of milliseconds ≥ 0');
  if (options.rounds > options.items) throw new Error('--rounds must not exceed --items (one answer per item)');
  const engines = pickNames(flags.values.get('engines'), ENGINES, ENGINES, 'engine');
  const started = Date.now();
  const cluster = engines.includes('postgres') ? await context.startPostgres({ fsync: true }) : null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-annotations-'));
  const results: EngineResult[] = [];
  try {
    for (const engine of engines) {
      const location = engine === 'postgres' ? { DATABASE_URL: cluster?.url } : { DATA_DIR: join(dir, 'data') };
      results.push(await measureEngine(engine, location, dir, options));
    }
  } finally {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    const summary = results.map((r) => ({
      engine: r.engine,
      falseEmpty: r.samples.falseEmpty,
      ...(r.statements ? { statementsPerRound: perRound(r.statements, r.samples.round.length) } : {}),
      ...Object.fromEntries((['next', 'submit', 'round', 'reference'] as const).map((k) => [k, summarize(r.samples[k])])),
    }));
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), options, seconds, results: summary })}\n`);
  } else process.stdout.write(report(results, options, seconds));
  // A wrong "nothing left" is a failed check, reported after the figures so they are still shown.
  const wrong = results.filter((r) => r.samples.falseEmpty > 0);
  if (wrong.length > 0) {
    log(`check failed: next-item answered "nothing left" while items remained (${wrong.map((r) => `${r.engine}: ${r.samples.falseEmpty}`).join(', ')})`);
    process.exitCode = 1;
  }
}

async function measureEngine(engine: Engine, location: Record<string, string | undefined>, dir: string, options: Options): Promise<EngineResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...location,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    // Production mode (a database URL) needs a signing secret; the embedded default makes its own.
    JWT_SECRET: randomBytes(32).toString('base64url'),
    CONFIGS_DIR: join(dir, 'no-sample-configs'),
    LOGIN_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT_IP: '100000',
    ...(options.countStatements ? { BENCH_COUNT_STATEMENTS: '1' } : {}),
  };
  if (engine === 'sqlite') delete env['DATABASE_URL'];
  delete env['REDIS_URL'];
  const api = Child.start<ApiRequest, ApiReply>(`api (${engine})`, '../annotations/api-process.ts', { env });
  try {
    const ready = await api.next();
    if (ready.type !== 'ready') throw new Error(`api: expected ready, got ${ready.type}`);
    const baseUrl = `http://127.0.0.1:${ready.port}`;
    const owner = new Client(baseUrl);
    await owner.signIn(OWNER.email, OWNER.password);
    const projectId = (await owner.request<{ id: string }>('POST', '/api/projects', { name: 'Annotation bench' }, 201)).id;

    log(`${engine}: ${formatInt(options.items)} log entries`);
    const seeded = await api.request({ type: 'seed', projectId, entries: options.items }, 'seeded', 1_800_000);
    if (seeded.entryIds.length !== options.items) throw new Error(`${engine}: seeded ${seeded.entryIds.length} entries, wanted ${options.items}`);

    // Members one at a time: every add is a decision on the project's stream.
    const people = Array.from({ length: options.annotators }, (_, i) => ({ email: `annotator-${i}@example.test`, name: `Annotator ${i}`, password: `annotator-password-${i}-long` }));
    for (const person of people) {
      const user = await owner.request<{ id: string }>('POST', '/api/users', person, 201);
      await owner.request('POST', `/api/projects/${projectId}/members`, { userId: user.id, role: 'annotator' }, 201);
    }
    const annotators = await Promise.all(
      people.map(async (person) => {
        const client = new Client(baseUrl);
        await client.signIn(person.email, person.password);
        return client;
      }),
    );

    log(`${engine}: one queue of ${formatInt(options.items)} items for ${options.annotators} annotators`);
    const queueStarted = Date.now();
    const queue = await owner.request<CreateQueueResult>('POST', `/api/projects/${projectId}/annotation-queues`, { name: 'Bench queue', kind: 'single', responsesRequired: 1, blind: true }, 201);
    let added = 0;
    for (let i = 0; i < seeded.entryIds.length; i += ADD_CHUNK) {
      const result = await owner.request<{ added: number }>('POST', `/api/projects/${projectId}/annotation-queues/${queue.id}/items`, { source: { entryIds: seeded.entryIds.slice(i, i + ADD_CHUNK) } });
      added += result.added;
    }
    if (added !== options.items) throw new Error(`${engine}: ${added} items added, wanted ${options.items}`);
    const queueSeconds = (Date.now() - queueStarted) / 1000;

    const queuePath = `/api/projects/${projectId}/annotation-queues/${queue.id}`;
    // Warm-up, not measured: a round per annotator opens connections and warms the code paths.
    const warmup = await rounds(annotators, annotators.length, queuePath, null, 0);
    const referencePath = `/api/projects/${projectId}`;
    log(`${engine}: ${formatInt(options.rounds)} rounds of next + submit from ${options.annotators} annotators`);
    if (options.cpuProfileDir) await api.request({ type: 'profile-start' }, 'profiling');
    if (options.countStatements) await api.request({ type: 'count-start' }, 'counting');
    const measureStarted = performance.now();
    const samples = await rounds(annotators, options.rounds, queuePath, referencePath, options.thinkMs);
    const measureSeconds = (performance.now() - measureStarted) / 1000;
    const statements = options.countStatements ? (await api.request({ type: 'count-stop' }, 'counted')).statements : null;
    if (options.cpuProfileDir) log(`${engine}: CPU profile ${(await api.request({ type: 'profile-stop', path: join(options.cpuProfileDir, `api-${engine}.cpuprofile`) }, 'profiled')).path}`);

    // Every submission counted once: the queue's progress says exactly how many items were answered.
    const expected = warmup.items.size + samples.items.size;
    if (warmup.submitted + samples.submitted !== expected) throw new Error(`${engine}: an item was handed out twice (${warmup.submitted + samples.submitted} answers for ${expected} items)`);
    const progress = await owner.request<QueueProgress>('GET', `${queuePath}/progress`);
    if (progress.counts.completed !== expected || progress.counts.responses !== expected) {
      throw new Error(`${engine}: progress says ${progress.counts.completed} completed / ${progress.counts.responses} responses, ${expected} were submitted`);
    }
    return { engine, samples: samples.samples, seedSeconds: seeded.seconds, queueSeconds, measureSeconds, statements };
  } finally {
    await api.stop({ type: 'stop' });
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * `total` rounds from every annotator's loop at once: next (reserves an item), then submit a rating;
 * with a reference path, each loop also reads it once per round, timed apart. With a think time,
 * each annotator pauses before every round (exponential with that mean, a seeded draw per annotator).
 */
async function rounds(
  annotators: readonly Client[],
  total: number,
  queuePath: string,
  referencePath: string | null,
  thinkMs: number,
): Promise<{ samples: Samples; items: Set<string>; submitted: number }> {
  const samples: Samples = { next: [], submit: [], round: [], reference: [], falseEmpty: 0 };
  const items = new Set<string>();
  let started = 0;
  let submitted = 0;
  await Promise.all(
    annotators.map(async (client, index) => {
      const draw = random(index + 1);
      for (;;) {
        if (thinkMs > 0) await sleep(-thinkMs * Math.log(1 - draw()));
        if (started >= total) return;
        started += 1;
        if (referencePath) {
          const t = performance.now();
          await client.request('GET', referencePath);
          samples.reference.push(performance.now() - t);
        }
        let t0 = performance.now();
        let { work } = await client.request<NextItemResult>('POST', `${queuePath}/next`);
        // The queue holds more open items than rounds: "nothing left" is wrong; counted, asked again.
        for (let again = 0; !work; again++) {
          samples.falseEmpty += 1;
          if (again >= MAX_ASK_AGAIN) throw new Error(`annotator ${index}: no item left ${again} times in a row while ${total - started} rounds remain`);
          t0 = performance.now();
          ({ work } = await client.request<NextItemResult>('POST', `${queuePath}/next`));
        }
        const t1 = performance.now();
        if (items.has(work.item.id)) throw new Error(`annotator ${index} was handed item ${work.item.id}, already answered`);
        items.add(work.item.id);
        const answer = await client.request<SubmitResponseResult>('POST', `${queuePath}/items/${work.item.id}/responses`, { value: { rating: 1 + (started % 5) } }, 201);
        const t2 = performance.now();
        if (answer.extra) throw new Error(`item ${work.item.id}: the answer was not counted`);
        submitted += 1;
        samples.next.push(t1 - t0);
        samples.submit.push(t2 - t1);
        samples.round.push(t2 - t0);
      }
    }),
  );
  return { samples, items, submitted };
}

/** Statements per measured round (next + submit + the reference read), by kind, most first, and the total. */
function perRound(statements: Readonly<Record<string, number>>, roundCount: number): Record<string, number> {
  const entries = Object.entries(statements).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const round = (n: number) => Math.round((n / roundCount) * 100) / 100;
  return { total: round(total), ...Object.fromEntries(entries.map(([kind, n]) => [kind, round(n)])) };
}

/** Rows `kind | engine…` of statements per round, the total first. */
function statementTable(results: readonly EngineResult[]): string {
  const counted = results.filter((r) => r.statements);
  if (counted.length === 0) return '';
  const tables = counted.map((r) => perRound(r.statements ?? {}, r.samples.round.length));
  const kinds = [...new Set(tables.flatMap((t) => Object.keys(t)))];
  const rows = kinds.map((kind) => [kind, ...tables.map((t) => (t[kind] ?? 0).toFixed(2))]);
  return `\nSQL statements per round (next + submit + reference read), counted at the drivers:\n${formatTable(['statement', ...counted.map((r) => r.engine)], rows, counted.map((_, i) => i + 1))}\n`;
}

const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const summarize = (values: readonly number[]) => ({ count: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99) });

function report(results: readonly EngineResult[], options: Options, seconds: number): string {
  const rows = results.flatMap((result) => {
    const reference = summarize(result.samples.reference);
    const line = (name: string, values: readonly number[]) => {
      const s = summarize(values);
      return [result.engine, name, formatInt(s.count), ms(s.p50), ms(s.p95), ms(s.p99), ms(reference.p50), ms(reference.p95), `${(s.p95 / reference.p95).toFixed(1)}×`];
    };
    return [line('next item', result.samples.next), line('submit', result.samples.submit), line('next + submit', result.samples.round)];
  });
  const empties = results.map((r) => `${r.engine} ${formatInt(r.samples.falseEmpty)}`).join(', ');
  const setup = results
    .map((r) => `${r.engine}: entries ${r.seedSeconds.toFixed(0)} s, queue ${r.queueSeconds.toFixed(0)} s, ${formatInt(r.samples.round.length / r.measureSeconds)} rounds/s`)
    .join('; ');
  const machine = machineInfo();
  return (
    `annotation queue: ${options.annotators} annotators at once on one queue of ${formatInt(options.items)} items, ${formatInt(options.rounds)} rounds measured, ` +
    `${options.thinkMs > 0 ? `think time ${formatInt(options.thinkMs)} ms mean between rounds` : 'closed loop (no think time)'} (ms; guidance: next + submit p95 < 30 ms;\n` +
    `reference: GET /api/projects/:id by the same clients in the same run)\n` +
    formatTable(['engine', 'operation', 'count', 'p50', 'p95', 'p99', 'ref p50', 'ref p95', 'p95 / ref'], rows, [2, 3, 4, 5, 6, 7, 8]) +
    `\nwrong "nothing left for you" answers (asked again; the next-item sample is the answer that gave an item): ${empties}\n` +
    `setup: ${setup}; whole run ${seconds.toFixed(0)} s\n` +
    `machine: ${machine.nproc} CPUs (${machine.cpu}), Node ${machine.node}, ${machine.platform}\n` +
    statementTable(results)
  );
}
