import { createTestPostgresDatabase, type TestDatabase } from '@camel/event-store/testing';
import { BullMqRunQueue } from '@camel/workflows/server';
import type { INestApplication } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A Redis of this suite's own (tools/test/redis.mjs): the suite stops it, which the shared test Redis must never be. */
const REDIS_SCRIPT = join(__dirname, '../../../tools/test/redis.mjs');
const startRedis = (port?: number): { url: string; dir: string } =>
  JSON.parse(execFileSync(process.execPath, [REDIS_SCRIPT, 'start', ...(port ? [String(port)] : [])], { encoding: 'utf8' })) as { url: string; dir: string };
const stopRedis = (dir: string) => execFileSync(process.execPath, [REDIS_SCRIPT, 'stop', dir]);

/** Reads until `done` holds (`timeoutMs` at most), the last value read either way. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

describe('worker', () => {
  let database: TestDatabase;
  let redis: { url: string; dir: string } | null = null;
  let app: INestApplication;
  let url: string;
  const ready = async () => {
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createTestPostgresDatabase('worker');
    redis = startRedis();
    process.env['DATABASE_URL'] = database.url;
    process.env['REDIS_URL'] = redis.url;
    process.env['QUEUE_PREFIX'] = 'worker-health';
    const { createWorkerApp } = await import('./bootstrap');
    app = await createWorkerApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    if (redis) stopRedis(redis.dir);
    await database?.drop();
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'QUEUE_PREFIX']) delete process.env[name];
  });

  it('answers its own liveness and readiness probes, naming the database engine, Redis, the run queue depth and the training backend', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    // A run's wake-up far ahead: one delayed job the worker does not take yet.
    const producer = new BullMqRunQueue({ redisUrl: redis?.url ?? '', prefix: 'worker-health' });
    await producer.wakeAt('r-later', Date.now() + 3_600_000);
    await producer.onApplicationShutdown();
    const answer = await ready();
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      status: 'ok',
      details: {
        database: { status: 'up', engine: 'postgres' },
        redis: { status: 'up', latencyMs: expect.any(Number), queue: { name: 'workflow-runs', waiting: 0, active: 0, delayed: 1, failed: 0 } },
        // The TensorFlow.js backend its training processes run on (tfjs-node is not installable everywhere).
        training: { status: 'up', backend: expect.stringMatching(/^(tensorflow|wasm|cpu)$/), running: 0 },
      },
    });
  });

  it('reports not ready (503) while Redis is away, the database still up, and ready again when it is back', async () => {
    const { url: redisUrl, dir } = redis ?? { url: '', dir: '' };
    stopRedis(dir);
    redis = null;
    const answer = await ready();
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'error', error: { redis: { status: 'down', message: expect.any(String) } }, info: { database: { status: 'up' } } });

    redis = startRedis(Number(new URL(redisUrl).port));
    const back = await until(ready, (answer) => answer.status === 200);
    // A fresh Redis: the delayed job went with the old one.
    expect(back).toMatchObject({ status: 200, body: { details: { redis: { status: 'up', queue: { delayed: 0 } } } } });
    // And the worker takes jobs again (its connections came back, not only the probe's).
    const producer = new BullMqRunQueue({ redisUrl: redis.url, prefix: 'worker-health' });
    try {
      await producer.enqueue('r-unknown');
      // BullMQ's blocking read may sit out its timeout on the lost connection first (seconds).
      const drained = await until(() => producer.counts(), (counts) => counts['waiting'] === 0 && counts['active'] === 0, 60_000);
      expect(drained).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    } finally {
      await producer.onApplicationShutdown();
    }
  }, 120_000);

  it('reports not ready when its database goes away', async () => {
    await database.drop();
    const answer = await ready();
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
  });
});
