import 'reflect-metadata';
import { APP_CONFIG, ConfigError, loadConfig, type AppConfig } from '@camel/server';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createWorkerApp } from './bootstrap';

async function main(): Promise<void> {
  try {
    loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
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
