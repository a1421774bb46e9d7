import { WEBHOOK_DELIVERY_HEADER, type WebhookDeliveryView } from '@camel/contracts';
import { appendAnnotation } from '@camel/datasets/server/testing';
import { openEventStore } from '@camel/event-store';
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
 * and exactly one successful request. An event recorded while the api is down is delivered after the
 * restart, from the dispatcher's checkpoint.
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

it('resumes a pending delivery after SIGKILL mid-retry and completes it once per event; an event recorded while the api is down is delivered from the checkpoint', async () => {
  receiver.answer(500);
  const first = await start();
  const projectId = (await first.call('POST', '/api/projects', { name: 'Crash hooks' })).body.id as string;
  const hook = await first.call('POST', `/api/projects/${projectId}/webhooks`, { url: receiver.url, events: ['dataset.snapshot.created', 'annotation.submitted'] });
  expect(hook.status).toBe(201);
  const deliveries = async (call: typeof first.call) => (await call('GET', `/api/projects/${projectId}/webhooks/${hook.body.id}/deliveries`)).body.deliveries as WebhookDeliveryView[];
  const imported = await first.call('POST', `/api/projects/${projectId}/datasets/import`, { name: 'crash', content: JSON.stringify({ prompt: 'p', chosen: 'a', rejected: 'b' }) });
  expect(imported.status).toBe(201);
  const failing = await pollUntil('two failed attempts', () => deliveries(first.call), (list) => (list[0]?.attempts.length ?? 0) >= 2, { timeoutMs: 15_000, intervalMs: 25 });
  expect(failing[0].status).toBe('pending');
  await first.api.kill('SIGKILL');

  // While the api is down another writer records an event the webhook wants.
  const offline = await openEventStore({ sqliteFile: join(dataDir, 'camel.sqlite') });
  await appendAnnotation(offline, { projectId, entryId: `${projectId}:turn-1`, value: { rating: 5 } });
  await offline.close();

  receiver.answer(200);
  const second = await start();
  const all = await pollUntil('both deliveries', () => deliveries(second.call), (list) => list.length === 2 && list.every((d) => d.status === 'delivered'), {
    timeoutMs: 20_000,
    intervalMs: 25,
  });
  const done = all.find((d) => d.kind === 'dataset.snapshot.created') as WebhookDeliveryView;
  const later = all.find((d) => d.kind === 'annotation.submitted') as WebhookDeliveryView;
  expect(done.id).toBe(failing[0].id);
  expect(done.attempts.length).toBeGreaterThanOrEqual(3);
  expect(done.attempts.slice(0, -1).every((a) => a.statusCode === 500)).toBe(true);
  expect(done.attempts[done.attempts.length - 1].statusCode).toBe(200);
  expect(later.attempts.map((a) => a.statusCode)).toEqual([200]);
  expect(new Set(receiver.received.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER]))).toEqual(new Set([done.id, later.id]));
  const okOf = (id: string) => receiver.received.filter((r) => r.status === 200 && r.headers[WEBHOOK_DELIVERY_HEADER] === id).length;
  expect([okOf(done.id), okOf(later.id)]).toEqual([1, 1]);
  // The delivered one is not sent again, by this process or a further restart.
  await second.api.kill('SIGTERM');
  const third = await start();
  await pollUntil('the api to settle', async () => (await fetch(`${third.api.url}/health/ready`)).status, (status) => status === 200, { timeoutMs: 15_000, intervalMs: 50 });
  expect(await deliveries(third.call)).toEqual(all);
  expect([okOf(done.id), okOf(later.id)]).toEqual([1, 1]);
});
