import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * Every benchmark, at its smoke scale (`--smoke`, tools/bench/harness.ts): a benchmark that no longer
 * runs, or whose own checks fail (event counts, exactly-once in-order delivery), fails here. The
 * names come from run.mjs itself, so a benchmark added under tools/bench is picked up without an edit.
 */
const RUN = join(__dirname, 'run.mjs');
/**
 * One benchmark's own limit, from the moment it starts: a hang, or a benchmark that ignores --smoke.
 * Generous because the machine is shared: the gateway's smoke takes ~25 s alone, ~50 s beside two
 * others under a load average of 15.
 */
const BENCHMARK_TIMEOUT_MS = 90_000;
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
  /** It outran BENCHMARK_TIMEOUT_MS (e.g. it ignores --smoke and runs at full scale). */
  readonly timedOut: boolean;
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
    let timedOut = false;
    // SIGINT first: the benchmarks stop their clusters and children on it.
    const stop = (signal: NodeJS.Signals) => {
      timedOut = true;
      if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, signal);
    };
    const interrupt = setTimeout(() => stop('SIGINT'), BENCHMARK_TIMEOUT_MS - 8000);
    const kill = setTimeout(() => stop('SIGKILL'), BENCHMARK_TIMEOUT_MS - 3000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      resolve({ timedOut, code, signal, stdout, stderr });
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
      const clean = !outcome.timedOut && outcome.code === 0 && outcome.signal === null && outcome.stdout.trim().length > 0;
      const ended = outcome.timedOut ? `stopped after ${BENCHMARK_TIMEOUT_MS / 1000 - 8} s` : `exit ${outcome.code ?? outcome.signal}`;
      const report = `${name} --smoke: ${ended}\nstdout:\n${tail(outcome.stdout)}\nstderr:\n${tail(outcome.stderr)}`;
      expect(clean ? 'clean' : report).toBe('clean');
    },
    // Queued behind the others: the whole file's budget.
    BENCHMARK_TIMEOUT_MS * Math.ceil(benchmarks.length / PARALLEL),
  );
});
