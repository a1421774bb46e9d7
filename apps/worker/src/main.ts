import 'reflect-metadata';
import { APP_CONFIG, loadConfigOrExit, type AppConfig } from '@camel/server';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createWorkerApp } from './bootstrap';

async function main(): Promise<void> {
  loadConfigOrExit();
  const app = await createWorkerApp();
  const config = app.get<AppConfig>(APP_CONFIG);
  await app.listen(config.workerPort, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Worker').log(`CAMEL Extensions worker up; health at http://localhost:${port}/health/ready`);
}

main().catch((error: unknown) => {
  console.error('worker failed to start:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
