import { LIVE_EVENTS_PATH, RunDeltaMessage, type LogEntryView, type RunDelta, type RunView } from '@camel/contracts';
import { createTestPostgresDatabase, type TestDatabase } from '@camel/event-store/testing';
import { pollUntil } from '../testing/poll-until';
import { ApiProcess, testRedisUrl as redisUrl, WorkerProcess } from '@camel/server/testing';
import { reply, startOpenAiTestServer, type OpenAiTestServer, type RecordedRequest } from '@camel/workflows/server/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { io, type Socket } from 'socket.io-client';

/**
 * Production mode as processes from the built dist: the api (PostgreSQL + Redis) only queues runs,
 * two workers drive them from BullMQ, token deltas reach the api's sockets through Redis. A worker
 * killed mid-generation leaves its runs to the other one, which finishes them with no turn twice.
 */
const root = resolve(__dirname, '../../../..');
const KEY_ENV = 'WORKER_TEST_LLM_KEY';
const keyOf = (worker: number) => `sk-worker-${worker}`;

let dist: string;
let database: TestDatabase;
let llm: OpenAiTestServer;
let api: ApiProcess;
let token: string;
let projectId: string;
let chunkDelayMs = 0;
let slowWorker: number | null = null;
const workers: WorkerProcess[] = [];

const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
};
const startRun = async () => (await call<{ id: string }>('POST', `/api/projects/${projectId}/runs`, { workflow: 'rp' })).id;
const runView = (runId: string) => call<RunView>('GET', `/api/projects/${projectId}/runs/${runId}`);
const entriesOf = (runId: string) => call<LogEntryView[]>('GET', `/api/projects/${projectId}/runs/${runId}/entries`);
const until = <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> =>
  pollUntil(what, read, done, { timeoutMs, intervalMs: 50 });
const allCompleted = (runIds: string[]) => until('every run to complete', () => Promise.all(runIds.map(runView)), (views) => views.every((v) => v.status === 'completed'), 90_000);

/** Turn indexes 1..n with nothing twice, as many as the run counts. */
async function expectContiguousTurns(view: RunView): Promise<LogEntryView[]> {
  // The logs read model is its own projection and may trail the runs one by a batch.
  const entries = await until(`the log entries of ${view.id}`, () => entriesOf(view.id), (list) => list.filter((e) => e.kind === 'turn').length >= view.turns, 30_000);
  const turns = entries.filter((e) => e.kind === 'turn');
  expect(turns.map((e) => e.index)).toEqual(turns.map((_, i) => i + 1));
  expect(new Set(turns.map((e) => e.turnId)).size).toBe(turns.length);
  expect(turns.length).toBe(view.turns);
  return turns;
}

const isUserAgent = (request: RecordedRequest) => (request.body.messages[0]?.content ?? '').includes('Never forget you are a Stock Trader');

