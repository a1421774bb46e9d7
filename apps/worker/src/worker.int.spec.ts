import { createTestPostgresDatabase, type TestDatabase } from '@camel/event-store/testing';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';

describe('worker', () => {
  let database: TestDatabase;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    database = await createTestPostgresDatabase('worker');
    process.env['DATABASE_URL'] = database.url;
    const { createWorkerApp } = await import('./bootstrap');
    app = await createWorkerApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('answers its own liveness and readiness probes, naming the database engine', async () => {
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', details: { database: { status: 'up', engine: 'postgres' } } });
  });

  it('reports not ready when its database goes away', async () => {
    await database.drop();
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
  });
});
