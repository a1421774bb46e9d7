import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(WorkerModule, { logger: options.logger });
  app.enableShutdownHooks();
  return app;
}
