import { WEBHOOK_DELIVERY_HEADER, type WebhookDeliveryView } from '@camel/contracts';
import { ApiProcess } from '@camel/server/testing';
import { startWebhookReceiver, type WebhookReceiver } from '@camel/webhooks/server/testing';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pollUntil } from '../testing/poll-until';

/**
 * A webhook delivery survives a crash of the api mid-retry: the pending delivery and its attempts are
 * in the database, the restarted process resumes it from there, and the receiver sees one delivery id
 * and exactly one successful request.
 */
const root = resolve(__dirname, '../../../..');
let dist: string;
let dataDir: string;
let receiver: WebhookReceiver;
const running: ApiProcess[] = [];

beforeAll(async () => {
  mkdirSync(join(root, 'tmp'), { recursive: true });
  dist = mkdtempSync(join(root, 'tmp', 'dist-'));
  const built = spawnSync(process.execPath, [join(root, 'tools/build/build-node.mjs'), '--out', dist], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
  dataDir = mkdtempSync(join(tmpdir(), 'camel-hooks-'));
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((api) => api.kill('SIGKILL')));
  await receiver?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const env = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_RETRY_MAX_MS: '400', WEBHOOK_POLL_MS: '50', WEBHOOK_MAX_ATTEMPTS: '50' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function start(): Promise<{ api: ApiProcess; call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }> }> {
  const api = new ApiProcess({ dist, env: { ...env, DATA_DIR: dataDir } });
  await api.start();
  running.push(api);
  const token = await api.signIn();
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  return { api, call };
}

it('resumes a pending delivery after SIGKILL mid-retry and completes it once per event', async () => {
  receiver.answer(500);
  const first = await start();
  const projectId = (await first.call('POST', '/api/projects', { name: 'Crash hooks' })).body.id as string;
  const hook = await first.call('POST', `/api/projects/${projectId}/webhooks`, { url: receiver.url, events: ['dataset.snapshot.created'] });
  expect(hook.status).toBe(201);
  const deliveries = async (call: typeof first.call) => (await call('GET', `/api/projects/${projectId}/webhooks/${hook.body.id}/deliveries`)).body.deliveries as WebhookDeliveryView[];
  const imported = await first.call('POST', `/api/projects/${projectId}/datasets/import`, { name: 'crash', content: JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b' }) });
  expect(imported.status).toBe(201);
  const failing = await pollUntil('two failed attempts', () => deliveries(first.call), (list) => (list[0]?.attempts.length ?? 0) >= 2, { timeoutMs: 15_000, intervalMs: 25 });
  expect(failing[0].status).toBe('pending');
  await first.api.kill('SIGKILL');

  receiver.answer(200);
  const second = await start();
  const [done] = await pollUntil('the delivery', () => deliveries(second.call), (list) => list[0]?.status === 'delivered', { timeoutMs: 20_000, intervalMs: 25 });
  expect(await deliveries(second.call)).toHaveLength(1);
  expect(done.attempts.length).toBeGreaterThanOrEqual(3);
  expect(done.attempts.slice(0, -1).every((a) => a.statusCode === 500)).toBe(true);
  expect(done.attempts[done.attempts.length - 1].statusCode).toBe(200);
  expect(new Set(receiver.received.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER]))).toEqual(new Set([done.id]));
  expect(receiver.received.filter((r) => r.status === 200)).toHaveLength(1);
  // The delivered one is not sent again, by this process or a further restart.
  await second.api.kill('SIGTERM');
  const third = await start();
  await pollUntil('the api to settle', async () => (await fetch(`${third.api.url}/health/ready`)).status, (status) => status === 200, { timeoutMs: 15_000, intervalMs: 50 });
  expect((await deliveries(third.call))[0]).toMatchObject({ id: done.id, status: 'delivered', attempts: done.attempts });
  expect(receiver.received.filter((r) => r.status === 200)).toHaveLength(1);
});
