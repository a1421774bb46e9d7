import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Every benchmark, at its smoke scale (`--smoke`, tools/bench/harness.ts): a benchmark that no longer
 * runs, or whose own checks fail (event counts, exactly-once in-order delivery), fails here. The
 * names come from run.mjs itself, so a benchmark added under tools/bench is picked up without an edit.
 */
const RUN = join(__dirname, 'run.mjs');
/** One benchmark's own limit, from the moment it starts. */
const BENCHMARK_TIMEOUT_MS = 60_000;
/** Benchmarks running at once: they mostly wait (processes starting, databases created), three overlap well on two cores. */
const PARALLEL = 3;

const benchmarks = execFileSync(process.execPath, [RUN, '--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);

let running = 0;
const waiting: (() => void)[] = [];

async function inSlot<T>(run: () => Promise<T>): Promise<T> {
  while (running >= PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await run();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function smokeRun(name: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout takes down its api, client and PostgreSQL children too.
    const child = spawn(process.execPath, [RUN, name, '--smoke'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // SIGINT first: the benchmarks stop their clusters and children on it.
    const signal = (name: NodeJS.Signals) => {
      if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, name);
    };
    const interrupt = setTimeout(() => signal('SIGINT'), BENCHMARK_TIMEOUT_MS - 8000);
    const kill = setTimeout(() => signal('SIGKILL'), BENCHMARK_TIMEOUT_MS - 3000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const tail = (text: string): string => text.split('\n').slice(-40).join('\n');

describe('benchmarks at smoke scale', () => {
  it('finds the benchmarks', () => {
    expect(benchmarks).toEqual(expect.arrayContaining(['event-store', 'gateway', 'read-models']));
  });

  it.concurrent.each(benchmarks)(
    '%s completes cleanly',
    async (name) => {
      const outcome = await inSlot(() => smokeRun(name));
      const clean = outcome.code === 0 && outcome.signal === null && outcome.stdout.trim().length > 0;
      const report = `${name} --smoke: exit ${outcome.code ?? outcome.signal}\nstdout:\n${tail(outcome.stdout)}\nstderr:\n${tail(outcome.stderr)}`;
      expect(clean ? 'clean' : report).toBe('clean');
    },
    // Queued behind the others: the whole file's budget.
    BENCHMARK_TIMEOUT_MS * Math.ceil(benchmarks.length / PARALLEL),
  );
});
