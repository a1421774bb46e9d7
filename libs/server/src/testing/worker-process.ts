import { join } from 'node:path';
import { NodeProcess } from './node-process';

export interface WorkerProcessOptions {
  /** Output folder of `tools/build/build-node.mjs` (holds apps/worker/src/main.js). */
  readonly dist: string;
  /** DATABASE_URL, REDIS_URL, QUEUE_PREFIX, RUN_* settings, provider keys, … */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The built worker as a real process, as `npm run start:worker` runs it: tests kill it mid-run
 * (SIGKILL) and check that another worker, or this one started again, finishes its runs.
 */
export class WorkerProcess extends NodeProcess {
  private port = 0;

  constructor(private readonly options: WorkerProcessOptions) {
    super('worker', join(options.dist, 'apps/worker/src/main.js'), /worker up; health at http:\/\/localhost:(\d+)/);
  }

  get healthUrl(): string {
    return `http://127.0.0.1:${this.port}/health`;
  }

  async start(): Promise<void> {
    const ready = await this.spawnUntilReady({ ...process.env, WORKER_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'log', ...this.options.env });
    this.port = Number(ready[1]);
  }
}
