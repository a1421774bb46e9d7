import type { LogEntryView, RunView } from '@camel/contracts';
import { createTestPostgresDatabase, type TestDatabase } from '@camel/event-store/testing';
import { ApiProcess, testRedisUrl as redisUrl, WorkerProcess } from '@camel/server/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pollUntil } from '../testing/poll-until';

/**
 * `type: local` on BullMQ: the api (PostgreSQL + Redis) only queues the run; a worker process from
 * the built dist generates its turns with the registry's model in its own generation thread.
 */
const root = resolve(__dirname, '../../../..');
const prefix = `local-${randomUUID().slice(0, 8)}`;
let dist: string;
let models: string;
let database: TestDatabase;
let api: ApiProcess;
let worker: WorkerProcess;
let token: string;

const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await response.json()) as T;
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
};

beforeAll(async () => {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(root, 'tmp', 'dist-'));
  const built = spawnSync(process.execPath, [join(root, 'tools/build/build-node.mjs'), '--out', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  // libs/ml's tiny random Llama as the only built-in: quick to generate.
  models = mkdtempSync(join(root, 'tmp', 'models-'));
  cpSync(join(root, 'libs/ml/src/fixtures/tiny-llama'), join(models, 'tiny'), { recursive: true });
  database = await createTestPostgresDatabase('localworkers');
  const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, BUILTIN_MODELS_DIR: models };
  api = new ApiProcess({ dist, env: { ...env, JWT_SECRET: 'local-worker-test-jwt-secret-of-32-characters' } });
  await api.start();
  worker = new WorkerProcess({ dist, env });
  await worker.start();
  token = await api.signIn();
}, 120_000);

afterAll(async () => {
  await worker?.kill('SIGTERM');
  await api?.dispose();
  await database?.drop();
  for (const dir of [dist, models]) if (dir) rmSync(dir, { recursive: true, force: true });
});

it('a worker drives a run whose agents are on type: local to completion', async () => {
  const projectId = (await call<{ id: string }>('POST', '/api/projects', { name: 'Local on workers' })).id;
  const agents = 'version: 1\nproviders:\n  - { id: here, type: local }\nagents:\n  - { name: programmer, role: Python Programmer, system_prompt: Code., model: { provider: here, name: tiny, max_tokens: 8 } }\n  - { name: trader, role: Stock Trader, system_prompt: Trade., model: { provider: here, name: tiny, max_tokens: 8, temperature: 0 } }\n';
  const workflow = 'version: 1\nname: rp\ntype: role_playing\nassistant: programmer\nuser: trader\ntask_prompt: Build it.\nmax_turns: 4\n';
  await call('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files: { 'agents.yaml': agents, 'workflows/rp.yaml': workflow }, message: 'local' });
  const runId = (await call<{ id: string }>('POST', `/api/projects/${projectId}/runs`, { workflow: 'rp' })).id;
  const view = await pollUntil('the run', () => call<RunView>('GET', `/api/projects/${projectId}/runs/${runId}`), (v) => ['completed', 'failed'].includes(v.status), { timeoutMs: 90_000, intervalMs: 100 });
  expect([view.status, view.terminationReason, view.failure]).toEqual(['completed', 'max_turns', null]);
  const entries = await pollUntil('its entries', () => call<LogEntryView[]>('GET', `/api/projects/${projectId}/runs/${runId}/entries`), (list) => list.length >= 4, { timeoutMs: 30_000, intervalMs: 100 });
  for (const entry of entries) expect(entry).toMatchObject({ provider: 'here', model: 'tiny' });
  expect(worker.log).not.toContain('ERROR');
}, 180_000);
