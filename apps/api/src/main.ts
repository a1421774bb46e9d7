import 'reflect-metadata';
import { APP_CONFIG, type AppConfig, EVENT_STORE, loadConfigOrExit } from '@camel/server';
import type { EventStore } from '@camel/event-store';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  loadConfigOrExit();
  const app = await createApiApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  const store = app.get<EventStore>(EVENT_STORE);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://localhost:${port}`;
  const where = store.engine === 'sqlite' ? config.sqliteFile : 'PostgreSQL (DATABASE_URL)';
  new Logger('Main').log(`CAMEL Extensions api ready at ${url} — events in ${where}; OpenAPI at ${url}/api/docs`);
}

main().catch((error: unknown) => {
  console.error('api failed to start:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
