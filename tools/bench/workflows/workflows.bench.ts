import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from '../gateway/processes';
import { CpuMeter, postmasterPid, processTree } from '../gateway/proc-stats';
import { byScale, formatInt, log, machineInfo, parseFlags, pickNames, type BenchContext } from '../harness';
import { startLlmServer, type LlmServerProcess } from './llm-server';
import type { ApiReply, ApiRequest, ApiResult, DirectReply, DirectRequest, DirectResult } from './protocol';
import { report, type EngineRow } from './report';
import { BenchApiClient, LLM_KEY_ENV, OWNER } from './setup';

const ENGINES = ['sqlite', 'postgres'] as const;
type Engine = (typeof ENGINES)[number];

interface Options {
  readonly runs: number;
  readonly maxTurns: number;
  readonly latencyMs: number;
  readonly maxConcurrency: number;
  readonly timeoutMs: number;
}

/**
 * N role-play runs started at once on one api process (the embedded default's in-process queue)
 * against the local OpenAI-compatible server in its own process, on SQLite and on PostgreSQL; beside
 * them, in the same run, the same model calls made directly with the same concurrency (the ceiling).
 */
export async function run(context: BenchContext): Promise<void> {
  const flags = parseFlags(context.args);
  const number = (name: string, fallback: number) => {
    const value = Number(flags.values.get(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const runs = number('runs', byScale(flags, { full: 200, quick: 100, smoke: 4 }));
  const options: Options = {
    runs,
    maxTurns: number('turns', byScale(flags, { full: 5, quick: 3, smoke: 1 })),
    latencyMs: number('latency', 50),
    maxConcurrency: number('max-concurrency', runs),
    timeoutMs: number('timeout', 600) * 1000,
  };
  const engines = pickNames(flags.values.get('engines'), ENGINES, ENGINES, 'engine');
  const started = Date.now();
  const llm = await startLlmServer(context.root, options.latencyMs);
  const cluster = engines.includes('postgres') ? await context.startPostgres({ fsync: true }) : null;
  const dir = mkdtempSync(join(tmpdir(), 'bench-workflows-'));
  const rows: EngineRow[] = [];
  let direct: DirectResult | undefined;
  try {
    for (const engine of engines) {
      // Production mode (a database URL) needs a signing secret; the embedded default makes its own.
      const location = engine === 'postgres' ? { DATABASE_URL: cluster?.url, JWT_SECRET: randomBytes(32).toString('base64url') } : { DATA_DIR: join(dir, 'data') };
      const postgresPort = cluster ? Number(new URL(cluster.url).port) : null;
      rows.push({ engine, ...(await measureEngine(engine, location, postgresPort, llm, dir, options)) });
    }
    log(`direct: ${formatInt(rows[0].result.runs.reduce((sum, r) => sum + r.turns, 0))} calls from ${options.runs} loops`);
    direct = await measureDirect(llm, rows[0].result);
  } finally {
    llm.stop();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ machine: machineInfo(), options, seconds, rows, direct })}\n`);
    return;
  }
  process.stdout.write(report(rows, direct, options, seconds));
}

async function measureEngine(
  engine: Engine,
  location: Record<string, string | undefined>,
  postgresPort: number | null,
  llm: LlmServerProcess,
  dir: string,
  options: Options,
): Promise<Omit<EngineRow, 'engine'>> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...location,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: OWNER.email,
    ADMIN_PASSWORD: OWNER.password,
    JWT_SECRET: 'bench-jwt-secret-of-at-least-thirty-two-characters',
    CONFIGS_DIR: join(dir, 'no-sample-configs'),
    LLM_MAX_CONCURRENCY: String(options.maxConcurrency),
    [LLM_KEY_ENV]: 'sk-bench',
  };
  if (engine === 'sqlite') delete env['DATABASE_URL'];
  delete env['REDIS_URL'];
  const api = Child.start<ApiRequest, ApiReply>(`api (${engine})`, '../workflows/api-process.ts', { env });
  try {
    const ready = await api.next();
    if (ready.type !== 'ready') throw new Error(`api: expected ready, got ${ready.type}`);
    const client = new BenchApiClient(`http://127.0.0.1:${ready.port}`);
    const projectId = await client.prepare(llm.url, options.maxTurns);
    const postmaster = postgresPort === null ? null : postmasterPid(postgresPort);
    const cpu = new CpuMeter(() => ({ api: [api.pid], llm: [llm.pid], postgres: postmaster ? processTree(postmaster) : [] }));
    const settled = async () => {
      const deadline = Date.now() + options.timeoutMs;
      for (;;) {
        const { unfinished } = await api.request({ type: 'progress' }, 'progress');
        if (unfinished === 0) return;
        if (Date.now() > deadline) throw new Error(`${engine}: ${unfinished} runs still unfinished after ${options.timeoutMs / 1000} s`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    // Warm-up, not measured: one round per run opens the provider's connections and warms the code paths.
    await client.startRuns(projectId, options.runs, 1);
    await settled();
    await api.request({ type: 'measure' }, 'measuring');
    cpu.start();
    log(`${engine}: starting ${options.runs} runs of ${options.maxTurns} rounds`);
    const runIds = await client.startRuns(projectId, options.runs);
    await settled();
    const { result } = await api.request({ type: 'finish', projectId, runIds }, 'finished', 600_000);
    return { result, cpu: cpu.stop() };
  } finally {
    await api.stop({ type: 'stop' });
  }
}

async function measureDirect(llm: LlmServerProcess, product: ApiResult): Promise<DirectResult> {
  const direct = Child.start<DirectRequest, DirectReply>('direct', '../workflows/direct-process.ts');
  try {
    await direct.next();
    const callsPerLoop = product.runs.map((r) => r.callLatenciesMs.length);
    return (await direct.request({ type: 'run', url: llm.url, callsPerLoop }, 'done', 600_000)).result;
  } finally {
    await direct.stop({ type: 'stop' });
  }
}
