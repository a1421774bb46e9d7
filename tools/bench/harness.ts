import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** What tools/bench/run.mjs hands to a benchmark's `run`. */
export interface PostgresCluster {
  readonly url: string;
  stop(): void;
}

export interface BenchContext {
  /** Command-line arguments after the benchmark name. */
  readonly args: readonly string[];
  /** Repository root. */
  readonly root: string;
  /** tools/test/postgres.mjs: a throwaway cluster on a free loopback port. */
  startPostgres(options: { fsync: boolean }): Promise<PostgresCluster>;
}

/**
 * Flags every benchmark takes. `--quick`: smaller sizes, noisier numbers. `--json`: JSON on stdout.
 * `--smoke`: the smallest scale that still runs every part of the benchmark (seconds, not minutes) and
 * still checks what the full run checks (event counts, exactly-once in-order delivery), exiting
 * non-zero when a check fails. tools/bench/benchmarks.int.spec.ts runs `run.mjs <name> --smoke` for
 * every benchmark run.mjs finds, so a new benchmark must honour it (pick its sizes with `byScale`)
 * or the test command runs it at full scale; a benchmark that breaks fails the test command.
 */
export interface Flags {
  readonly quick: boolean;
  readonly smoke: boolean;
  readonly json: boolean;
  /** `--name=value` options (`--name` alone: 'true'). */
  readonly values: ReadonlyMap<string, string>;
}

export function parseFlags(args: readonly string[]): Flags {
  const values = new Map<string, string>();
  let quick = false;
  let smoke = false;
  let json = false;
  for (const arg of args) {
    if (arg === '--quick') quick = true;
    else if (arg === '--smoke') smoke = true;
    else if (arg === '--json') json = true;
    else if (arg.startsWith('--') && arg.includes('=')) {
      const at = arg.indexOf('=');
      values.set(arg.slice(2, at), arg.slice(at + 1));
    } else if (arg.startsWith('--')) values.set(arg.slice(2), 'true');
    else throw new Error(`unknown argument ${arg}`);
  }
  if (quick && smoke) throw new Error('--quick and --smoke exclude each other');
  return { quick, smoke, json, values };
}

export type Scale = 'full' | 'quick' | 'smoke';

export const scaleOf = (flags: Flags): Scale => (flags.smoke ? 'smoke' : flags.quick ? 'quick' : 'full');

/** The value for the run's scale: sizes, durations, client counts. */
export const byScale = <T>(flags: Flags, values: Readonly<Record<Scale, T>>): T => values[scaleOf(flags)];

/** Progress goes to stderr so stdout stays the table (or JSON). */
export const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

export interface Timing {
  readonly events: number;
  readonly seconds: number;
  readonly perSecond: number;
}

/** Times `fn`, which returns how many events it handled. */
export async function timed(fn: () => Promise<number>): Promise<Timing> {
  const start = performance.now();
  const events = await fn();
  const seconds = (performance.now() - start) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

/** Runs `op(0..total-1)` from `writers` concurrent loops, each awaiting its op before the next. */
export async function concurrently(total: number, writers: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (;;) {
        const i = next;
        next += 1;
        if (i >= total) return;
        await op(i);
      }
    }),
  );
}

export const formatInt = (n: number): string => Math.round(n).toLocaleString('en-US');

export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly number[]): string {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (rightAligned.includes(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** CPU count (as `nproc` sees it: cgroup limits included), CPU model, Node version, platform. */
export function machineInfo(): Record<string, string> {
  let nproc = String(availableParallelism());
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // keep availableParallelism()
  }
  return { nproc, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** A comma-separated flag value checked against the known names; `fallback` when it is absent. */
export function pickNames<T extends string>(value: string | undefined, all: readonly T[], fallback: readonly T[], what: string): T[] {
  if (!value) return [...fallback];
  const names = value.split(',').map((s) => s.trim()) as T[];
  for (const name of names) if (!all.includes(name)) throw new Error(`unknown ${what} ${name}; known: ${all.join(', ')}`);
  return names;
}
