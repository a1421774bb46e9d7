import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Engine } from './test-stores';

const ROOT = resolve(__dirname, '../../../..');

/**
 * The child: 16 concurrent writers appending 3 events at a time to a few streams, printing the ids
 * of every acknowledged append, until it is killed. Runs the library's TypeScript through the
 * benchmarks' loader (no build step).
 */
const CHILD = `
require(${JSON.stringify(resolve(ROOT, 'tools/bench/ts-loader.cjs'))}).register();
const { randomUUID } = require('node:crypto');
const { openEventStore } = require(${JSON.stringify(resolve(ROOT, 'libs/event-store/src/index.ts'))});
const [engine, location, eventKey] = process.argv.slice(1);
(async () => {
  const store = await openEventStore(engine === 'postgres' ? { databaseUrl: location, eventKey } : { sqliteFile: location, eventKey });
  const metadata = { actor: { type: 'system', id: 'crash-test' }, correlationId: randomUUID(), time: new Date().toISOString() };
  const writer = async () => {
    for (;;) {
      const append = randomUUID();
      const events = [0, 1, 2].map((i) => ({ id: randomUUID(), type: 'Crashed', data: { append, i }, metadata }));
      await store.append('crash-' + Math.floor(Math.random() * 8), events, { expectedVersion: 'any' });
      process.stdout.write('ack ' + events.map((e) => e.id).join(' ') + '\\n');
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + '\\n');
  process.exit(1);
});
`;

export interface CrashAppender {
  /** Resolves with the number of acknowledged appends once there are at least `count`. */
  untilAcknowledged(count: number, timeoutMs?: number): Promise<number>;
  /** Event ids of every acknowledged append so far. */
  acknowledged(): readonly string[];
  /** SIGKILL: a crash, nothing flushed or rolled back by the process itself. */
  kill(): Promise<void>;
}

/** A real process appending to `location` until killed, for the crash cases of the conformance suite. */
export function startCrashAppender(engine: Engine, location: string, eventKey: string): CrashAppender {
  const child = spawn(process.execPath, ['-e', CHILD, engine, location, eventKey], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ids: string[] = [];
  let appends = 0;
  let pending = '';
  let errors = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('ack ')) continue;
      ids.push(...line.slice(4).split(' '));
      appends += 1;
    }
    waiters.forEach((wake) => wake());
  });
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    untilAcknowledged(count, timeoutMs = 60_000) {
      return new Promise<number>((resolvePromise, reject) => {
        const timer = setTimeout(() => finish(new Error(`only ${appends} of ${count} appends acknowledged: ${errors}`)), timeoutMs);
        const check = () => appends >= count && finish();
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolvePromise(appends);
        };
        waiters.add(check);
        void exited.then(() => finish(new Error(`the appender exited: ${errors}`)));
        check();
      });
    },
    acknowledged: () => [...ids],
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