const startWorker = async (n: number) => {
  const worker = new WorkerProcess({
    dist,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl(),
      QUEUE_PREFIX: prefix,
      // A killed worker's jobs and run locks expire quickly here (production: 30 s).
      RUN_LOCK_MS: '2000',
      RUN_STALLED_INTERVAL_MS: '1000',
      RUN_WORKER_CONCURRENCY: '50',
      [KEY_ENV]: keyOf(n),
    },
  });
  await worker.start();
  // Indexed by number, not by which started first: the test kills worker 1 by its key.
  workers[n - 1] = worker;
  return worker;
};
const prefix = `test-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(root, 'tmp', 'dist-'));
  const built = spawnSync(process.execPath, [join(root, 'tools/build/build-node.mjs'), '--out', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  database = await createTestPostgresDatabase('workers');
  llm = await startOpenAiTestServer();
  // The user seat ends the role-play after a few turns; every answer streams in small chunks.
  llm.respondWith((request) => {
    const user = isUserAgent(request);
    if (user && request.body.messages.length >= 6) return reply.text('<CAMEL_TASK_DONE>');
    // Worker 1's answers stream slowest, so the kill surely lands while one of them is generated.
    const delay = slowWorker !== null && request.headers.authorization === `Bearer ${keyOf(slowWorker)}` ? 200 : chunkDelayMs;
    return reply.text(user ? 'Instruction: the next part.\nInput: None' : 'Solution: a long answer streamed in many small chunks. Next request.', { chunkDelayMs: delay });
  });
  api = new ApiProcess({ dist, env: { DATABASE_URL: database.url, JWT_SECRET: 'worker-test-jwt-secret-of-at-least-32-characters', REDIS_URL: redisUrl(), QUEUE_PREFIX: prefix, [KEY_ENV]: 'sk-api-preflight' } });
  await api.start();
  token = await api.signIn();
  projectId = (await call<{ id: string }>('POST', '/api/projects', { name: 'Workers' })).id;
  const agents = `version: 1\nproviders:\n  - { id: local, type: openai, base_url: "${llm.url}", api_key_env: ${KEY_ENV} }\nagents:\n  - { name: programmer, role: Python Programmer, system_prompt: Code., model: { provider: local, name: m } }\n  - { name: trader, role: Stock Trader, system_prompt: Trade., model: { provider: local, name: m } }\n`;
  const workflow = 'version: 1\nname: rp\ntype: role_playing\nassistant: programmer\nuser: trader\ntask_prompt: Build it.\nmax_turns: 10\n';
  await call('POST', `/api/projects/${projectId}/configs`, { baseVersion: 0, files: { 'agents.yaml': agents, 'workflows/rp.yaml': workflow }, message: 'workers' });
  await Promise.all([startWorker(1), startWorker(2)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
  await api?.dispose();
  await llm?.close();
  await database?.drop();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

describe('runs on BullMQ workers (PostgreSQL + Redis, processes)', () => {
  it('drives 20 runs on 2 workers to completion, each turn once, and the api does not call the model itself', async () => {
    chunkDelayMs = 0;
    const before = llm.requests.length;
    const runIds = await Promise.all(Array.from({ length: 20 }, startRun));
    const views = await allCompleted(runIds);
    for (const view of views) {
      expect(view.terminationReason).toBe('task_done');
      await expectContiguousTurns(view);
    }
    const keys = new Set(llm.requests.slice(before).map((r) => r.headers.authorization));
    expect(keys).not.toContain('Bearer sk-api-preflight');
    expect([...keys].sort()).toEqual([`Bearer ${keyOf(1)}`, `Bearer ${keyOf(2)}`]);
  }, 120_000);

  it('finishes every run of a worker killed mid-generation on the other worker, with no turn twice; deltas reach the api and end as the turns', async () => {
    chunkDelayMs = 30;
    slowWorker = 1;
    const socket: Socket = io(api.url, { path: LIVE_EVENTS_PATH, transports: ['websocket'], auth: { token } });
    const texts = new Map<string, string>();
    /** What the deltas of each call said of it (the same in every delta of a call). */
    const named = new Map<string, Set<string>>();
    socket.on(RunDeltaMessage.Delta, (delta: RunDelta) => {
      if (delta.choice !== 0) return;
      const call = `${delta.runId} ${delta.callId}`;
      texts.set(call, delta.reset ? '' : (texts.get(call) ?? '') + delta.text);
      const { turnId, index, agent, purpose, alternativeId } = delta;
      named.set(call, (named.get(call) ?? new Set()).add(JSON.stringify({ turnId, index, agent, purpose, alternativeId })));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const runIds = await Promise.all(Array.from({ length: 4 }, startRun));
      for (const runId of runIds) expect(await socket.emitWithAck(RunDeltaMessage.Subscribe, { projectId, runId })).toEqual({ ok: true });

      // Kill worker 1 while one of its calls is streaming (its key tells its requests apart).
      const finished = new Set<RecordedRequest>();
      // Worker 1's answers take ≥ 1 s (200 ms a chunk) except the one-chunk done token: a request of
      // another kind received in the last 400 ms is surely still streaming when the kill lands.
      const longAnswer = (r: RecordedRequest) => !(isUserAgent(r) && r.body.messages.length >= 6);
      const streaming = () =>
        llm.requests.filter((r) => r.headers.authorization === `Bearer ${keyOf(1)}` && !finished.has(r) && longAnswer(r) && Date.now() - r.receivedAt < 400);
      llm.requests.forEach((r) => void r.done.then(() => finished.add(r)));
      await until('worker 1 mid-generation', async () => {
        llm.requests.forEach((r) => void r.done.then(() => finished.add(r)));
        await new Promise((resolve) => setImmediate(resolve));
        return streaming().length;
      }, (count) => count > 0, 30_000);
      const [victim, survivor] = workers;
      const interrupted = streaming();
      await victim.kill('SIGKILL');
      const killedAt = Date.now();

      const views = await allCompleted(runIds);
      for (const view of views) {
        expect(view.terminationReason).toBe('task_done');
        const turns = await expectContiguousTurns(view);
        // Every recorded model turn was streamed to the api's socket, ending exactly as recorded.
        const streamed = new Set([...texts].filter(([call]) => call.startsWith(`${view.id} `)).map(([, text]) => text));
        for (const turn of turns) expect(streamed).toContain(turn.content);
        // Through Redis too, each delta names the turn it generates (its bubble's place) and its agent.
        for (const turn of turns) {
          const said = named.get(`${view.id} ${turn.turnId}`);
          if (said) expect([...said]).toEqual([JSON.stringify({ turnId: turn.turnId, index: turn.index, agent: turn.agent, purpose: 'turn', alternativeId: null })]);
        }
        expect(turns.filter((turn) => named.has(`${view.id} ${turn.turnId}`)).length).toBeGreaterThan(0);
      }
      await Promise.all(interrupted.map((r) => r.done));
      // The calls the kill cut (the test server saw the connection go) were made again by the survivor.
      const cut = interrupted.filter((r) => r.closedByClient);
      expect(cut.length).toBeGreaterThan(0);
      // A request worker 1 sent just before dying can be recorded (its body read) just after the kill.
      const after = llm.requests.filter((r) => r.receivedAt > killedAt + 500);
      expect(after.length).toBeGreaterThan(0);
      expect(after.every((r) => r.headers.authorization === `Bearer ${keyOf(2)}`)).toBe(true);
      // The interrupted calls were made again by the survivor with the same prompt.
      for (const lost of cut) expect(after.some((r) => JSON.stringify(r.body.messages) === JSON.stringify(lost.body.messages))).toBe(true);
      expect(survivor.running).toBe(true);
    } finally {
      socket.disconnect();
    }

    const verify = spawnSync(process.execPath, [join(dist, 'apps/api/src/cli.js'), 'verify'], { env: { ...process.env, DATABASE_URL: database.url, JWT_SECRET: 'worker-test-jwt-secret-of-at-least-32-characters', REDIS_URL: '' }, encoding: 'utf8' });
    expect({ code: verify.status, out: `${verify.stdout}${verify.stderr}` }).toMatchObject({ code: 0, out: expect.stringContaining('OK: every hash chain is intact') });
  }, 150_000);
});
