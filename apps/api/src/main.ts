import 'reflect-metadata';
import { APP_CONFIG, type AppConfig, EVENT_STORE, loadConfigOrExit } from '@camel/server';
import type { EventStore } from '@camel/event-store';
import { FirstOwner, type GeneratedOwner } from '@camel/identity/server';
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
  const owner = app.get(FirstOwner).takeGenerated();
  if (owner) process.stdout.write(firstOwnerNotice(owner, url));
}

/** The one place a password is ever printed: the generated first password, once, last and set apart. */
function firstOwnerNotice({ email, password }: GeneratedOwner, url: string): string {
  const rule = '='.repeat(72);
  return [
    '',
    rule,
    '  First owner account created. Sign in at ' + url,
    `    email:    ${email}`,
    `    password: ${password}`,
    '  This password is shown only this once; the console asks you to change it at the first sign-in.',
    '  (Set ADMIN_EMAIL and ADMIN_PASSWORD before the first start to choose them yourself.)',
    rule,
    '',
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error('api failed to start:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
