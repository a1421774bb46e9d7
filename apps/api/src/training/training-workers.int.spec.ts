import { MODEL_FILES, type TrainingRunDetail, type TrainingRunView } from '@camel/contracts';
import { createTestPostgresDatabase, type TestDatabase } from '@camel/event-store/testing';
import { ApiProcess, testRedisUrl as redisUrl, WorkerProcess } from '@camel/server/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil } from '../testing/poll-until';
import { builtinModelsDir, preferenceFile, sha256 } from '../testing/training-api.suite';

/**
 * Production mode as processes from the built dist (compiled training process, precompiled tfjs
 * gradients): the api (PostgreSQL + Redis) only queues training runs, two workers train them from
 * BullMQ, one run at a time each. A worker killed mid-run (SIGKILL: its training process follows it)
 * leaves its job stalled; the other worker takes it and resumes from the last checkpoint, ending with
 * the weights of an uninterrupted run.
 */
const root = resolve(__dirname, '../../../..');
const prefix = `train-${randomUUID().slice(0, 8)}`;
let dist: string;
let dataDir: string;
let builtins: string;
let database: TestDatabase;
let api: ApiProcess;
let token: string;
let projectId: string;
let datasetId: string;
const workers: WorkerProcess[] = [];

const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await response.json()) as T;
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
};
const runOf = async (id: string) => (await call<TrainingRunDetail>('GET', `/api/projects/${projectId}/training-runs/${id}`)).run;
const until = (what: string, id: string, done: (run: TrainingRunView) => boolean, timeoutMs = 120_000) => pollUntil(what, () => runOf(id), done, { timeoutMs, intervalMs: 100 });
const ended = (run: TrainingRunView) => run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled';
const launch = async (modelName: string) =>
  (
    await call<{ id: string }>('POST', `/api/projects/${projectId}/training-runs`, {
      modelName,
      datasetId,
      datasetVersion: 1,
      baseModel: 'tiny',
      method: 'dpo',
      seed: 11,
      hyperparameters: { epochs: 6, batchSize: 4, learningRate: 0.01, checkpointEvery: 3, maxLength: 64 },
    })
  ).id;

const startWorker = async () => {
  const worker = new WorkerProcess({
    dist,
    env: { DATABASE_URL: database.url, REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, DATA_DIR: dataDir, BUILTIN_MODELS_DIR: builtins, TRAINING_CONCURRENCY: '1', RUN_LOCK_MS: '2000', RUN_STALLED_INTERVAL_MS: '1000' },
  });
  await worker.start();
  workers.push(worker);
  return worker;
};

beforeAll(async () => {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(root, 'tmp', 'dist-'));
  const built = spawnSync(process.execPath, [join(root, 'tools/build/build-node.mjs'), '--out', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  dataDir = mkdtempSync(join(tmpdir(), 'camel-training-'));
  builtins = builtinModelsDir();
  database = await createTestPostgresDatabase('training');
  api = new ApiProcess({ dist, env: { DATABASE_URL: database.url, JWT_SECRET: 'training-test-jwt-secret-of-at-least-32-characters', REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, DATA_DIR: dataDir, BUILTIN_MODELS_DIR: builtins } });
  await api.start();
  token = await api.signIn();
  projectId = (await call<{ id: string }>('POST', '/api/projects', { name: 'Training workers' })).id;
  datasetId = (await call<{ id: string }>('POST', `/api/projects/${projectId}/datasets/import`, { name: 'prefs', content: preferenceFile(24), split: { testRatio: 0.2, seed: 3 } })).id;
  await Promise.all([startWorker(), startWorker()]);
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
  await api?.dispose();
  await database?.drop();
  for (const dir of [dist, dataDir, builtins]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('training runs on BullMQ workers (PostgreSQL + Redis, processes)', () => {
  it('trains a run on a worker (not the api) and registers its model; a killed worker’s run resumes on the other with the same weights', async () => {
    const whole = await launch('whole');
    const done = await until('the uninterrupted run', whole, ended);
    expect(done).toMatchObject({ status: 'completed', attempts: 1 });
    const model = await call<{ model: unknown }>('GET', `/api/projects/${projectId}/models/${done.modelId}`);
    expect(model).toMatchObject({ model: { name: 'whole', source: 'training', lineage: { trainingRunId: whole } } });
    expect(workers.some((w) => w.log.includes(`training run ${whole}: attempt 1`))).toBe(true);
    expect(api.log).not.toContain(`training run ${whole}: attempt`);

    const killed = await launch('killed');
    const mid = await until('a checkpoint', killed, (r) => (r.progress?.checkpointStep ?? 0) >= 3 || ended(r));
    expect(mid).toMatchObject({ status: 'running', attempts: 1 });
    // The worker that trains it says so in its log; kill it like a crash (its training process follows).
    const victim = workers.find((w) => w.log.includes(`training run ${killed}: attempt 1`));
    expect(victim).toBeDefined();
    await victim?.kill('SIGKILL');
    const resumed = await until('the resumed run', killed, ended, 180_000);
    expect(resumed).toMatchObject({ status: 'completed', attempts: 2 });
    // Every step recorded once, from both attempts: the killed worker's training process stopped with it.
    const history = (await call<TrainingRunDetail>('GET', `/api/projects/${projectId}/training-runs/${killed}`)).history;
    expect(history.map((h) => h.step)).toEqual(Array.from({ length: resumed.progress?.totalSteps ?? 0 }, (_, i) => i + 1));
    expect(workers.find((w) => w !== victim)?.log).toMatch(new RegExp(`training run ${killed}: attempt 2`));
    expect(sha256(join(dataDir, 'models', resumed.modelId ?? '', MODEL_FILES.weights))).toBe(sha256(join(dataDir, 'models', done.modelId ?? '', MODEL_FILES.weights)));
  }, 300_000);
});
