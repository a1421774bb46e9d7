/**
 * Cheap CPU and memory readings from /proc (Linux): no agent inside the measured processes.
 * CPU is utime + stime in clock ticks (USER_HZ = 100 on Linux: 10 ms resolution, ample over seconds).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100;

interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, clock ticks. */
  readonly ticks: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces: split after its closing parenthesis.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): ppid = field 4, utime = field 14, stime = field 15.
  return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** Resident set size now and at its peak (VmHWM), MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** A process and, optionally, all its descendants (PostgreSQL backends are children of the postmaster). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return out;
}

/** CPU ticks of a set of processes; processes that exited are simply missing. */
function ticksOf(pids: readonly number[]): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ticks.set(pid, stat.ticks);
  }
  return ticks;
}

/** Whole machine: busy and total jiffies from the first line of /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = values[3] + values[4];
  return { busy: total - idle, total };
}

/**
 * CPU use between `start()` and `stop()`, in % of one core per group; `machine`: % of all cores busy;
 * `other`: what the machine spent outside the groups (% of one core).
 */
export class CpuMeter {
  private startTime = 0;
  private startTicks = new Map<string, Map<number, number>>();
  private startMachine = { busy: 0, total: 0 };

  constructor(private readonly groups: () => Record<string, readonly number[]>) {}

  start(): void {
    this.startTime = performance.now();
    this.startMachine = machineTicks();
    this.startTicks = new Map(Object.entries(this.groups()).map(([name, pids]) => [name, ticksOf(pids)]));
  }

  /** `{ group: % of one core }` plus `machine`: % of all cores busy. */
  stop(): Record<string, number> {
    const seconds = (performance.now() - this.startTime) / 1000;
    const result: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups())) {
      const before = this.startTicks.get(name) ?? new Map<number, number>();
      const after = ticksOf(pids);
      let ticks = 0;
      // Processes that started during the window count from 0.
      for (const [pid, value] of after) ticks += value - (before.get(pid) ?? 0);
      result[name] = (100 * ticks) / TICKS_PER_SECOND / seconds;
    }
    const machine = machineTicks();
    const cores = availableParallelism();
    result['machine'] = (100 * (machine.busy - this.startMachine.busy)) / Math.max(1, machine.total - this.startMachine.total);
    const ours = Object.values(result).reduce((a, b) => a + b, 0) - result['machine'];
    result['other'] = Math.max(0, (result['machine'] * cores) - ours);
    return result;
  }
}

/** The postmaster's pid, from the port in its command line. */
export function postmasterPid(port: number): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (!args[0]?.endsWith('postgres')) continue;
    const flag = args.indexOf('-p');
    if (flag >= 0 && args[flag + 1] === String(port)) return Number(name);
    if (args.some((a) => a === `-p${port}` || a.startsWith(`-p ${port} `))) return Number(name);
  }
  return null;
}
